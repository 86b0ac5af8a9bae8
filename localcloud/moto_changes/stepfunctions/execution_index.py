"""Executions found by ARN and by name in one step, not by walking every execution ever started.

moto keeps a state machine's executions in a list and walks it on every StartExecution (the
name check) and every DescribeExecution, StopExecution and GetExecutionHistory. A job starts
four executions (Admission, Jobs, two Delivery runs) and is polled several times, so after
ten thousand jobs each poll walked forty thousand executions: the local cloud got slower the
longer it ran. Here each state machine's list carries a dict by ARN beside it.
"""

from __future__ import annotations

from typing import Any

from moto.core.utils import utcnow
from moto.stepfunctions import models
from moto.stepfunctions.exceptions import ExecutionAlreadyExists, ExecutionDoesNotExist

_ORIGINAL_INIT = models.StateMachineInstance.__init__
_ORIGINAL_NAME_CHECK = models.StateMachine._handle_name_input_idempotency
_ORIGINAL_STOP = models.StateMachine.stop_execution
_ORIGINAL_DESCRIBE = models.StepFunctionBackend.describe_execution


class IndexedExecutions(list):
    """A state machine's executions, in start order, with each one's ARN indexed."""

    def __init__(self, executions: Any = ()):
        super().__init__(executions)
        self._by_arn: dict[str, Any] | None = None

    def by_arn(self, execution_arn: str) -> Any | None:
        if self._by_arn is None:  # changed other than by append (a restore, a removal): index again
            self._by_arn = {execution.execution_arn: execution for execution in self}
        return self._by_arn.get(execution_arn)

    def append(self, execution: Any) -> None:
        super().append(execution)
        if self._by_arn is not None:
            self._by_arn[execution.execution_arn] = execution


def _reindexing(name: str):
    change = getattr(list, name)

    def changed(self: IndexedExecutions, *args: Any) -> Any:
        self._by_arn = None
        return change(self, *args)

    return changed


for _name in ("__setitem__", "__delitem__", "__iadd__", "extend", "insert", "remove", "pop", "clear"):
    setattr(IndexedExecutions, _name, _reindexing(_name))


def _executions(state_machine: Any) -> IndexedExecutions:
    if not isinstance(state_machine.executions, IndexedExecutions):
        state_machine.executions = IndexedExecutions(state_machine.executions)
    return state_machine.executions


def _execution_arn(state_machine: Any, name: str) -> str:
    return state_machine.arn.replace(":stateMachine:", ":execution:", 1) + ":" + name


def _init(self, *args: Any, **kwargs: Any) -> None:
    _ORIGINAL_INIT(self, *args, **kwargs)
    self.executions = IndexedExecutions()


def _name_check(self, name: str, execution_input: str) -> Any | None:
    execution = _executions(self).by_arn(_execution_arn(self, name))
    if execution is None:
        return None
    # Same name, same input and still running: StartExecution is idempotent (moto's rule, kept).
    if execution_input == execution.execution_input and execution.status == "RUNNING":
        return execution
    raise ExecutionAlreadyExists("Execution Already Exists: '" + execution.execution_arn + "'")


def _stop(self, execution_arn: str) -> Any:
    execution = _executions(self).by_arn(execution_arn)
    if execution is None:
        return _ORIGINAL_STOP(self, execution_arn)  # moto's own answer for an unknown execution
    execution.stop(stop_date=utcnow(), error="", cause="")
    return execution


def _describe(self, execution_arn: str) -> Any:
    self._validate_execution_arn(execution_arn)
    state_machine = self._get_state_machine_for_execution(execution_arn)
    execution = _executions(state_machine).by_arn(execution_arn)
    if execution is None:
        raise ExecutionDoesNotExist("Execution Does Not Exist: '" + execution_arn + "'")
    return execution


def install_execution_index() -> None:
    models.StateMachineInstance.__init__ = _init
    models.StateMachine._handle_name_input_idempotency = _name_check
    models.StateMachine.stop_execution = _stop
    models.StepFunctionBackend.describe_execution = _describe


def uninstall_execution_index() -> None:
    models.StateMachineInstance.__init__ = _ORIGINAL_INIT
    models.StateMachine._handle_name_input_idempotency = _ORIGINAL_NAME_CHECK
    models.StateMachine.stop_execution = _ORIGINAL_STOP
    models.StepFunctionBackend.describe_execution = _ORIGINAL_DESCRIBE
