"""CreateStateMachine refuses invalid definitions with InvalidDefinition; StartExecution names unnamed runs.

Message shape from LocalStack's snapshots recorded on AWS (tests/aws/services/stepfunctions/v2/
scenarios/test_base_scenarios.snapshot.json): HTTP 400, code InvalidDefinition, message
"Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'".
Diagnostic codes from the API reference's ValidateStateMachineDefinitionDiagnostic.
"""

import json
import uuid
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from localcloud.moto_changes.stepfunctions.definition_validation import definition_errors
from tests.compat.sfn_in_process import ROLE, create, local_step_functions, passes, run

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sfn():
    with local_step_functions() as client:
        yield client


def refusal(sfn, definition: str) -> str:
    with pytest.raises(ClientError) as refused:
        sfn.create_state_machine(name=f"m{uuid.uuid4().hex[:8]}", definition=definition, roleArn=ROLE)
    error = refused.value.response["Error"]
    assert (error["Code"], refused.value.response["ResponseMetadata"]["HTTPStatusCode"]) == ("InvalidDefinition", 400)
    assert error["Message"].startswith("Invalid State Machine Definition: '") and error["Message"].endswith("'")
    return error["Message"]


@pytest.mark.parametrize("definition, finding", [
    ("{not json", "INVALID_JSON_DESCRIPTION: "),
    (json.dumps({"States": {"A": {"Type": "Succeed"}}}),
     "SCHEMA_VALIDATION_FAILED: These fields are required: [StartAt] at /"),
    (json.dumps({"StartAt": "A"}), "SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /"),
    (json.dumps({"StartAt": "Missing", "States": {"A": {"Type": "Succeed"}}}),
     "MISSING_TRANSITION_TARGET: Missing 'Next' target: Missing at /StartAt"),
    (json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}, "B": {"Type": "Succeed"}}}),
     "MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere at /States/A/Next"),
    (json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}),
     "MISSING_END_STATE: "),
    (json.dumps({"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "Gone"}], "Default": "D"},
        "D": {"Type": "Succeed"}}}),
     "MISSING_TRANSITION_TARGET: Missing 'Next' target: Gone at /States/C/Choices[0]/Next"),
    (json.dumps({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "Next": "P"}}}]}}}),
     "MISSING_TRANSITION_TARGET: Missing 'Next' target: P at /States/P/Branches[0]/States/Inner/Next"),
], ids=["not-json", "no-start-at", "no-states", "start-at-missing", "next-missing", "no-terminal-state",
        "choice-next-missing", "branch-cannot-leave-its-scope"])
def test_create_state_machine_refuses_an_invalid_definition(sfn, definition, finding):
    assert finding in refusal(sfn, definition)


def test_update_state_machine_refuses_one_too(sfn):
    arn = create(sfn, "Updatable", passes(1))

    with pytest.raises(ClientError) as refused:
        sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps({"StartAt": "Nope", "States": {}}))
    assert refused.value.response["Error"]["Code"] == "InvalidDefinition"


@pytest.mark.parametrize("path", sorted((ROOT / "statemachine").glob("*.asl.json")), ids=lambda p: p.name)
def test_our_own_workflows_are_valid(path):
    assert definition_errors(path.read_text()) == []


def test_start_execution_without_a_name_gets_a_uuid(sfn):
    arn = create(sfn, "Unnamed", passes(1))

    first, second = run(sfn, arn), run(sfn, arn)

    # API reference, StartExecution `name`: "If you don't provide a name ... Step Functions automatically
    # generates a universally unique identifier (UUID) as the execution name."
    assert str(uuid.UUID(first["name"])) == first["name"]
    assert first["executionArn"].endswith(f":execution:Unnamed:{first['name']}")
    assert first["name"] != second["name"] and second["status"] == "SUCCEEDED"
