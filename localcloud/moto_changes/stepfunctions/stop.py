"""StopExecution as Step Functions does it: ABORTED at once, with the caller's error and cause.

moto drops StopExecution's `error`/`cause` and leaves the execution RUNNING until its interpreter
thread notices the stop (after the task in flight returns: seconds for a busy Lambda). On AWS the
stopped execution reads ABORTED as soon as StopExecution returns, and the API's cancel relies on it.
It also keeps the stopDate StopExecution returned: moto stamps a new one when the interpreter
thread ends, so a cancelled job's `finishedAt` moved by seconds after it had been reported.
"""

from __future__ import annotations

import datetime
import time

from moto.core.responses import ActionResult
from moto.stepfunctions.parser.api import ExecutionStatus
from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication, Execution
from moto.stepfunctions.responses import StepFunctionResponse

_ORIGINAL_STOP = Execution.stop
_ORIGINAL_STOP_RESPONSE = StepFunctionResponse.stop_execution
_ORIGINAL_REFLECT = BaseExecutionWorkerCommunication._reflect_execution_status
# The interpreter builds a run's environment on its own thread; a stop sent right after the start waits for it.
ENVIRONMENT_WAIT_SECONDS = 10.0


def _await_environment(execution: Execution) -> None:
    """moto's stop reads the worker's environment, which its thread may not have built yet (a stop at once
    after StartExecution): without it the stop raised, and the run went on evaluating every state."""
    worker = execution.exec_worker
    deadline = time.monotonic() + ENVIRONMENT_WAIT_SECONDS
    while worker is not None and worker.env is None and time.monotonic() < deadline:
        time.sleep(0.005)


def _stop_now(self: Execution, stop_date: datetime.datetime, error: str | None, cause: str | None):
    if self.exec_status == ExecutionStatus.RUNNING:
        self.exec_status = ExecutionStatus.ABORTED
        self.stop_date = stop_date
        self.error = error or None
        self.cause = cause or None
    _await_environment(self)
    _ORIGINAL_STOP(self, stop_date=stop_date, error=error, cause=cause)


def _reflect_unless_stopped(self: BaseExecutionWorkerCommunication):
    execution = self.execution
    if execution.exec_status == ExecutionStatus.ABORTED and execution.stop_date is not None:
        return  # stopped: status, error, cause and stopDate were settled when StopExecution answered
    _ORIGINAL_REFLECT(self)


def _stop_execution_response(self: StepFunctionResponse):
    execution = self.stepfunction_backend.describe_execution(self._get_param("executionArn"))
    if not isinstance(execution, Execution):  # moto's interpreter is off: its own stop
        return _ORIGINAL_STOP_RESPONSE(self)
    stop_date = datetime.datetime.now(tz=datetime.timezone.utc)
    execution.stop(stop_date=stop_date, error=self._get_param("error"), cause=self._get_param("cause"))
    return ActionResult({"stopDate": execution.stop_date})


def install_synchronous_stop() -> None:
    Execution.stop = _stop_now
    StepFunctionResponse.stop_execution = _stop_execution_response
    BaseExecutionWorkerCommunication._reflect_execution_status = _reflect_unless_stopped


def uninstall_synchronous_stop() -> None:
    Execution.stop = _ORIGINAL_STOP
    StepFunctionResponse.stop_execution = _ORIGINAL_STOP_RESPONSE
    BaseExecutionWorkerCommunication._reflect_execution_status = _ORIGINAL_REFLECT
