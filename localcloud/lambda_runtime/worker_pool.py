"""Worker processes per function, grown with demand and shrunk when idle: the local cloud's Lambda runtime.

Each function gets a pool of processes started with exactly its template environment (plus
the local AWS endpoint), reused between invocations as Lambda reuses warm environments. An
invocation whose own run (`run_clock.py`) outlives the function's `Timeout` is killed and
reported as Lambda reports it. Waiting for a free worker or for a process to start is the
emulator's cost, never the function's: when no worker can be had in time the invocation is
throttled (`WorkerUnavailable`, Lambda's `TooManyRequestsException`), which the ASL retries.

A pool grows only when an invocation has waited `grow_after_seconds` while every worker's
handler had been running its event for `grow_after_seconds` too, on its own run clock (the
worker's watchdog publishes it: less waits for a core and for the slow local endpoint). A
worker waiting for this process to send its event or read its answer is free, and one whose
handler got its event just now likely soon: a CPU-saturated local cloud is slow at both ends of
quick invocations, and more processes would not help it; but a queue older than `backlog_seconds`
grows the pool whatever the reason. One process start at a time, up to
`max_workers`; workers idle for `idle_seconds` are stopped, down to one per function, as Lambda
reclaims idle environments.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from localcloud.lambda_runtime.contract import (
    LOCAL_BASE_ENVIRONMENT,
    FunctionSpec,
    Invocation,
    as_event,
    timeout_payload,
    to_json,
)
from localcloud.lambda_runtime.worker_process import WorkerProcess, WorkerUnavailable

log = logging.getLogger("localcloud.lambda")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Lambda runs every invocation at once; locally one waits this long for a free worker, then is throttled.
QUEUE_SECONDS = 30.0
# Starting a process is the emulator's cost, not the function's: a worker that cannot start in this long is a throttle.
WORKER_START_SECONDS = 60.0
# A warm invocation takes 10-50 ms and a worker start 70-100 ms of CPU (`worker_forks.py`): a 200 ms wait is a real queue.
GROW_AFTER_SECONDS = 0.2
# A queue this old means the function's workers are a bottleneck, whatever slows them (a saturated local cloud too).
BACKLOG_SECONDS = 2.0
# Lambda reclaims an environment idle for minutes; locally memory is scarcer, so a minute.
IDLE_SECONDS = 60.0
# Each function keeps this many workers however long it idles, so its next event finds one warm.
KEEP_WARM = 1
# Each worker start costs 70-100 ms of a core: one at a time per function leaves the busy local cloud its CPU.
STARTS_AT_ONCE = 1


@dataclass(eq=False)
class _Waiter:
    """An invocation waiting for a worker; workers are handed to waiters in arrival order."""

    arrived: float
    worker: WorkerProcess | None = None
    handed: threading.Event = field(default_factory=threading.Event)
    waited_long: bool = False
    backlogged: bool = False


@dataclass(eq=False)
class _Pool:
    """One function's workers: idle ones (least recently used first), busy ones, starts under way, waiters."""

    spec: FunctionSpec
    idle: list[WorkerProcess] = field(default_factory=list)
    busy: set[WorkerProcess] = field(default_factory=set)
    starting: int = 0
    waiting: deque[_Waiter] = field(default_factory=deque)
    ready_since: float | None = None  # when its first worker came up; waiting for that start is no sign of demand

    @property
    def size(self) -> int:
        return len(self.idle) + len(self.busy) + self.starting


