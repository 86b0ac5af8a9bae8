"""GET /recognitions/{jobId}/labels and GET /users/{userId}: DynamoDB GetItem mapped to HTTP."""

import json

import pytest

from tests.api.templates import REQUEST_EPOCH_MS, render_request, render_response

LABELS = "/recognitions/{jobId}/labels"
USER = "/users/{userId}"
NOW = REQUEST_EPOCH_MS // 1000
STORED_RESULT = {"labels": [{"name": "Car", "confidence": 99.1, "parents": []}], "labelCount": 1}


def labels_item(expires_at: int) -> dict:
    return {"Item": {"jobId": {"S": "job-1"}, "result": {"S": json.dumps(STORED_RESULT)},
                     "expiresAt": {"N": str(expires_at)}}}


def test_labels_request_reads_the_job_item():
    request = json.loads(render_request(LABELS, "get", path_params={"jobId": "job-1"}).output)
    assert request == {"TableName": "labels", "Key": {"jobId": {"S": "job-1"}}}


@pytest.mark.parametrize("expires_at, http_date", [
    (NOW + 60, "Sun, 22 Nov 2026 07:57:35 GMT"),
    (951782400, None),  # a leap day, checked with the request clock moved back
    (4102444799, "Thu, 31 Dec 2099 23:59:59 GMT"),
])
def test_stored_labels_are_returned_as_stored_with_an_expires_http_date(expires_at, http_date):
    # Given labels kept until expires_at
    # When read before then
    result = render_response(LABELS, "get", "default", labels_item(expires_at),
                             **({} if http_date else {"epoch_ms": 900_000_000_000}))

    # Then they are served as stored, with Expires as the HTTP-date of their expiry
    assert result.status_override is None
    assert json.loads(result.output) == STORED_RESULT
    assert result.header_overrides["Expires"] == (http_date or "Tue, 29 Feb 2000 00:00:00 GMT")


def test_unknown_or_purged_labels_are_a_404_problem():
    result = render_response(LABELS, "get", "default", {})
    assert result.status_override == 404
    assert result.header_overrides["Content-Type"] == "application/problem+json"
    assert json.loads(result.output)["type"] == "urn:stepgate:problem:not-found"


@pytest.mark.parametrize("expires_at", [NOW - 1, NOW], ids=["expired", "expiring-now"])
def test_expired_labels_still_stored_are_410_gone_not_stale_data(expires_at):
    # Given labels past their expiry, kept until their purge
    # When read
    result = render_response(LABELS, "get", "default", labels_item(expires_at))

    # Then the answer is 410 Gone, and nothing of the result leaks
    assert result.status_override == 410
    assert result.header_overrides["Content-Type"] == "application/problem+json"
    problem = json.loads(result.output)
    assert problem["type"] == "urn:stepgate:problem:gone" and problem["status"] == 410
    assert "Car" not in result.output


def test_user_request_reads_the_user_record():
    request = json.loads(render_request(USER, "get", path_params={"userId": "u-1"}).output)
    assert request == {"TableName": "users", "Key": {"pk": {"S": "USER#u-1"}}}


def test_a_user_is_returned_with_exactly_its_public_fields():
    item = {"pk": {"S": "USER#u-1"}, "userId": {"S": "u-1"}, "name": {"S": "Siobhán O'Brien \"Shiv\""},
            "email": {"S": "shiv@example.com"}, "createdAt": {"S": "2026-11-22T07:56:40Z"}}
    result = render_response(USER, "get", "default", {"Item": item})
    assert json.loads(result.output) == {"userId": "u-1", "name": "Siobhán O'Brien \"Shiv\"",
                                         "email": "shiv@example.com", "createdAt": "2026-11-22T07:56:40Z"}


def test_an_unknown_user_is_a_404_problem():
    result = render_response(USER, "get", "default", {})
    assert result.status_override == 404
    assert json.loads(result.output)["status"] == 404


def test_a_cancelled_recognition_is_410_job_cancelled():
    # Given the tombstone a cancel leaves in the labels table
    tombstone = {"Item": {"jobId": {"S": "job-1"}, "cancelledAt": {"S": "2026-11-22T07:50:00Z"},
                          "purgeAt": {"N": str(NOW + 3600)}}}

    # When the labels are read, the answer says why they will never exist
    result = render_response(LABELS, "get", "default", tombstone)
    assert result.status_override == 410
    assert json.loads(result.output)["type"] == "urn:stepgate:problem:job-cancelled"


def test_a_cancelled_create_user_job_leaves_a_404_job_cancelled_user():
    tombstone = {"Item": {"pk": {"S": "USER#u-1"}, "jobId": {"S": "job-1"}, "cancelledAt": {"S": "2026-11-22T07:50:00Z"}}}
    result = render_response(USER, "get", "default", tombstone)
    assert result.status_override == 404
    assert json.loads(result.output)["type"] == "urn:stepgate:problem:job-cancelled"
