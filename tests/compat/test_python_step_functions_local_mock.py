"""aws-samples/serverless-test-samples python-test-samples/step-functions-local-mock, run unchanged.

Re-expresses tests/unit/src/test_step_functions_local.py of that sample (see the suite's
SOURCE.txt): "LambdaSQSIntegration" from statemachine/local_testing.asl.json, found as
list_state_machines()[0], input '{"data": "test input"}', test cases HappyPath, RetryPath and
HybridPath of statemachine/test/MockConfigFile.json.
"""

import pytest

from tests.compat.sfn_local_endpoint import history_when_finished, suite_dir

SUITE = "python-step-functions-local-mock"


@pytest.fixture(scope="session")
def sfn_client(step_functions_local):
    folder = suite_dir(SUITE)
    # The RetryPath backs off 2 + 4 + 8 s as declared; a tenth of that keeps the suite quick.
    client = step_functions_local(folder / "statemachine" / "test" / "MockConfigFile.json", wait_time_scale=0.1)
    client.create_state_machine(
        name="LambdaSQSIntegration",
        definition=(folder / "statemachine" / "local_testing.asl.json").read_text(encoding="utf-8"),
        roleArn="arn:aws:iam::123456789012:role/DummyRole",
    )
    return client


def execute_stepfunction(sfn_client, execution_name: str, test_name: str) -> dict:
    state_machine_arn = sfn_client.list_state_machines()["stateMachines"][0]["stateMachineArn"]
    start = sfn_client.start_execution(name=execution_name, stateMachineArn=state_machine_arn + "#" + test_name,
                                       input='{"data": "test input"}')
    history = history_when_finished(sfn_client, start["executionArn"])
    # The sample's loop only ends on ExecutionSucceeded.
    assert any(event["type"] == "ExecutionSucceeded" for event in history["events"]), history["events"][-1]
    return history


def exited(history: dict, state_name: str) -> bool:
    return any(event["type"] == "TaskStateExited" and event.get("stateExitedEventDetails", {}).get("name") == state_name
               for event in history["events"])


def test_happy_path(sfn_client):
    history = execute_stepfunction(sfn_client, "happyPathExecution", "HappyPath")

    assert exited(history, "LambdaState")
    assert exited(history, "SQSState")
    assert sum(event["type"] == "TaskSucceeded" for event in history["events"]) == 2


def test_retry_path(sfn_client):
    history = execute_stepfunction(sfn_client, "retryPathExecution", "RetryPath")

    assert exited(history, "LambdaState")
    assert exited(history, "SQSState")
    errors = [event["taskFailedEventDetails"]["error"] for event in history["events"] if event["type"] == "TaskFailed"]
    assert len(errors) == 3
    assert errors.count("Lambda.ResourceNotReadyException") == 1
    assert errors.count("Lambda.TimeoutException") == 2


def test_hybrid_path(sfn_client):
    history = execute_stepfunction(sfn_client, "hybridPathExecution", "HybridPath")

    assert exited(history, "LambdaState")
    assert exited(history, "SQSState")
