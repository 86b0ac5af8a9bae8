"""One worker process: a function's handler serving one event at a time over a line protocol.

`worker_main.py` is the process's side; this is the parent's. The pool (`worker_pool.py`)
decides when processes start and stop.
"""

from __future__ import annotations

import json
import mmap
import select
import struct
import tempfile
import threading
from typing import Any

from localcloud.lambda_runtime.contract import FunctionSpec
from localcloud.lambda_runtime.worker_forks import ForkedWorker
from localcloud.lambda_runtime.worker_main import END_OF_LOGS, RUN_SO_FAR_BYTES, RUN_SO_FAR_FD_VARIABLE

# A worker that has not reported at all after its timeout x 3 plus this is hung: it is killed.
BACKSTOP_GRACE_SECONDS = 30.0


class WorkerUnavailable(RuntimeError):
    """No worker could be had in time: Lambda's answer is a throttle (`TooManyRequestsException`)."""


def answer_backstop_seconds(spec: FunctionSpec) -> float:
    """How long the parent waits for a worker that has stopped watching its own clock (a hung process)."""
    return spec.timeout_seconds * 3 + BACKSTOP_GRACE_SECONDS


class WorkerProcess:
    """One process running one function's handler, one event at a time."""

    def __init__(self, spec: FunctionSpec, environment: dict[str, str]):
        self.spec = spec
        self._run_so_far_file = tempfile.TemporaryFile()
        self._run_so_far_file.truncate(RUN_SO_FAR_BYTES)
        self._run_so_far = mmap.mmap(self._run_so_far_file.fileno(), RUN_SO_FAR_BYTES)
        self.process = ForkedWorker(spec.code_dir, environment, self._run_so_far_file.fileno(), RUN_SO_FAR_FD_VARIABLE)
        self._init_answer: dict[str, Any] = {}
        self._has_event = False
        self.last_used = 0.0  # monotonic time its last invocation ended; the pool stops long-idle workers
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

    def wait_until_initialised(self, seconds: float) -> bool:
        """Wait for the init phase's report; False if none came in `seconds` (a machine too busy to start a process).

        A failed init (timed out, or the process died) is kept and reported by the first invocation, as Lambda does.
        """
        answer = self._answer(seconds)
        if answer is None:
            return False
        self._init_answer = answer
        return True

    def invoke(self, event: Any, request_id: str) -> tuple[dict[str, Any] | None, bool, str]:
        """(response, timed_out, logs); response is None when a timeout or a crash ended it.

        The worker times its init (10 s) and the handler (the function's timeout) itself; one that
        stops answering is killed at the backstop.
        """
        if self._init_answer.get("ready") is not True:
            return self._ended(self._init_answer)
        self.send(event, request_id)
        return self.receive()

    def send(self, event: Any, request_id: str) -> None:
        with self._log_lock:
            self._log_lines.clear()
        self._end_seen.clear()
        self.process.stdin.write(json.dumps({"requestId": request_id, "event": event}) + "\n")
        self.process.stdin.flush()
        struct.pack_into("d", self._run_so_far, 0, 0.0)  # first: the previous invocation's figure is not this one's
        self._has_event = True

    def receive(self) -> tuple[dict[str, Any] | None, bool, str]:
        try:
            answer = self._answer(answer_backstop_seconds(self.spec))
        finally:
            self._has_event = False
        if answer is None:
            answer = {"timedOut": "unresponsive"}  # hung past the backstop, its watchdog silent
        if "payload" not in answer:
            return self._ended(answer)
        self._end_seen.wait(timeout=1.0)  # the logs' closing marker precedes the response
        with self._log_lock:
            return answer, False, "".join(self._log_lines)

    def running_for(self) -> float:
        """How long its handler has run the current event on its own run clock (`run_clock.py`: less waits for a
        core and the local endpoint's slowness), as its watchdog last published it; 0 when it has none. Handed to
        an invocation but not yet sent the event, or answered but not yet read, it waits on this process."""
        return struct.unpack_from("d", self._run_so_far, 0)[0] if self.running() else 0.0

    def running(self) -> bool:
        return self._has_event and not select.select([self.process.stdout], [], [], 0)[0]

    def _answer(self, seconds: float) -> dict[str, Any] | None:
        """The worker's next protocol line: None if none came in time, {} at end of file."""
        ready, _, _ = select.select([self.process.stdout], [], [], seconds)
        if not ready:
            return None
        return json.loads(self.process.stdout.readline() or "{}")

    def _ended(self, answer: dict[str, Any]) -> tuple[None, bool, str]:
        """The process timed out or crashed: stop it and keep its last lines (its timeout message)."""
        self.stop()
        with self._log_lock:
            return None, "timedOut" in answer, "".join(self._log_lines)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait(timeout=5)
        self._logs_done.join(timeout=1.0)  # its stderr at end of file: the last lines are kept, the pipe let go
        self._run_so_far_file.close()  # the mapping stays readable until collected: a late running_for() is safe
