"""A Step Functions Local mock-config suite (SFN_MOCK_CONFIG, `arn#TestCase`), run without Java or Docker."""

import json
from pathlib import Path

import pytest

MOCK_CONFIG = Path(__file__).parent / "mock_config" / "jobs.mock.json"


@pytest.fixture(autouse=True)
def mock_config(monkeypatch):
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(MOCK_CONFIG))


def _start_test_case(jobs, test_case: str, name: str) -> str:
    sfn = jobs.client("stepfunctions")
    response = sfn.start_execution(stateMachineArn=f"{jobs.state_machine_arn}#{test_case}", name=name,
                                   input=json.dumps({"kind": "search", "submittedAt": "2030-01-01T00:00:00Z",
                                                     "submittedEpoch": 1893456000, "request": {}}))
    return response["executionArn"]


def test_happy_path_uses_the_mocked_lambdas_and_really_writes_dynamodb(jobs):
    # Given the HappyPathSearch test case mocks both Lambda tasks
    calls_before = sum(jobs.hook.calls.values())

    # When an execution runs on it
    execution = _start_test_case(jobs, "HappyPathSearch", "mock-happy")
    result = jobs.wait(execution)

    # Then it succeeds with the mocked offers, no real Lambda ran, and SaveOffers wrote them
    assert result["status"] == "SUCCEEDED", result
    assert json.loads(result["output"])["offerCount"] == 2
    assert sum(jobs.hook.calls.values()) == calls_before
    item = jobs.client("dynamodb").get_item(TableName=jobs.stack.table_name("OffersTable"),
                                            Key={"jobId": {"S": "mocked-job"}})["Item"]
    assert [offer["carSize"] for offer in json.loads(item["offers"]["S"])] == ["suv", "van"]


def test_retry_range_then_success(jobs):
    # Given SearchOffers throws on invocations 0-1 and returns on 2
    # When an execution runs on that test case
    execution = _start_test_case(jobs, "RetryThenSucceed", "mock-retry")
    result = jobs.wait(execution)

    # Then the Retry policy re-ran the task twice and the job succeeded
    assert result["status"] == "SUCCEEDED", result
    failed = [e for e in jobs.history(execution) if e["type"] == "TaskFailed"]
    assert [e["taskFailedEventDetails"]["error"] for e in failed] == ["Lambda.TooManyRequestsException"] * 2
    assert json.loads(result["output"])["offerCount"] == 1


def test_catch_path_records_the_failure(jobs):
    # Given ValidateJob throws a ValidationError
    # When an execution runs on the CatchPath test case
    execution = _start_test_case(jobs, "CatchPath", "mock-catch")
    result = jobs.wait(execution)

    # Then the Catch routes to RecordFailure and the job ends FAILED with the mocked error
    assert result["status"] == "FAILED"
    assert result["error"] == "ValidationError"
    assert jobs.entered_states(execution) == ["ValidateJob", "NoteFailureTime", "RecordFailure", "DescribeFailure",
                                              "StartFailureDelivery", "ReportFailure", "FailWithReport", "JobFailed"]


def test_an_unknown_test_case_is_refused_with_a_clear_error(jobs):
    # Given a test case the file does not define / When an execution names it / Then StartExecution fails
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as refused:
        _start_test_case(jobs, "NoSuchCase", "mock-unknown")
    assert "NoSuchCase" in str(refused.value)
