"""Warm worker processes per function: the local cloud's Lambda runtime.

Each function gets a pool of processes started with exactly its template environment (plus
the local AWS endpoint), reused between invocations as Lambda reuses warm environments. An
invocation that outlives the function's `Timeout` is killed and reported as Lambda reports it.
"""

from __future__ import annotations

import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from pathlib import Path
from typing import Any, Callable

from localcloud.lambda_runtime.contract import (
    LOCAL_BASE_ENVIRONMENT,
    FunctionSpec,
    Invocation,
    as_event,
    timeout_payload,
    to_json,
)
from localcloud.lambda_runtime.worker_main import END_OF_LOGS

log = logging.getLogger("localcloud.lambda")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
INIT_TIMEOUT_SECONDS = 10.0


class _Worker:
    """One process running one function's handler, one event at a time."""

    def __init__(self, spec: FunctionSpec, environment: dict[str, str]):
        self.spec = spec
        self.process = subprocess.Popen(
            [sys.executable, "-m", "localcloud.lambda_runtime.worker_main"],
            cwd=spec.code_dir,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self._initialised = False
        self._log_lines: list[str] = []
        self._end_seen = threading.Event()
        self._log_lock = threading.Lock()
        threading.Thread(target=self._read_logs, daemon=True, name=f"logs-{spec.name}").start()

    def _read_logs(self) -> None:
        for line in self.process.stderr:
            if line.startswith(END_OF_LOGS):
                self._end_seen.set()
            else:
                with self._log_lock:
                    self._log_lines.append(line)

    def wait_until_initialised(self) -> bool:
        """Lambda times the init phase separately (10 s), not against the function's timeout."""
        if not self._initialised:
            ready, _, _ = select.select([self.process.stdout], [], [], INIT_TIMEOUT_SECONDS)
            self._initialised = bool(ready) and bool(self.process.stdout.readline())
        return self._initialised

    def invoke(self, event: Any, request_id: str) -> tuple[dict[str, Any] | None, bool, str]:
        """(response, timed_out, logs); response is None when the timeout or a crash ended it."""
        if not self.wait_until_initialised():
            # Still alive means init overran its limit; dead means it crashed while starting.
            return None, self.alive(), "".join(self._log_lines)
        with self._log_lock:
            self._log_lines.clear()
        self._end_seen.clear()
        self.process.stdin.write(json.dumps({"requestId": request_id, "event": event}) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], self.spec.timeout_seconds)
        line = self.process.stdout.readline() if ready else ""
        if line:
            self._end_seen.wait(timeout=1.0)  # the logs' closing marker precedes the response
        elif ready:
            self.process.wait(timeout=5)  # end of file: the process is exiting
        with self._log_lock:
            logs = "".join(self._log_lines)
        return (json.loads(line) if line else None), not ready, logs

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait(timeout=5)


class WorkerPoolRuntime:
    """A warm pool of worker processes per function, at most `max_workers` busy at once each."""

    def __init__(self, aws_endpoint_url: str, max_workers: int = 8,
                 on_invocation: Callable[[FunctionSpec, Invocation, Any], None] | None = None):
        self.aws_endpoint_url = aws_endpoint_url
        self.max_workers = max_workers
        self.on_invocation = on_invocation
        self._idle: dict[str, deque[_Worker]] = {}
        self._capacity: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()
        self._all: list[_Worker] = []

    def environment_for(self, spec: FunctionSpec) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(PROJECT_ROOT),
            "PYTHONDONTWRITEBYTECODE": "1",
            "LOCALCLOUD_PROJECT_ROOT": str(PROJECT_ROOT),
            "LOCALCLOUD_ACCOUNT_ID": spec.account_id,
            **LOCAL_BASE_ENVIRONMENT,
            "AWS_ENDPOINT_URL": self.aws_endpoint_url,
            "AWS_REGION": spec.region,
            "AWS_DEFAULT_REGION": spec.region,
            "AWS_LAMBDA_FUNCTION_NAME": spec.name,
            "AWS_LAMBDA_FUNCTION_TIMEOUT": str(spec.timeout_seconds),
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
            "AWS_EXECUTION_ENV": "AWS_Lambda_python_local",
            "_HANDLER": spec.handler,
            **spec.environment,
        }

    def warm(self, spec: FunctionSpec) -> None:
        """Start one environment ahead of the first event, so start-up cost is paid at boot."""
        worker = _Worker(spec, self.environment_for(spec))
        with self._lock:
            self._all.append(worker)
            self._pool(spec).append(worker)

    def invoke(self, spec: FunctionSpec, event: Any) -> Invocation:
        event = as_event(event)
        request_id = str(uuid.uuid4())
        capacity = self._semaphore(spec)
        capacity.acquire()
        started = time.monotonic()
        try:
            worker = self._take(spec)
            response, timed_out, logs = worker.invoke(event, request_id)
            if response is None:
                worker.stop()
                payload = timeout_payload(spec, request_id) if timed_out else {
                    "errorType": "Runtime.ExitError",
                    "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: "
                                    f"exit status {worker.process.returncode}",
                }
                invocation = Invocation(to_json(payload), True, logs, (time.monotonic() - started) * 1000, request_id)
            else:
                self._pool(spec).append(worker)
                invocation = Invocation(response["payload"], response["errored"], logs,
                                        (time.monotonic() - started) * 1000, request_id)
        finally:
            capacity.release()
        if self.on_invocation:
            self.on_invocation(spec, invocation, event)
        return invocation

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
            self._idle.clear()
        for worker in workers:
            worker.stop()

    def _pool(self, spec: FunctionSpec) -> deque[_Worker]:
        return self._idle.setdefault(spec.name, deque())

    def _semaphore(self, spec: FunctionSpec) -> threading.BoundedSemaphore:
        with self._lock:
            return self._capacity.setdefault(spec.name, threading.BoundedSemaphore(self.max_workers))

    def _take(self, spec: FunctionSpec) -> _Worker:
        pool = self._pool(spec)
        while True:
            try:
                worker = pool.popleft()
            except IndexError:
                worker = _Worker(spec, self.environment_for(spec))
                with self._lock:
                    self._all.append(worker)
                return worker
            if worker.alive():
                return worker
