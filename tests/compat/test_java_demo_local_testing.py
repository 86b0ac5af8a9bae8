"""aws-samples/aws-stepfunctions-examples sam/demo-local-testing-using-java, run unchanged.

Re-expresses the five rows of "test #executionName scenario" in
src/test/groovy/com/example/sfn/StepFunctionsLocalSpockSpec.groovy (the JUnit test asserts the
first three the same way): "LocalTesting" created from statemachine/local_testing.asl.json sent as
compact JSON (Groovy's JsonOutput.toJson), the ARN taken from CreateStateMachine, input
events/sfn_valid_input.json as compact JSON, and after the row's fixed wait one GetExecutionHistory.
"""

import json
import time

import pytest

from tests.compat.sfn_local_endpoint import TERMINAL_EVENTS, suite_dir

SUITE = "java-demo-local-testing"


def compact(path) -> str:
    return json.dumps(json.loads(path.read_text(encoding="utf-8")), separators=(",", ":"))


@pytest.fixture(scope="session")
def local(step_functions_local):
    folder = suite_dir(SUITE)
    # Half the declared retry intervals (1 s each) keeps the spec's fixed waits meaningful with a margin.
    client = step_functions_local(folder / "statemachine" / "test" / "MockConfigFile.json", wait_time_scale=0.5)
    created = client.create_state_machine(name="LocalTesting", roleArn="arn:aws:iam::123456789012:role/DummyRole",
                                          definition=compact(folder / "statemachine" / "local_testing.asl.json"))
    return client, created["stateMachineArn"], compact(folder / "events" / "sfn_valid_input.json")


def history_after(client, execution_arn: str, timeout_ms: int) -> list[dict]:
    """The spec sleeps `timeout` then reads history once; we read as soon as it has ended, within that time."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        events = client.get_execution_history(executionArn=execution_arn)["events"]
        if any(event["type"] in TERMINAL_EVENTS for event in events) or time.monotonic() > deadline:
            return events
        time.sleep(0.05)


def exited_count(events: list[dict], state_name: str) -> int:
    return sum(event["type"] == "TaskStateExited" and event["stateExitedEventDetails"]["name"] == state_name
               for event in events)


@pytest.mark.parametrize("execution_name, test_case_name, timeout, result_size", [
    ("happyPathExecution", "HappyPathTest", 2000, 1),
    ("negativeSentimentExecution", "NegativeSentimentTest", 2000, 1),
    ("retryExecution", "RetryOnServiceExceptionTest", 4000, 4),
    ("validationExceptionExecution", "ValidationExceptionCatchTest", 2000, 1),
    ("customExceptionExecution", "CustomValidationFailedCatchTest", 4000, 1),
])
def test_scenario(local, execution_name, test_case_name, timeout, result_size):
    client, state_machine_arn, event_json = local
    response = client.start_execution(stateMachineArn="#".join([state_machine_arn, test_case_name]),
                                      name=execution_name, input=event_json)
    assert response["executionArn"]

    events = history_after(client, response["executionArn"], timeout)

    assert events
    if test_case_name == "HappyPathTest":
        assert exited_count(events, "CustomerAddedToFollowup") == result_size
    if test_case_name == "NegativeSentimentTest":
        assert exited_count(events, "NegativeSentimentDetected") == result_size
    if test_case_name == "RetryOnServiceExceptionTest":
        results = [event for event in events
                   if (event["type"] == "TaskFailed"
                       and event["taskFailedEventDetails"]["error"] == "InternalServerException")
                   or (event["type"] == "TaskSucceeded"
                       and event["taskSucceededEventDetails"]["resource"] == "comprehend:detectSentiment")]
        assert len(results) == result_size
        assert {event["taskFailedEventDetails"]["error"] for event in results[0:3]} == {"InternalServerException"}
        assert results[-1]["taskSucceededEventDetails"]["resource"] == "comprehend:detectSentiment"
    if test_case_name == "ValidationExceptionCatchTest":
        assert exited_count(events, "ValidationException") == result_size
    if test_case_name == "CustomValidationFailedCatchTest":
        assert exited_count(events, "CustomValidationFailed") == result_size
