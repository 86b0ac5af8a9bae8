"""aws-samples/aws-stepfunctions-examples sam/app-local-testing-mock-config, run unchanged.

Re-expresses the sample's makefile: `make all` (create, happy, error, exception, retry: the AWS CLI
calls with their names, ARNs and input files) and `make history` (happy-h, error-h, exception-h,
retry-h: GetExecutionHistory filtered by the same JMESPath queries), checked against the results
its README documents (one event for each of the first three; for retry-h three TaskFailed
InternalServerException events, then the DetectSentiment TaskSucceeded with resourceType
"aws-sdk" and resource "comprehend:detectSentiment").
"""

import jmespath
import pytest

from tests.compat.sfn_local_endpoint import history_when_finished, suite_dir

# The makefile's queries quote literals in backticks, which jmespath still parses but calls deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:deprecated string literal syntax")

SUITE = "app-local-testing-mock-config"
STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:LocalTesting"
EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:LocalTesting:"

# target: (execution name, test case, the history target's --query)
TARGETS = {
    "happy": ("happyPathExecution", "HappyPathTest",
              "events[?type==`TaskStateExited` && stateExitedEventDetails.name==`CustomerAddedToFollowup`]"),
    "error": ("catchCustomErrorExecution", "CustomValidationFailedCatchTest",
              "events[?type==`TaskStateEntered` && stateEnteredEventDetails.name==`CustomValidationFailed` "
              "&& contains(stateEnteredEventDetails.input, `Check Identity Validation Failed`)]"),
    "exception": ("runtimeExceptionExecution", "ValidationExceptionCatchTest",
                  "events[?type==`TaskStateEntered` && stateEnteredEventDetails.name==`ValidationException` "
                  "&& contains(stateEnteredEventDetails.input, `Address Validation Exception`)]"),
    "retry": ("retryWithServiceException", "RetryOnServiceExceptionTest",
              "events[?(type==`TaskFailed` && taskFailedEventDetails.error==`InternalServerException`) "
              "|| (type==`TaskSucceeded` && taskSucceededEventDetails.resource==`comprehend:detectSentiment`)]"),
}


@pytest.fixture(scope="session")
def sfn(step_functions_local):
    folder = suite_dir(SUITE)
    client = step_functions_local(folder / "statemachine" / "test" / "MockConfigFile.json", wait_time_scale=0.1)
    # make create
    client.create_state_machine(name="LocalTesting", roleArn="arn:aws:iam::123456789012:role/DummyRole",
                                definition=(folder / "statemachine" / "local_testing.asl.json").read_text())
    return client


def run_target(sfn, target: str) -> list[dict]:
    """`make <target>` then `make <target>-h`."""
    name, test_case, query = TARGETS[target]
    sfn.start_execution(name=name, stateMachineArn=f"{STATE_MACHINE}#{test_case}",
                        input=(suite_dir(SUITE) / "events" / "sfn_valid_input.json").read_text())
    history = history_when_finished(sfn, EXECUTION + name)
    return jmespath.search(query, history)


def test_happy(sfn):
    found = run_target(sfn, "happy")

    assert len(found) == 1
    assert (found[0]["id"], found[0]["previousEventId"]) == (32, 31)  # as the README shows


def test_error(sfn):
    assert len(run_target(sfn, "error")) == 1


def test_exception(sfn):
    assert len(run_target(sfn, "exception")) == 1


def test_retry(sfn):
    found = run_target(sfn, "retry")

    assert [event["type"] for event in found] == ["TaskFailed"] * 3 + ["TaskSucceeded"]
    assert {event["taskFailedEventDetails"]["cause"] for event in found[:3]} == {
        "Server Exception while calling DetectSentiment API in Comprehend Service"}
    succeeded = found[3]["taskSucceededEventDetails"]
    assert (succeeded["resourceType"], succeeded["resource"]) == ("aws-sdk", "comprehend:detectSentiment")
    # README: ids 19, 22, 25, 28 - each retry is TaskFailed, then TaskScheduled and TaskStarted.
    assert [event["id"] for event in found] == [19, 22, 25, 28]
