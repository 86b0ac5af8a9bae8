"""Warm worker processes per function: the local cloud's Lambda runtime.

Each function gets a pool of processes started with exactly its template environment (plus
the local AWS endpoint), reused between invocations as Lambda reuses warm environments. An
invocation whose own run (`run_clock.py`) outlives the function's `Timeout` is killed and
reported as Lambda reports it. Waiting for a free worker or for a process to start is the
emulator's cost, never the function's: when no worker can be had in time the invocation is
throttled (`WorkerUnavailable`, Lambda's `TooManyRequestsException`), which the ASL retries.
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
# A worker that has not reported at all after its timeout x 3 plus this is hung: it is killed.
BACKSTOP_GRACE_SECONDS = 30.0
# Lambda runs every invocation at once; locally one waits this long for a free worker, then is throttled.
QUEUE_SECONDS = 30.0
# Starting a process is the emulator's cost, not the function's: a worker that cannot start in this long is a throttle.
WORKER_START_SECONDS = 60.0


class WorkerUnavailable(RuntimeError):
    """No worker could be had in time: Lambda's answer is a throttle (`TooManyRequestsException`)."""


def answer_backstop_seconds(spec: FunctionSpec) -> float:
    """How long the parent waits for a worker that has stopped watching its own clock (a hung process)."""
    return spec.timeout_seconds * 3 + BACKSTOP_GRACE_SECONDS


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
        self._logs_done = threading.Thread(target=self._read_logs, daemon=True, name=f"logs-{spec.name}")
        self._logs_done.start()

    def _read_logs(self) -> None:
        for line in self.process.stderr:
            if line.startswith(END_OF_LOGS):
                self._end_seen.set()
            else:
                with self._log_lock:
                    self._log_lines.append(line)

    def invoke(self, event: Any, request_id: str, start_seconds: float) -> tuple[dict[str, Any] | None, bool, str]:
        """(response, timed_out, logs); response is None when a timeout or a crash ended it.

        The worker times its init (10 s) and the handler (the function's timeout) itself. A worker
        that has not even reported its init after `start_seconds` (a machine too busy to start a
        process) raises WorkerUnavailable; one that stops answering is killed at the backstop.
        """
        with self._log_lock:
            self._log_lines.clear()
        if not self._initialised:
            answer = self._answer(start_seconds)
            if answer is None:
                self.stop()
                raise WorkerUnavailable(f"no {self.spec.name} worker started within {start_seconds:.0f} s")
            self._initialised = answer.get("ready") is True
            if not self._initialised:
                return self._ended(answer)
        self._end_seen.clear()
        self.process.stdin.write(json.dumps({"requestId": request_id, "event": event}) + "\n")
        self.process.stdin.flush()
        answer = self._answer(answer_backstop_seconds(self.spec))
        if answer is None:
            answer = {"timedOut": "unresponsive"}  # hung past the backstop, its watchdog silent
        if "payload" not in answer:
            return self._ended(answer)
        self._end_seen.wait(timeout=1.0)  # the logs' closing marker precedes the response
        with self._log_lock:
            return answer, False, "".join(self._log_lines)

    def _answer(self, seconds: float) -> dict[str, Any] | None:
        """The worker's next protocol line: None if none came in time, {} at end of file."""
        ready, _, _ = select.select([self.process.stdout], [], [], seconds)
        if not ready:
            return None
        return json.loads(self.process.stdout.readline() or "{}")

    def _ended(self, answer: dict[str, Any]) -> tuple[None, bool, str]:
        """The process timed out or crashed: stop it and keep its last lines (its timeout message)."""
        self.stop()
        self._logs_done.join(timeout=1.0)
        with self._log_lock:
            return None, "timedOut" in answer, "".join(self._log_lines)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait(timeout=5)


class WorkerPoolRuntime:
    """A warm pool of worker processes per function, at most `max_workers` busy at once each."""

    def __init__(self, aws_endpoint_url: str, max_workers: int = 8,
                 on_invocation: Callable[[FunctionSpec, Invocation, Any], None] | None = None,
                 queue_seconds: float = QUEUE_SECONDS, start_seconds: float = WORKER_START_SECONDS):
        self.aws_endpoint_url = aws_endpoint_url
        self.max_workers = max_workers
        self.queue_seconds = queue_seconds
        self.start_seconds = start_seconds
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
        if not capacity.acquire(timeout=self.queue_seconds):
            raise WorkerUnavailable(f"all {self.max_workers} {spec.name} workers stayed busy for {self.queue_seconds:.0f} s")
        started = time.monotonic()
        try:
            worker = self._take(spec)
            response, timed_out, logs = worker.invoke(event, request_id, self.start_seconds)
            if response is None:
                payload = timeout_payload(spec, request_id) if timed_out else {
                    "errorType": "Runtime.ExitError",
                    "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: "
                                    f"exit status {worker.process.returncode}",
                }
                invocation = Invocation(to_json(payload), True, logs, (time.monotonic() - started) * 1000, request_id)
            else:
                self._pool(spec).append(worker)
                # The worker's own run clock, not the wall time this process saw.
                invocation = Invocation(response["payload"], response["errored"], logs,
                                        response.get("durationMs", 0.0), request_id)
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
