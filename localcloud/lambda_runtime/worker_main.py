"""One warm Lambda execution environment: a process that imports a handler once and serves events.

Forked by `WorkerPoolRuntime` (`worker_forks.py`) with the function's environment and its code folder
as the working directory. Protocol: one JSON request per line on stdin, one JSON response per line
on the original stdout. Whatever the handler prints goes to stderr, which the parent keeps
as the invocation's logs; a marker line closes each invocation's logs.

The worker enforces the function's timeout itself, on its own run clock (`run_clock.py`): a
SIGALRM watchdog on the handler's own thread answers `{"timedOut": ...}` and ends the process
when the handler's own run passes the limit, so a busy machine or a slow local endpoint never
times a function out. (Handlers therefore must not use SIGALRM themselves.)
"""

from __future__ import annotations

import importlib
import json
import mmap
import os
import signal
import struct
import sys

from localcloud.lambda_runtime.contract import FunctionSpec, LambdaContext, error_payload, to_json
from localcloud.lambda_runtime.run_clock import RunClock, time_local_aws_calls

END_OF_LOGS = "\x1e-end-of-invocation "
# A file descriptor shared with the pool: the current phase's run-clock seconds so far, as a double.
RUN_SO_FAR_FD_VARIABLE = "LOCALCLOUD_RUN_SO_FAR_FD"
RUN_SO_FAR_BYTES = 8
# Lambda times the init phase on its own, with this limit, not against the function's timeout.
INIT_TIMEOUT_SECONDS = 10.0
WATCH_INTERVAL_SECONDS = 0.02


class ImportModuleError(Exception):
    """Lambda's `Runtime.ImportModuleError`: the handler's module failed to import."""


class Watchdog:
    """Ends the process when the phase being watched outruns its limit on the run clock.

    It checks from a SIGALRM handler, which Python runs on the main thread: the handler's own. A
    watchdog thread had to take the GIL for every check, and each time the handler's thread waited
    for it blocked, not runnable, so that wait was in no run-queue figure: on a loaded machine the
    checking thread's own wait for a core was counted as the function's time (issue 10 section 1).
    """

    def __init__(self, protocol, run_so_far: mmap.mmap | None = None):
        self._protocol = protocol
        self._run_so_far = run_so_far
        self._phase: tuple[RunClock, float, str, str] | None = None
        signal.signal(signal.SIGALRM, self._check)

    def start(self, limit: float, phase: str, request_id: str = "") -> RunClock:
        clock = RunClock()
        self._phase = (clock, limit, phase, request_id)
        signal.setitimer(signal.ITIMER_REAL, WATCH_INTERVAL_SECONDS, WATCH_INTERVAL_SECONDS)
        return clock

    def answer(self, message: dict) -> None:
        """The phase's own answer; after the watchdog has answered, nothing more is written."""
        self._phase = None  # first: a check running from here on finds nothing to time out
        signal.setitimer(signal.ITIMER_REAL, 0)  # an idle worker is not woken
        self._protocol.write(json.dumps(message) + "\n")

    def _check(self, _signum, _frame) -> None:
        if self._phase is None:
            return
        clock, limit, phase, request_id = self._phase
        elapsed = clock.elapsed()
        if self._run_so_far is not None:  # the pool reads it: a handler's own run, not the machine's slowness
            struct.pack_into("d", self._run_so_far, 0, elapsed)
        if elapsed >= limit:
            # os.write: the handler may be inside a buffered write to stderr, which must not be re-entered
            os.write(2, f"{request_id} Task timed out after {limit:.2f} seconds\n".lstrip().encode())
            answer = json.dumps({"timedOut": phase, "durationMs": clock.elapsed() * 1000}) + "\n"
            os.write(self._protocol.fileno(), answer.encode())
            os._exit(1)  # Lambda discards an environment whose invocation timed out


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
    slot = os.environ.get(RUN_SO_FAR_FD_VARIABLE)
    watchdog = Watchdog(protocol, mmap.mmap(int(slot), RUN_SO_FAR_BYTES) if slot else None)
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
