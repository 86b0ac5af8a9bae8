"""A function's own run time, as Lambda would count it on an idle machine of its own.

On AWS an invocation has its own CPU and a service endpoint that answers in milliseconds.
Locally the worker shares two cores with the local cloud and whatever else runs, and its AWS
calls go to that same busy process. Wall time there measures the machine, not the function, so
the clock counts wall time since the handler started less

- the time the handler's thread waited for a core (Linux's run-queue wait, `/proc/.../schedstat`);
- what each call to the local AWS endpoint took beyond `AWS_CALL_ALLOWANCE_SECONDS`.

Sleeping and waiting on anything else (a supplier, a webhook receiver) still count, as on AWS.
Where the kernel gives no run-queue figures (macOS) only the AWS-call part is taken off.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

# What one in-region AWS API call costs at most, counted against the function as on AWS.
AWS_CALL_ALLOWANCE_SECONDS = 0.1

_endpoint_wait: dict[int, float] = {}  # native thread id -> seconds taken off for finished local AWS calls
_in_flight: dict[int, float] = {}  # native thread id -> when its current local AWS call started
_endpoint_lock = threading.RLock()  # re-entrant: the worker's watchdog reads the clock from a signal handler on the same thread


def run_queue_wait_seconds(thread_id: int) -> float | None:
    """How long a thread has waited runnable for a CPU, or None where the kernel does not say."""
    try:
        fields = Path(f"/proc/self/task/{thread_id}/schedstat").read_text().split()
        return int(fields[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


class RunClock:
    """Started on the handler's thread; read from any thread (the worker's watchdog)."""

    def __init__(self) -> None:
        self.thread_id = threading.get_native_id()
        self._wall = time.monotonic()
        self._queued = run_queue_wait_seconds(self.thread_id)
        self._endpoint = _endpoint_wait.get(self.thread_id, 0.0)

    def elapsed(self) -> float:
        wall = time.monotonic() - self._wall
        queued_now = run_queue_wait_seconds(self.thread_id)
        queued = queued_now - self._queued if self._queued is not None and queued_now is not None else 0.0
        return max(0.0, wall - queued - self._endpoint_seconds())

    def _endpoint_seconds(self) -> float:
        now = time.monotonic()
        with _endpoint_lock:
            finished = _endpoint_wait.get(self.thread_id, 0.0) - self._endpoint
            call_started = _in_flight.get(self.thread_id)
        current = now - call_started - AWS_CALL_ALLOWANCE_SECONDS if call_started is not None else 0.0
        return finished + max(0.0, current)


def time_local_aws_calls(endpoint_url: str) -> None:
    """Take the local AWS endpoint's slowness off the calling thread's run clock.

    botocore sends every request through `URLLib3Session.send`, whichever session or client
    the handler built; the worker installs this once, before the handler is imported.
    """
    from botocore.httpsession import URLLib3Session

    original = URLLib3Session.send
    if getattr(original, "_times_local_aws", False):
        return

    def send(self, request):
        if not str(request.url).startswith(endpoint_url):
            return original(self, request)
        thread_id, started = threading.get_native_id(), time.monotonic()
        with _endpoint_lock:
            _in_flight[thread_id] = started
        try:
            return original(self, request)
        finally:
            beyond = max(0.0, time.monotonic() - started - AWS_CALL_ALLOWANCE_SECONDS)
            with _endpoint_lock:  # added before the in-flight entry goes: a read in between never over-counts
                _endpoint_wait[thread_id] = _endpoint_wait.get(thread_id, 0.0) + beyond
                del _in_flight[thread_id]

    send._times_local_aws = True
    URLLib3Session.send = send
