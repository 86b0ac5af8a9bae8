"""StartSyncExecution for moto: run an EXPRESS state machine to its end and answer its outcome.

moto's interpreter ships the synchronous worker (SyncExecution) but no StartSyncExecution action,
and the API's POSTs run the admission workflow that way. As on AWS, a STANDARD state machine is
refused, the answer is HTTP 200 whatever the outcome (`status` SUCCEEDED, FAILED or TIMED_OUT), and
express executions are not listed or described afterwards.
"""

from __future__ import annotations

import copy
import datetime
import json
import uuid

from moto.core.exceptions import AWSError
from moto.core.responses import ActionResult
from moto.stepfunctions.exceptions import InvalidExecutionInput
from moto.stepfunctions.parser.api import StateMachineType
from moto.stepfunctions.parser.backend.execution import SyncExecution
from moto.stepfunctions.parser.models import StepFunctionsParserBackend
from moto.stepfunctions.responses import StepFunctionResponse


class StateMachineTypeNotSupported(AWSError):
    TYPE = "StateMachineTypeNotSupported"
    STATUS = 400


def start_sync_execution(backend: StepFunctionsParserBackend, state_machine_arn: str, name: str | None,
                         execution_input: str | None) -> dict:
    state_machine = backend.describe_state_machine(state_machine_arn)
    if state_machine.type != StateMachineType.EXPRESS:
        raise StateMachineTypeNotSupported("This operation is not supported by this type of state machine")
    execution_input = execution_input or "{}"
    try:
        json.loads(execution_input)
    except ValueError as error:
        raise InvalidExecutionInput(str(error))
    name = name or str(uuid.uuid4())
    # Same snapshot rule as moto's start_execution: never deep-copy live executions or the backend.
    snapshot = copy.deepcopy(state_machine, {id(state_machine.executions): [],
                                             id(state_machine.backend): state_machine.backend})
    execution = SyncExecution(
        name=name,
        sm_type=StateMachineType.EXPRESS,
        role_arn=snapshot.roleArn,
        exec_arn=f"arn:{backend.partition}:states:{backend.region_name}:{backend.account_id}"
                 f":express:{state_machine.name}:{name}:{uuid.uuid4()}",
        account_id=backend.account_id,
        region_name=backend.region_name,
        state_machine=snapshot,
        start_date=datetime.datetime.now(tz=datetime.timezone.utc),
        cloud_watch_logging_session=None,
        activity_store={},
        input_data=execution_input,
    )
    execution.start()  # SyncExecutionWorker runs the program on this thread
    return execution.to_start_sync_execution_output()


def _start_sync_execution_response(self: StepFunctionResponse) -> ActionResult:
    return ActionResult(start_sync_execution(
        self.stepfunction_backend, self._get_param("stateMachineArn"), self._get_param("name"),
        self._get_param("input")))


def install_start_sync_execution() -> None:
    StepFunctionResponse.start_sync_execution = _start_sync_execution_response


def uninstall_start_sync_execution() -> None:
    if hasattr(StepFunctionResponse, "start_sync_execution"):
        del StepFunctionResponse.start_sync_execution
