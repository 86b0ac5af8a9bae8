"""Step Functions Local's names for AWS SDK tasks in execution history, for suites written against it.

AWS records an `aws-sdk:comprehend:detectSentiment` task as `resourceType: "aws-sdk:comprehend"`,
`resource: "detectSentiment"` (LocalStack's snapshots recorded on AWS,
tests/aws/services/stepfunctions/v2/services/test_aws_sdk_task_service.snapshot.json), and moto
does the same. Step Functions Local records `resourceType: "aws-sdk"`, `resource:
"comprehend:detectSentiment"` (aws-samples/aws-stepfunctions-examples,
sam/app-local-testing-mock-config/README.md), and suites written against it filter history on
that. Only the bare Step Functions endpoint, which stands in for Step Functions Local, installs this.
"""

from __future__ import annotations

from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_aws_sdk import (
    StateTaskServiceAwsSdk,
)

_ORIGINAL_RESOURCE = StateTaskServiceAwsSdk._get_sfn_resource
_ORIGINAL_RESOURCE_TYPE = StateTaskServiceAwsSdk._get_sfn_resource_type


def _resource(self: StateTaskServiceAwsSdk) -> str:
    return f"{self.resource.api_name}:{self.resource.api_action}"


def _resource_type(self: StateTaskServiceAwsSdk) -> str:
    return self.resource.service_name  # "aws-sdk"


def install_step_functions_local_names() -> None:
    StateTaskServiceAwsSdk._get_sfn_resource = _resource
    StateTaskServiceAwsSdk._get_sfn_resource_type = _resource_type


def uninstall_step_functions_local_names() -> None:
    StateTaskServiceAwsSdk._get_sfn_resource = _ORIGINAL_RESOURCE
    StateTaskServiceAwsSdk._get_sfn_resource_type = _ORIGINAL_RESOURCE_TYPE
