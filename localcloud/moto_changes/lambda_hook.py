"""Make moto's Lambda run our real handler code instead of a Docker container.

moto invokes every function through one private method,
`moto.awslambda.models.LambdaFunction._invoke_lambda(self, event) -> (payload, errored, logs)`.
We replace it with a call into a `LambdaRuntime`. moto is pinned, and
tests/workflow/test_moto_hook_guard.py fails loudly if an upgrade stops calling the hook,
so the local runtime can never silently turn into a mock.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from moto.awslambda import models as lambda_models
from moto.awslambda.exceptions import LambdaClientError

from localcloud.lambda_runtime import FunctionSpec, Invocation, LambdaRuntime, WorkerUnavailable

log = logging.getLogger("localcloud.lambda")

_ORIGINAL_INVOKE = lambda_models.LambdaFunction._invoke_lambda


class FunctionNotRegistered(RuntimeError):
    """A function exists in moto but the local cloud has no code for it."""


@dataclass
class ServiceFault:
    """Makes the Lambda service itself fail the next `times` invocations of a function."""

    error_code: str = "TooManyRequestsException"
    message: str = "Rate Exceeded."
    times: int = 1


@dataclass
class LambdaHook:
    """The state behind the patched method: registered code, faults, and call counts."""

    runtime: LambdaRuntime
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    faults: dict[str, ServiceFault] = field(default_factory=dict)
    calls: Counter = field(default_factory=Counter)
    listeners: list = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def register(self, spec: FunctionSpec) -> None:
        self.functions[spec.name] = spec

    def inject_fault(self, function_name: str, fault: ServiceFault) -> None:
        self.faults[function_name] = fault

    def invoke(self, function_name: str, event: Any) -> Invocation:
        with self._lock:
            self.calls[function_name] += 1
            fault = self.faults.get(function_name)
            if fault and fault.times > 0:
                fault.times -= 1
                # Raised inside moto's Lambda API, so callers see a service error (Lambda.<code> in ASL).
                raise LambdaClientError(fault.error_code, fault.message)
        spec = self.functions.get(function_name)
        if spec is None:
            raise FunctionNotRegistered(
                f"Lambda function {function_name!r} has no local code registered; "
                "provision it from the cloud assembly first"
            )
        try:
            invocation = self.runtime.invoke(spec, event)
        except WorkerUnavailable as busy:
            log.warning("throttling %s: %s", function_name, busy)
            # What Lambda answers when it cannot run the invocation now (HTTP 429); the ASL retries it.
            raise throttled() from busy
        for listener in self.listeners:
            listener(spec, invocation)
        return invocation


def throttled() -> LambdaClientError:
    """Lambda's throttle as its Invoke API answers it: HTTP 429 `TooManyRequestsException` (API reference, Invoke)."""
    error = LambdaClientError("TooManyRequestsException", "Rate Exceeded.")
    error.code = 429
    return error


_active: LambdaHook | None = None


def install(runtime: LambdaRuntime) -> LambdaHook:
    """Route every moto Lambda invocation in this process to `runtime`."""
    global _active
    _active = LambdaHook(runtime=runtime)

    def _invoke_lambda(function: lambda_models.LambdaFunction, event: Any = None):
        invocation = _active.invoke(function.function_name, event)
        return invocation.payload, invocation.errored, invocation.logs

    lambda_models.LambdaFunction._invoke_lambda = _invoke_lambda
    return _active


def uninstall() -> None:
    global _active
    lambda_models.LambdaFunction._invoke_lambda = _ORIGINAL_INVOKE
    if _active is not None:
        _active.runtime.close()
    _active = None


def active_hook() -> LambdaHook | None:
    return _active
