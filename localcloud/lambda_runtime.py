"""Run real Lambda handler code locally, with Lambda's contract.

Two runtimes share one contract (`LambdaRuntime.invoke(spec, event) -> Invocation`):

- `InProcessRuntime` imports the handler into this process. Used by the workflow tests,
  whose AWS is moto's in-process mock, which a child process could not reach.
- `WorkerPoolRuntime` (localcloud/lambda_workers.py) runs each function in warm worker
  processes with the function's own environment and enforces its timeout. Used by the
  local cloud.

Errors come back in Lambda's shape (`errorType`, `errorMessage`, `stackTrace`), so the
state machine's `Retry`/`Catch` match the exception class names, as on AWS.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import logging
import os
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger("localcloud.lambda")

# Variables every local function sees on top of its own environment.
LOCAL_BASE_ENVIRONMENT = {
    # No X-Ray daemon runs locally; Powertools Tracer becomes a no-op.
    "POWERTOOLS_TRACE_DISABLED": "true",
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    # Job callbacks may go to http://127.0.0.1 locally (receivers in tests, `make run`); AWS accepts https only.
    "STEPGATE_ALLOW_LOOPBACK_CALLBACKS": "true",
}


@dataclass(frozen=True)
class FunctionSpec:
    """What the template says about one function: enough to run it as Lambda would."""

    name: str
    code_dir: Path
    handler: str
    environment: dict[str, str] = field(default_factory=dict)
    timeout_seconds: float = 3.0
    memory_mb: int = 128
    region: str = "us-east-1"
    account_id: str = "123456789012"

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{self.name}"

    @property
    def module_and_attribute(self) -> tuple[str, str]:
        module, _, attribute = self.handler.rpartition(".")
        if not module:
            raise ValueError(f"handler {self.handler!r} of {self.name} is not <module>.<function>")
        return module.replace("/", "."), attribute


@dataclass(frozen=True)
class Invocation:
    """One invocation's outcome, as moto's Lambda hook needs it."""

    payload: str
    errored: bool
    logs: str
    duration_ms: float
    request_id: str

    @property
    def error_type(self) -> str | None:
        if not self.errored:
            return None
        try:
            return json.loads(self.payload).get("errorType")
        except (ValueError, AttributeError):
            return None


class LambdaRuntime(Protocol):
    def invoke(self, spec: FunctionSpec, event: Any) -> Invocation: ...

    def close(self) -> None: ...


class LambdaContext:
    """The context object handlers receive (the attributes Powertools reads)."""

    def __init__(self, spec: FunctionSpec, request_id: str, deadline: float):
        self.function_name = spec.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = spec.arn
        self.memory_limit_in_mb = spec.memory_mb
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{spec.name}"
        self.log_stream_name = f"local/{request_id}"
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def error_payload(exc: BaseException, request_id: str) -> dict[str, Any]:
    """Lambda's error document for an exception raised by a handler."""
    return {
        "errorType": type(exc).__name__,
        "errorMessage": str(exc),
        "requestId": request_id,
        "stackTrace": traceback.format_tb(exc.__traceback__),
    }


def timeout_payload(spec: FunctionSpec, request_id: str) -> dict[str, Any]:
    """What Lambda reports when it kills an invocation at the function's timeout."""
    return {
        "errorType": "Sandbox.Timedout",
        "errorMessage": f"RequestId: {request_id} Error: Task timed out after {spec.timeout_seconds:.2f} seconds",
    }


def as_event(event: Any) -> Any:
    """moto hands the hook the raw payload string; handlers get parsed JSON."""
    if isinstance(event, (str, bytes)):
        return json.loads(event) if event else {}
    return event


def to_json(result: Any) -> str:
    return json.dumps(result, default=str)


class InProcessRuntime:
    """Runs handlers in this process, one at a time, each with its function's environment.

    Invocations are serialised: the environment is process-wide, and a handler must not see
    another function's variables. Good for tests; the local cloud uses worker processes.
    """

    def __init__(self, extra_environment: dict[str, str] | None = None):
        self._lock = threading.RLock()
        self._extra_environment = dict(extra_environment or {})
        self._handlers: dict[tuple[str, str], Any] = {}

    def invoke(self, spec: FunctionSpec, event: Any) -> Invocation:
        request_id = str(uuid.uuid4())
        started = time.monotonic()
        logs = io.StringIO()
        with self._lock, self._environment(spec), _log_capture(logs):
            context = LambdaContext(spec, request_id, started + spec.timeout_seconds)
            try:
                result = self._handler(spec)(as_event(event), context)
                payload, errored = to_json(result), False
            except Exception as exc:  # noqa: BLE001 - every handler error becomes Lambda's error shape
                payload, errored = to_json(error_payload(exc, request_id)), True
        duration_ms = (time.monotonic() - started) * 1000
        if duration_ms > spec.timeout_seconds * 1000:
            # In-process code cannot be killed; report it as Lambda would have.
            payload, errored = to_json(timeout_payload(spec, request_id)), True
        return Invocation(payload, errored, logs.getvalue(), duration_ms, request_id)

    def close(self) -> None:
        self._handlers.clear()

    def _handler(self, spec: FunctionSpec):
        key = (str(spec.code_dir), spec.handler)
        if key not in self._handlers:
            module_name, attribute = spec.module_and_attribute
            code_dir = str(spec.code_dir)
            if code_dir not in sys.path:
                sys.path.insert(0, code_dir)
            self._handlers[key] = getattr(importlib.import_module(module_name), attribute)
        return self._handlers[key]

    @contextlib.contextmanager
    def _environment(self, spec: FunctionSpec):
        wanted = {
            **LOCAL_BASE_ENVIRONMENT,
            "AWS_REGION": spec.region,
            "AWS_DEFAULT_REGION": spec.region,
            "AWS_LAMBDA_FUNCTION_NAME": spec.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
            **spec.environment,
            **self._extra_environment,
        }
        saved = {name: os.environ.get(name) for name in wanted}
        os.environ.update(wanted)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


@contextlib.contextmanager
def _log_capture(buffer: io.StringIO):
    """Collect what the handler logs through `logging` (Powertools' Logger among them)."""
    handler = logging.StreamHandler(buffer)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
