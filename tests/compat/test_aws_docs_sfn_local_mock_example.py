"""The Step Functions Developer Guide's mocked service integration example, run unchanged.

Re-expresses "Step 3: Run Mocked Service Integration Tests" of
https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-test-sm-exec.html (the suite's
SOURCE.txt): create-state-machine with the page's --definition string, start-execution on
`LambdaSQSIntegration#<TestCase>` without input, and the parts of GetExecutionHistory the page shows;
for RetryPath and HybridPath what the page says they do.
"""

import json

import pytest

from tests.compat.sfn_local_endpoint import client, history_when_finished, suite_dir

SUITE = "aws-docs-sfn-local-mock-example"
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/myQueue"


@pytest.fixture(scope="session")
def sfn(step_functions_local):
    folder = suite_dir(SUITE)
    # LambdaState backs off 2 + 4 + 8 s as declared; a tenth of that keeps the suite quick.
    sfn = step_functions_local(folder / "statemachine" / "test" / "MockConfigFile.json", wait_time_scale=0.1)
    sfn.create_state_machine(
        name="LambdaSQSIntegration",
        definition=(folder / "statemachine" / "create-state-machine-definition.json").read_text().strip(),
        roleArn="arn:aws:iam::123456789012:role/service-role/LambdaSQSIntegration")
    return sfn


def start(sfn, name: str, test_case: str) -> str:
    response = sfn.start_execution(
        name=name, stateMachineArn=f"arn:aws:states:us-east-1:123456789012:stateMachine:LambdaSQSIntegration#{test_case}")
    return response["executionArn"]


def by_id(events: list[dict], event_id: int) -> dict:
    return next(event for event in events if event["id"] == event_id)


def test_happy_path_history_as_the_page_shows(sfn):
    execution_arn = start(sfn, "executionWithHappyPathMockedServices", "HappyPath")
    assert execution_arn == ("arn:aws:states:us-east-1:123456789012:execution:"
                             "LambdaSQSIntegration:executionWithHappyPathMockedServices")

    events = history_when_finished(sfn, execution_arn)["events"]

    lambda_entered = by_id(events, 2)
    assert (lambda_entered["type"], lambda_entered["previousEventId"]) == ("TaskStateEntered", 0)
    assert lambda_entered["stateEnteredEventDetails"]["name"] == "LambdaState"
    assert lambda_entered["stateEnteredEventDetails"]["input"] == "{}"
    lambda_output = next(event["stateExitedEventDetails"]["output"] for event in events
                         if event["type"] == "TaskStateExited" and event["stateExitedEventDetails"]["name"] == "LambdaState")
    sqs_entered = by_id(events, 7)
    assert (sqs_entered["type"], sqs_entered["previousEventId"]) == ("TaskStateEntered", 6)
    assert sqs_entered["stateEnteredEventDetails"]["name"] == "SQSState"
    assert json.loads(sqs_entered["stateEnteredEventDetails"]["input"]) == json.loads(lambda_output)
    sqs_succeeded = by_id(events, 10)
    assert (sqs_succeeded["type"], sqs_succeeded["previousEventId"]) == ("TaskSucceeded", 9)
    details = sqs_succeeded["taskSucceededEventDetails"]
    assert (details["resourceType"], details["resource"]) == ("sqs", "sendMessage")
    assert json.loads(details["output"]) == {"MD5OfMessageBody": "3bcb6e8e-7h85-4375-b0bc-1a59812c6e51",
                                             "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"}


def test_retry_path_fails_three_times_then_succeeds(sfn):
    events = history_when_finished(sfn, start(sfn, "executionWithRetryPathMockedServices", "RetryPath"))["events"]

    errors = [event["taskFailedEventDetails"]["error"] for event in events if event["type"] == "TaskFailed"]
    assert errors == ["Lambda.ResourceNotReadyException", "Lambda.TimeoutException", "Lambda.TimeoutException"]
    assert events[-1]["type"] == "ExecutionSucceeded"


def test_hybrid_path_sends_a_real_message(sfn):
    # The page: after the mocked LambdaState, SQSState "performs an actual service call to the resource
    # specified in production" - here the endpoint's own SQS, where the queue has to exist.
    sqs = client("sqs", sfn.meta.endpoint_url)
    sqs.create_queue(QueueName="myQueue")

    events = history_when_finished(sfn, start(sfn, "executionWithHybridPathMockedServices", "HybridPath"))["events"]

    assert events[-1]["type"] == "ExecutionSucceeded", events[-1]
    sent = next(event["taskSucceededEventDetails"] for event in events if event["type"] == "TaskSucceeded"
                and event["taskSucceededEventDetails"]["resource"] == "sendMessage")
    received = sqs.receive_message(QueueUrl=QUEUE_URL, WaitTimeSeconds=1)["Messages"]
    assert [message["MessageId"] for message in received] == [json.loads(sent["output"])["MessageId"]]
    lambda_output = next(event["stateExitedEventDetails"]["output"] for event in events
                         if event["type"] == "TaskStateExited" and event["stateExitedEventDetails"]["name"] == "LambdaState")
    assert json.loads(received[0]["Body"]) == json.loads(lambda_output)
