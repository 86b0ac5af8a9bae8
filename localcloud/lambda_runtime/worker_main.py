"""One warm Lambda execution environment: a process that imports a handler once and serves events.

Started by `WorkerPoolRuntime` with the function's environment and its code folder as the
working directory. Protocol: one JSON request per line on stdin, one JSON response per line
on the original stdout. Whatever the handler prints goes to stderr, which the parent keeps
as the invocation's logs; a marker line closes each invocation's logs.

The worker enforces the function's timeout itself, on its own run clock (`run_clock.py`): a
watchdog thread answers `{"timedOut": ...}` and ends the process when the handler's own run
passes the limit, so a busy machine or a slow local endpoint never times a function out.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import threading
import time

from localcloud.lambda_runtime.contract import FunctionSpec, LambdaContext, error_payload, to_json
from localcloud.lambda_runtime.run_clock import RunClock, time_local_aws_calls

END_OF_LOGS = "\x1e-end-of-invocation "
# Lambda times the init phase on its own, with this limit, not against the function's timeout.
INIT_TIMEOUT_SECONDS = 10.0
WATCH_INTERVAL_SECONDS = 0.02


class ImportModuleError(Exception):
    """Lambda's `Runtime.ImportModuleError`: the handler's module failed to import."""


class Watchdog:
    """Ends the process when the phase being watched outruns its limit on the run clock."""

    def __init__(self, protocol):
        self._protocol = protocol
        self._lock = threading.Lock()  # one answer per phase: the handler's or the watchdog's
        self._watching = threading.Condition(self._lock)
        self._phase: tuple[RunClock, float, str, str] | None = None
        threading.Thread(target=self._watch, daemon=True, name="watchdog").start()

    def start(self, limit: float, phase: str, request_id: str = "") -> RunClock:
        clock = RunClock()
        with self._lock:
            self._phase = (clock, limit, phase, request_id)
            self._watching.notify()
        return clock

    def answer(self, message: dict) -> None:
        """The phase's own answer; after the watchdog has answered, nothing more is written."""
        with self._lock:
            self._phase = None
            self._protocol.write(json.dumps(message) + "\n")

    def _watch(self) -> None:
        while True:
            with self._lock:
                while self._phase is None:
                    self._watching.wait()
                clock, limit, phase, request_id = self._phase
                if clock.elapsed() >= limit:
                    sys.stderr.write(f"{request_id} Task timed out after {limit:.2f} seconds\n".lstrip())
                    sys.stderr.flush()
                    self._protocol.write(json.dumps({"timedOut": phase, "durationMs": clock.elapsed() * 1000}) + "\n")
                    self._protocol.flush()
                    os._exit(1)  # Lambda discards an environment whose invocation timed out
            time.sleep(WATCH_INTERVAL_SECONDS)


def main() -> None:
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # handler prints become logs, not protocol
    sys.stdout = os.fdopen(1, "w", buffering=1)
    spec = FunctionSpec(
        name=os.environ["AWS_LAMBDA_FUNCTION_NAME"],
        code_dir=os.getcwd(),
        handler=os.environ["_HANDLER"],
        timeout_seconds=float(os.environ["AWS_LAMBDA_FUNCTION_TIMEOUT"]),
        memory_mb=int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")),
        region=os.environ.get("AWS_REGION", "us-east-1"),
        account_id=os.environ.get("LOCALCLOUD_ACCOUNT_ID", "123456789012"),
    )
    # The handler sees only its asset folder and the venv's packages, as on Lambda.
    project_root = os.environ.get("LOCALCLOUD_PROJECT_ROOT")
    sys.path[:] = [os.getcwd()] + [p for p in sys.path if p not in (project_root, "", ".")]
    if os.environ.get("AWS_ENDPOINT_URL"):
        time_local_aws_calls(os.environ["AWS_ENDPOINT_URL"])
    watchdog = Watchdog(protocol)
    module_name, attribute = spec.module_and_attribute
    watchdog.start(INIT_TIMEOUT_SECONDS, "init")
    try:  # the init phase, before the first event, as in a provisioned Lambda environment
        handler = getattr(importlib.import_module(module_name), attribute)
        init_error = None
    except Exception as exc:  # noqa: BLE001 - reported on every invocation, as Lambda does
        handler, init_error = None, exc
    watchdog.answer({"ready": True})  # init is over: the function timeout applies from here
    for line in sys.stdin:
        request = json.loads(line)
        request_id = request["requestId"]
        clock = watchdog.start(spec.timeout_seconds, "invoke", request_id)
        context = LambdaContext(spec, request_id, clock=clock)
        try:
            if init_error is not None:
                raise ImportModuleError(f"Unable to import module '{module_name}': {init_error}") from init_error
            response = {"payload": to_json(handler(request["event"], context)), "errored": False}
        except Exception as exc:  # noqa: BLE001 - every handler error becomes Lambda's error shape
            error = error_payload(exc, request_id)
            if isinstance(exc, ImportModuleError):
                error["errorType"] = "Runtime.ImportModuleError"
            response = {"payload": to_json(error), "errored": True}
        response["durationMs"] = clock.elapsed() * 1000
        sys.stdout.flush()
        sys.stderr.write(f"{END_OF_LOGS}{request_id}\n")
        sys.stderr.flush()
        watchdog.answer(response)


if __name__ == "__main__":
    main()
