"""StartSyncExecution and the PascalCase Step Functions integrations the local cloud adds to moto."""

import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto import mock_aws

from localcloud.provisioning.in_process import MOTO_CONFIG
from localcloud.moto_changes import install_local_behaviour, uninstall_local_behaviour

ROLE = "arn:aws:iam::123456789012:role/local"


@pytest.fixture
def sfn():
    with mock_aws(config=MOTO_CONFIG):
        install_local_behaviour(wait_time_scale=0.0)
        try:
            # Botocore would send StartSyncExecution to sync-states.<region>; moto answers on states.<region>.
            yield boto3.client("stepfunctions", region_name="us-east-1", config=Config(inject_host_prefix=False))
        finally:
            uninstall_local_behaviour()


def _machine(sfn, name: str, states: dict, kind: str = "EXPRESS", start: str | None = None) -> str:
    definition = {"StartAt": start or next(iter(states)), "States": states}
    return sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE, type=kind)["stateMachineArn"]


def test_an_express_machine_runs_to_its_end_and_answers_its_output(sfn):
    arn = _machine(sfn, "Echo", {"Echo": {"Type": "Pass", "Parameters": {"got.$": "$.x"}, "End": True}})
    result = sfn.start_sync_execution(stateMachineArn=arn, name="one", input='{"x": 7}')
    assert result["status"] == "SUCCEEDED" and json.loads(result["output"]) == {"got": 7}
    assert ":express:Echo:one:" in result["executionArn"]
    # As on AWS, express executions are not listed.
    assert sfn.list_executions(stateMachineArn=arn)["executions"] == []


def test_a_failed_execution_is_still_an_answer_with_its_error_and_cause(sfn):
    arn = _machine(sfn, "Refuse", {"No": {"Type": "Fail", "Error": "Stepgate.Nope", "Cause": "because"}})
    result = sfn.start_sync_execution(stateMachineArn=arn, input="{}")
    assert (result["status"], result["error"], result["cause"]) == ("FAILED", "Stepgate.Nope", "because")
    assert "output" not in result


def test_a_standard_machine_is_refused(sfn):
    arn = _machine(sfn, "Slow", {"Done": {"Type": "Pass", "End": True}}, kind="STANDARD")
    with pytest.raises(ClientError) as refused:
        sfn.start_sync_execution(stateMachineArn=arn, input="{}")
    assert refused.value.response["Error"]["Code"] == "StateMachineTypeNotSupported"


def test_start_execution_and_aws_sdk_describe_execution_tasks_use_asl_casing(sfn):
    # Given a child machine and a parent that starts it, then describes it through the AWS SDK integration
    child = _machine(sfn, "Child", {"Done": {"Type": "Pass", "End": True}}, kind="STANDARD")
    prefix = child.replace(":stateMachine:", ":execution:") + ":"
    parent = _machine(sfn, "Parent", {
        "Start": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
                  "Parameters": {"StateMachineArn": child, "Name": "kid", "Input": {"a": 1}},
                  "ResultSelector": {"arn.$": "$.ExecutionArn"}, "ResultPath": "$.started", "Next": "Again"},
        "Again": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
                  "Parameters": {"StateMachineArn": child, "Name": "kid", "Input": {"a": 2}},
                  "Catch": [{"ErrorEquals": ["StepFunctions.ExecutionAlreadyExistsException"],
                             "ResultPath": "$.clash", "Next": "Describe"}], "Next": "Describe"},
        "Describe": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:describeExecution",
                     "Parameters": {"ExecutionArn": f"{prefix}kid"}, "ResultSelector": {"status.$": "$.Status"},
                     "ResultPath": "$.child", "End": True},
    })

    # When it runs
    output = json.loads(sfn.start_sync_execution(stateMachineArn=parent, input="{}")["output"])

    # Then the start answered ExecutionArn, a second start with other input is the service's own error,
    # and DescribeExecution answered Status
    assert output["started"]["arn"] == f"{prefix}kid"
    assert output["clash"]["Error"] == "StepFunctions.ExecutionAlreadyExistsException"
    assert output["child"]["status"] in {"RUNNING", "SUCCEEDED"}
    assert json.loads(sfn.describe_execution(executionArn=f"{prefix}kid")["input"]) == {"a": 1}
