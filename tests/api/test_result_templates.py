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


def test_stored_labels_are_returned_as_stored():
    result = render_response(LABELS, "get", "default", labels_item(NOW + 60))
    assert result.status_override is None
    assert json.loads(result.output) == STORED_RESULT


@pytest.mark.parametrize("backend", [{}, labels_item(NOW - 1), labels_item(NOW)],
                         ids=["missing", "expired", "expiring-now"])
def test_missing_or_expired_labels_are_a_404_problem(backend):
    result = render_response(LABELS, "get", "default", backend)
    assert result.status_override == 404
    assert result.header_overrides["Content-Type"] == "application/problem+json"
    assert json.loads(result.output)["type"] == "urn:stepgate:problem:not-found"


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
