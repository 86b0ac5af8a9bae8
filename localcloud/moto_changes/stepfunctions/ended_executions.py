"""An ended execution keeps its history compressed instead of the interpreter's whole environment.

moto keeps every execution's worker and environment (program state, states, context object,
variable store, the history as dicts) for as long as the backend lives: about 137 KiB and 300
objects per user job (its Jobs run and two Delivery runs), so the local cloud grew by about
300 MiB in a `make bench` run and each full garbage collection walked it all. Once a run has
ended and its status is set, its history is pickled and compressed (events hold datetimes,
which JSON would not give back) and read back by GetExecutionHistory. The callback and map-run
managers stay as they were: SendTask* for a stale token and DescribeMapRun still find them.
"""

from __future__ import annotations

import pickle
import zlib
from typing import Any

from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication

_ORIGINAL_TERMINATED = BaseExecutionWorkerCommunication.terminated


class EndedWorker:
    """What moto's backend reads from an execution's worker and environment, for one that has ended."""

    def __init__(self, environment: Any):
        self.env = self
        self.event_manager = self
        self.callback_pool_manager = environment.callback_pool_manager
        self.map_run_record_pool_manager = environment.map_run_record_pool_manager
        self._history = zlib.compress(pickle.dumps(environment.event_manager.get_event_history()))

    def get_event_history(self) -> list[dict[str, Any]]:
        return pickle.loads(zlib.decompress(self._history))  # a copy each time, as moto's event manager gives

    def stop(self, **_: Any) -> None:
        """An ended execution has nothing to stop (StopExecution on it is a no-op, as on AWS)."""


def _terminated_then_compacted(self: BaseExecutionWorkerCommunication) -> None:
    _ORIGINAL_TERMINATED(self)  # status, output, error and cause are read from the environment first
    worker = self.execution.exec_worker
    if worker is not None and getattr(worker, "env", None) is not None and not isinstance(worker, EndedWorker):
        self.execution.exec_worker = EndedWorker(worker.env)


def install_ended_executions() -> None:
    BaseExecutionWorkerCommunication.terminated = _terminated_then_compacted


def uninstall_ended_executions() -> None:
    BaseExecutionWorkerCommunication.terminated = _ORIGINAL_TERMINATED
