"""aws-samples/serverless-test-samples python-test-samples/step-functions-local, run unchanged.

Re-expresses tests/unit/src/test_step_functions_local.py of that sample (see the suite's
SOURCE.txt): the fixture creates "LocalTesting" from statemachine/local_testing.asl.json, every
test finds it as list_state_machines()[0], starts `<arn>#<TestCase>` with
statemachine/test/valid_input.json, polls GetExecutionHistory until ExecutionSucceeded, and checks it.
"""

import pytest

from tests.compat.sfn_local_endpoint import history_when_finished, suite_dir

SUITE = "python-step-functions-local"


@pytest.fixture(scope="session")
def sfn_client(step_functions_local):
    folder = suite_dir(SUITE)
    client = step_functions_local(folder / "statemachine" / "test" / "MockConfigFile.json", wait_time_scale=0.1)
    client.create_state_machine(
        name="LocalTesting",
        definition=(folder / "statemachine" / "local_testing.asl.json").read_text(encoding="utf-8"),
        roleArn="arn:aws:iam::123456789012:role/DummyRole",
    )
    return client


def execute_stepfunction(sfn_client, execution_name: str, test_name: str) -> dict:
    state_machine_arn = sfn_client.list_state_machines()["stateMachines"][0]["stateMachineArn"]
    step_function_input = (suite_dir(SUITE) / "statemachine" / "test" / "valid_input.json").read_text(encoding="utf-8")
    start = sfn_client.start_execution(name=execution_name, stateMachineArn=state_machine_arn + "#" + test_name,
                                       input=step_function_input)
    history = history_when_finished(sfn_client, start["executionArn"])
    # The sample's loop only ends on ExecutionSucceeded.
    assert any(event["type"] == "ExecutionSucceeded" for event in history["events"]), history["events"][-1]
    return history


def exited(history: dict, state_name: str) -> bool:
    return any(event["type"] == "TaskStateExited" and event.get("stateExitedEventDetails", {}).get("name") == state_name
               for event in history["events"])


def test_happy_path(sfn_client):
    history = execute_stepfunction(sfn_client, "happyPathExecution", "HappyPathTest")

    assert exited(history, "CustomerAddedToFollowup")


def test_negative_sentiment(sfn_client):
    history = execute_stepfunction(sfn_client, "negativeSentimentExecution", "NegativeSentimentTest")

    assert exited(history, "NegativeSentimentDetected")


def test_retry_on_service_exception(sfn_client):
    history = execute_stepfunction(sfn_client, "retryExecution", "RetryOnServiceExceptionTest")

    results = [event for event in history["events"]
               if (event["type"] == "TaskFailed" and event["taskFailedEventDetails"]["error"] == "InternalServerException")
               or (event["type"] == "TaskSucceeded"
                   and event["taskSucceededEventDetails"]["resource"] == "comprehend:detectSentiment")]
    assert len(results) == 4
    assert [event["type"] for event in results[0:3]] == ["TaskFailed"] * 3
    assert results[3]["taskSucceededEventDetails"]["resource"] == "comprehend:detectSentiment"
