"""Step Functions and AWS SDK integrations in moto's interpreter, with AWS's field casing.

ASL writes every service parameter in PascalCase (`StateMachineArn`, `ExecutionArn`) and reads
PascalCase results (`$.Status`). Boto3 clients for camelCase APIs such as Step Functions expect
`stateMachineArn` and answer `status`. moto's copy of the interpreter dropped the step that maps one
onto the other by the service model, so `arn:aws:states:::states:startExecution` and
`aws-sdk:sfn:*` tasks fail with a KeyError. This puts that step back for those two integrations.
"""

from __future__ import annotations

from typing import Any

import botocore.session
from botocore.model import OperationModel
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_aws_sdk import (
    StateTaskServiceAwsSdk,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sfn import (
    StateTaskServiceSfn,
)

from localcloud.moto_changes.stepfunctions.caches import computed_once

_PATCHED = (StateTaskServiceSfn, StateTaskServiceAwsSdk)
_ORIGINALS: dict[type, tuple[Any, Any]] = {}


_session = botocore.session.get_session()  # one loader: each service's model is read from disk once


@computed_once(maxsize=None)
def _operation(service: str, snake_action: str) -> OperationModel:
    model = _session.get_service_model(service)
    names = {botocore.xform_name(name): name for name in model.operation_names}
    return model.operation_model(names[snake_action])


def _install_on(cls: type) -> None:
    original_parameters, original_response = cls._normalise_parameters, cls._normalise_response

    def normalise_parameters(self, parameters: dict, boto_service_name: str | None = None,
                             service_action_name: str | None = None) -> None:
        original_parameters(self, parameters, boto_service_name=boto_service_name,
                            service_action_name=service_action_name)
        operation = _operation(self._get_boto_service_name(boto_service_name),
                               self._get_boto_service_action(service_action_name))
        if operation.input_shape is not None:
            self._to_boto_request(parameters, operation.input_shape)

    def normalise_response(self, response: Any, boto_service_name: str | None = None,
                           service_action_name: str | None = None) -> None:
        original_response(self, response, boto_service_name=boto_service_name,
                          service_action_name=service_action_name)
        operation = _operation(self._get_boto_service_name(boto_service_name),
                               self._get_boto_service_action(service_action_name))
        if operation.output_shape is not None:
            self._from_boto_response(response, operation.output_shape)

    _ORIGINALS[cls] = (original_parameters, original_response)
    cls._normalise_parameters = normalise_parameters
    cls._normalise_response = normalise_response


def install_service_integration_casing() -> None:
    for cls in _PATCHED:
        if cls not in _ORIGINALS:
            _install_on(cls)


def uninstall_service_integration_casing() -> None:
    for cls, (parameters, response) in list(_ORIGINALS.items()):
        cls._normalise_parameters, cls._normalise_response = parameters, response
        del _ORIGINALS[cls]