class WorkerPoolRuntime:
    """Worker processes per function: at most `max_workers` each, started as invocations queue, stopped when idle."""

    def __init__(self, aws_endpoint_url: str, max_workers: int = 8,
                 on_invocation: Callable[[FunctionSpec, Invocation, Any], None] | None = None,
                 queue_seconds: float = QUEUE_SECONDS, start_seconds: float = WORKER_START_SECONDS,
                 grow_after_seconds: float = GROW_AFTER_SECONDS, idle_seconds: float = IDLE_SECONDS,
                 backlog_seconds: float = BACKLOG_SECONDS):
        self.aws_endpoint_url = aws_endpoint_url
        self.max_workers = max_workers
        self.queue_seconds = queue_seconds
        self.start_seconds = start_seconds
        self.grow_after_seconds = grow_after_seconds
        self.idle_seconds = idle_seconds
        self.backlog_seconds = backlog_seconds
        self.on_invocation = on_invocation
        self._pools: dict[str, _Pool] = {}
        self._lock = threading.Lock()
        self._all: set[WorkerProcess] = set()
        self._closed = threading.Event()
        threading.Thread(target=self._stop_idle_periodically, daemon=True, name="lambda-idle-workers").start()

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

    def warm(self, specs: Iterable[FunctionSpec]) -> threading.Thread:
        """One environment per function ahead of its first event, started one at a time in the background,
        so start-up and the first requests keep the CPU (a function invoked first starts its own at once)."""
        def start_each() -> None:
            for spec in specs:
                with self._lock:
                    pool = self._pool(spec)
                    if self._closed.is_set() or pool.size:
                        continue
                    pool.starting += 1
                self._start(pool)

        thread = threading.Thread(target=start_each, daemon=True, name="lambda-warm")
        thread.start()
        return thread

    def invoke(self, spec: FunctionSpec, event: Any) -> Invocation:
        event = as_event(event)
        request_id = str(uuid.uuid4())
        pool = self._pool_of(spec)
        worker = self._take(pool)
        started = time.monotonic()
        try:
            response, timed_out, logs = worker.invoke(event, request_id)
        except BaseException:
            worker.stop()  # its protocol is in an unknown state: never handed to another invocation
            raise
        finally:
            self._give_back(pool, worker)
        if response is None:
            payload = timeout_payload(spec, request_id) if timed_out else {
                "errorType": "Runtime.ExitError",
                "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: "
                                f"exit status {worker.process.returncode}",
            }
            invocation = Invocation(to_json(payload), True, logs, (time.monotonic() - started) * 1000, request_id)
        else:
            # The worker's own run clock, not the wall time this process saw.
            invocation = Invocation(response["payload"], response["errored"], logs,
                                    response.get("durationMs", 0.0), request_id)
        if self.on_invocation:
            self.on_invocation(spec, invocation, event)
        return invocation

    def sizes(self) -> dict[str, int]:
        """Workers per function, started or starting."""
        with self._lock:
            return {name: pool.size for name, pool in self._pools.items()}

    def stop_idle_workers(self, now: float | None = None) -> int:
        """Stop workers idle for `idle_seconds` (the least recently used first), keeping KEEP_WARM per function."""
        now = time.monotonic() if now is None else now
        stale: list[WorkerProcess] = []
        with self._lock:
            for pool in self._pools.values():
                idle_long = [w for w in pool.idle if now - w.last_used >= self.idle_seconds]
                for worker in idle_long[:max(0, pool.size - KEEP_WARM)]:
                    pool.idle.remove(worker)
                    self._all.discard(worker)
                    stale.append(worker)
        for worker in stale:
            worker.stop()
        if stale:
            log.info("stopped %d Lambda worker(s) idle for %.0f s", len(stale), self.idle_seconds)
        return len(stale)

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            workers, self._all = self._all, set()
            for pool in self._pools.values():
                for waiter in pool.waiting:
                    waiter.handed.set()  # wakes it to find the runtime closed
            self._pools.clear()
        for worker in workers:
            worker.stop()

    def _pool(self, spec: FunctionSpec) -> _Pool:
        """(lock held)"""
        return self._pools.setdefault(spec.name, _Pool(spec))

    def _pool_of(self, spec: FunctionSpec) -> _Pool:
        with self._lock:
            pool = self._pool(spec)
            pool.spec = spec  # workers started from now on run the function as last registered
            return pool

    def _take(self, pool: _Pool) -> WorkerProcess:
        """A free worker, in arrival order; a new one starts only when waiting for one has gone on too long."""
        waiter = _Waiter(time.monotonic())
        with self._lock:
            if not pool.waiting and (worker := self._idle_worker(pool)):
                return worker
            pool.waiting.append(waiter)
            self._grow_if_needed(pool)
        while True:
            with self._lock:
                if waiter.worker is not None:
                    return waiter.worker
                if self._closed.is_set():
                    raise WorkerUnavailable("the local cloud is stopping")
                waited = time.monotonic() - waiter.arrived
                # Until a function's first process is up, its start is what everyone waits for.
                limit = self.queue_seconds if pool.ready_since else max(self.queue_seconds, self.start_seconds)
                if waited >= limit:
                    pool.waiting.remove(waiter)
                    raise WorkerUnavailable(f"no {pool.spec.name} worker free within {limit:.0f} s "
                                            f"({pool.size} of at most {self.max_workers} running)")
                # Growth counts only the wait behind running workers, from when the function's first one was up.
                waited_busy = time.monotonic() - max(waiter.arrived, pool.ready_since or float("inf"))
                if waited_busy >= self.grow_after_seconds:
                    waiter.waited_long = True
                    waiter.backlogged = waited_busy >= self.backlog_seconds
                    self._grow_if_needed(pool)
                    pause = self.grow_after_seconds  # the busy workers may finish or a start end: look again
                else:
                    pause = self.grow_after_seconds - max(0.0, waited_busy)
            waiter.handed.wait(timeout=min(pause, limit - waited))

    def _idle_worker(self, pool: _Pool) -> WorkerProcess | None:
        """(lock held) The most recently used idle worker, so the others stay idle long enough to be stopped."""
        while pool.idle:
            worker = pool.idle.pop()
            if worker.alive():
                pool.busy.add(worker)
                return worker
            self._all.discard(worker)
        return None

    def _grow_if_needed(self, pool: _Pool) -> None:
        """(lock held) Start a worker for a function with none, or for invocations that waited long while every
        worker's handler had been running long (not a quick one, nor one waiting for this busy process)."""
        if not pool.waiting or self._closed.is_set() or pool.size >= self.max_workers:
            return
        if pool.size:
            if pool.starting >= STARTS_AT_ONCE or not any(w.waited_long for w in pool.waiting):
                return
            # A worker whose handler got its event under grow_after ago is likely a quick one, about to serve the queue;
            # unless the queue is so old that the workers, however quick, do not keep up.
            backlog = any(w.backlogged for w in pool.waiting)
            if not backlog and any(w.running_for() < self.grow_after_seconds for w in pool.busy):
                return
            log.info("%s: starting Lambda worker %d of at most %d (invocations waited over %.0f ms)", pool.spec.name,
                     pool.size + 1, self.max_workers, self.grow_after_seconds * 1000)
        pool.starting += 1
        threading.Thread(target=self._start, args=(pool,), daemon=True, name=f"start-{pool.spec.name}").start()

    def _start(self, pool: _Pool) -> None:
        """Start one process (already counted in `pool.starting`) and hand it over once its init reported."""
        worker = None
        try:
            worker = WorkerProcess(pool.spec, self.environment_for(pool.spec))
            with self._lock:
                self._all.add(worker)
            ready = not self._closed.is_set() and worker.wait_until_initialised(self.start_seconds)
        except OSError:
            log.warning("%s: a Lambda worker could not be started", pool.spec.name, exc_info=True)
            ready = False
        with self._lock:
            pool.starting -= 1
            if ready and not self._closed.is_set():
                pool.ready_since = pool.ready_since or time.monotonic()
                self._hand_over(pool, worker)
                self._grow_if_needed(pool)  # this start's slot is free: invocations still queued may need the next
                return
            self._all.discard(worker)
            self._grow_if_needed(pool)  # waiters still need one: try again while their patience lasts
        if worker is not None:
            worker.stop()

    def _give_back(self, pool: _Pool, worker: WorkerProcess) -> None:
        with self._lock:
            pool.busy.discard(worker)
            if worker.alive() and not self._closed.is_set():
                worker.last_used = time.monotonic()
                self._hand_over(pool, worker)
                return
            self._all.discard(worker)
            self._grow_if_needed(pool)  # a crashed or timed-out worker is replaced for whoever waits
        worker.stop()

    def _hand_over(self, pool: _Pool, worker: WorkerProcess) -> None:
        """(lock held) To the longest-waiting invocation, else back to the idle workers."""
        if pool.waiting:
            waiter = pool.waiting.popleft()
            waiter.worker = worker
            pool.busy.add(worker)
            waiter.handed.set()
        else:
            pool.idle.append(worker)

    def _stop_idle_periodically(self) -> None:
        while not self._closed.wait(max(1.0, self.idle_seconds / 4)):
            self.stop_idle_workers()
