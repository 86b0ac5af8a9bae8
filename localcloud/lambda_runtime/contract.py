"""Lambda's contract as both local runtimes keep it: the function, the context, the invocation, errors.

Errors come back in Lambda's shape (`errorType`, `errorMessage`, `stackTrace`), so the
state machine's `Retry`/`Catch` match the exception class names, as on AWS.
"""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from localcloud.lambda_runtime.run_clock import RunClock

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

    def __init__(self, spec: FunctionSpec, request_id: str, clock: RunClock):
        self.function_name = spec.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = spec.arn
        self.memory_limit_in_mb = spec.memory_mb
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{spec.name}"
        self.log_stream_name = f"local/{request_id}"
        self._timeout = spec.timeout_seconds
        self._clock = clock

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._timeout - self._clock.elapsed()) * 1000))


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
