"""Handlers imported into this process: the runtime of the workflow tests.

Their AWS is moto's in-process mock, which a child process could not reach. Invocations are
serialised: the environment is process-wide, and a handler must not see another function's
variables.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import logging
import os
import sys
import threading
import uuid
from typing import Any

from localcloud.lambda_runtime.contract import (
    LOCAL_BASE_ENVIRONMENT,
    FunctionSpec,
    Invocation,
    LambdaContext,
    as_event,
    error_payload,
    timeout_payload,
    to_json,
)
from localcloud.lambda_runtime.run_clock import RunClock


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
        logs = io.StringIO()
        with self._lock, self._environment(spec), _log_capture(logs):
            clock = RunClock()  # started once the lock is ours: waiting for it is not the function's time
            context = LambdaContext(spec, request_id, clock)
            try:
                result = self._handler(spec)(as_event(event), context)
                payload, errored = to_json(result), False
            except Exception as exc:  # noqa: BLE001 - every handler error becomes Lambda's error shape
                payload, errored = to_json(error_payload(exc, request_id)), True
            duration_ms = clock.elapsed() * 1000
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
