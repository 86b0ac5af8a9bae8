"""GET /jobs/{jobId}: DescribeExecution turned into the job status document."""

import json
from datetime import datetime, timezone

import pytest

from tests.api.templates import render_request, render_response

PATH = "/jobs/{jobId}"


def describe(status: str, kind: str = "search", **fields) -> dict:
    execution_input = {"kind": kind, "submittedAt": "2026-11-22T07:56:35Z", "request": {}}
    return {"executionArn": "arn", "name": "job-1", "status": status, "startDate": 1795334195.1,
            "input": json.dumps(execution_input), **fields}


def status_of(description: dict):
    result = render_response(PATH, "get", "default", description)
    return result, json.loads(result.output)


def lambda_cause(error_type: str, message: str) -> str:
    return json.dumps({"errorMessage": message, "errorType": error_type, "requestId": "r",
                       "stackTrace": ["  File \"app.py\", line 1\n"]})


def test_a_valid_job_id_addresses_only_the_jobs_state_machine():
    request = json.loads(render_request(PATH, "get", path_params={"jobId": "job-1"}).output)
    assert request == {"executionArn": "arn:aws:states:us-east-1:123456789012:execution:Jobs:job-1"}


@pytest.mark.parametrize("job_id", ["Other:job-1", "a/b", "x" * 81, "", "job'1"])
def test_a_malformed_job_id_becomes_an_invalid_arn(job_id):
    request = json.loads(render_request(PATH, "get", path_params={"jobId": job_id}).output)
    assert request["executionArn"].endswith(":execution:Jobs:")


def test_running_is_200_with_retry_after():
    result, document = status_of(describe("RUNNING"))
    assert result.status_override is None and result.header_overrides == {"Retry-After": "5"}
    assert document == {"jobId": "job-1", "kind": "search", "status": "RUNNING",
                        "submittedAt": "2026-11-22T07:56:35Z", "finishedAt": None}


@pytest.mark.parametrize("kind, output, result_url, result_expires_at", [
    ("search", {"jobId": "job-1", "kind": "search", "offerCount": 3, "expiresAt": 1795336000},
     "/v1/searches/job-1/offers", "2026-11-22T08:26:40Z"),
    ("recognition", {"jobId": "job-1", "kind": "recognition", "labelCount": 2, "expiresAt": 2000000000},
     "/v1/recognitions/job-1/labels", "2033-05-18T03:33:20Z"),
    ("user", {"jobId": "job-1", "kind": "user", "userId": "u-42"}, "/v1/users/u-42", None),
])
def test_succeeded_is_a_303_to_the_result_saying_until_when_it_is_kept(kind, output, result_url, result_expires_at):
    # Given a finished job whose output carries its result's expiry (users are kept: none)
    # When its status is read
    result, document = status_of(describe("SUCCEEDED", kind, stopDate=1795334200.5, output=json.dumps(output)))

    # Then it redirects to the result and says until when the result is kept
    assert result.status_override == 303
    assert result.header_overrides["Location"] == result_url
    assert document["resultUrl"] == result_url and document["finishedAt"] == "2026-11-22T07:56:40Z"
    assert document["resultExpiresAt"] == result_expires_at
    assert "error" not in document


def test_a_validation_failure_names_the_field():
    cause = lambda_cause("ValidationError", "dropoffAt: must be after pickupAt (it's \"earlier\")")
    result, document = status_of(describe("FAILED", stopDate=1795334200, error="ValidationError", cause=cause))
    assert result.status_override is None
    assert document["status"] == "FAILED"
    assert document["error"] == {
        "type": "urn:stepgate:problem:validation-error", "title": "ValidationError", "status": 422,
        "detail": "dropoffAt: must be after pickupAt (it's \"earlier\")", "field": "dropoffAt",
    }


def test_a_taken_email_is_a_conflict_on_the_email_field():
    cause = lambda_cause("UserAlreadyExists", "email: already registered")
    _, document = status_of(describe("FAILED", "user", stopDate=1795334200, error="UserAlreadyExists", cause=cause))
    assert document["error"]["type"] == "urn:stepgate:problem:user-already-exists"
    assert (document["error"]["status"], document["error"]["field"]) == (409, "email")


def test_a_plain_string_cause_is_the_detail_without_a_field():
    _, document = status_of(describe("FAILED", stopDate=1795334200, error="States.TaskFailed",
                                     cause="DynamoDB said: no"))
    assert document["error"] == {"type": "urn:stepgate:problem:job-failed", "title": "States.TaskFailed",
                                 "status": 500, "detail": "DynamoDB said: no"}


@pytest.mark.parametrize("status, slug, http_status", [("ABORTED", "job-cancelled", 409),
                                                       ("TIMED_OUT", "job-timed-out", 504)])
def test_aborted_and_timed_out_carry_an_error(status, slug, http_status):
    result, document = status_of(describe(status, stopDate=1795334200))
    assert result.status_override is None
    assert document["error"]["type"] == f"urn:stepgate:problem:{slug}"
    assert document["error"]["status"] == http_status and document["error"]["detail"]
    assert document["finishedAt"] == "2026-11-22T07:56:40Z"


@pytest.mark.parametrize("epoch", [0, 59, 86399, 951782400, 951868799.999, 978307199, 1709251199.5,
                                   1735689599, 4107542400, 1795334195.123])
def test_finished_at_is_the_stop_date_in_iso_8601_utc(epoch):
    _, document = status_of(describe("SUCCEEDED", stopDate=epoch, output='{"jobId":"job-1"}'))
    expected = datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert document["finishedAt"] == expected


@pytest.mark.parametrize("error_type", ["ExecutionDoesNotExist", "InvalidArn"])
def test_an_unknown_job_is_a_404_problem(error_type):
    result = render_response(PATH, "get", "400", {"__type": error_type, "message": "no"})
    assert result.status_override is None  # the integration response's 404
    assert json.loads(result.output)["type"] == "urn:stepgate:problem:not-found"


def test_another_400_from_step_functions_is_an_integration_failure():
    result = render_response(PATH, "get", "400", {"__type": "AccessDeniedException", "message": "no"})
    assert result.status_override == 500
    assert json.loads(result.output)["type"] == "urn:stepgate:problem:integration-failure"


def test_a_job_cancelled_before_storing_its_result_reads_as_aborted():
    # Given an execution that ended in the ASL's Cancelled state (the tombstone beat StopExecution)
    description = describe("FAILED", stopDate=1795334200, error="JobCancelled",
                           cause="The job was cancelled before it could store its result.")

    # When its status is read
    result, document = status_of(description)

    # Then it reads as the cancel it was: ABORTED with the job-cancelled problem, no result URL
    assert result.status_override is None
    assert document["status"] == "ABORTED" and "resultUrl" not in document
    assert document["error"]["type"] == "urn:stepgate:problem:job-cancelled" and document["error"]["status"] == 409
