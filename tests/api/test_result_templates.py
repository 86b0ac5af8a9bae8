"""GET /recognitions/{jobId}/labels (DynamoDB Query) and GET /users/{userId} (GetItem) mapped to HTTP."""

import json

import pytest

from tests.api.templates import REQUEST_EPOCH_MS, render_request, render_response

LABELS = "/recognitions/{jobId}/labels"
USER = "/users/{userId}"
NOW = REQUEST_EPOCH_MS // 1000
STORED_RESULT = {"labels": [{"name": "Car", "confidence": 99.1, "parents": []}], "labelCount": 1,
                 "expiresAt": "2026-11-22T07:57:35Z"}


def query_answer(*items: dict, scanned: int | None = None) -> dict:
    """DynamoDB Query's answer: the items that passed the filter, and how many were read."""
    return {"Items": list(items), "Count": len(items), "ScannedCount": len(items) if scanned is None else scanned}


LABELS_ITEM = {"jobId": {"S": "job-1"}, "result": {"S": json.dumps(STORED_RESULT)},
               "expiresAt": {"N": str(NOW + 60)}, "expires": {"S": "Sun, 22 Nov 2026 07:57:35 GMT"}}


@pytest.mark.parametrize("epoch_ms, now", [(REQUEST_EPOCH_MS, str(NOW)), (951782400000, "951782400"),
                                           (10_000_000_000_000, "10000000000")])
def test_labels_request_queries_the_job_item_unless_expired(epoch_ms, now):
    # Given a request at epoch_ms, When the labels request is rendered
    request = json.loads(render_request(LABELS, "get", path_params={"jobId": "job-1"}, epoch_ms=epoch_ms).output)

    # Then DynamoDB, not the template, compares the expiry with the request time in epoch seconds
    assert request == {
        "TableName": "labels", "KeyConditionExpression": "jobId = :jobId",
        "FilterExpression": "attribute_exists(cancelledAt) OR expiresAt > :now",
        "ExpressionAttributeValues": {":jobId": {"S": "job-1"}, ":now": {"N": now}},
    }


def test_stored_labels_are_returned_as_stored_with_the_stored_expires_header():
    # Given labels the query returned (not expired)
    result = render_response(LABELS, "get", "default", query_answer(LABELS_ITEM))

    # Then they are served exactly as stored, with the HTTP-date the workflow stored as Expires
    assert result.status_override is None
    assert result.output == json.dumps(STORED_RESULT)
    assert result.header_overrides["Expires"] == "Sun, 22 Nov 2026 07:57:35 GMT"


def test_unknown_or_purged_labels_are_a_404_problem():
    result = render_response(LABELS, "get", "default", query_answer())
    assert result.status_override == 404
    assert result.header_overrides["Content-Type"] == "application/problem+json"
    assert json.loads(result.output)["type"] == "urn:stepgate:problem:not-found"


def test_expired_labels_still_stored_are_410_gone_not_stale_data():
    # Given labels past their expiry, kept until their purge: the query's filter read and dropped them
    result = render_response(LABELS, "get", "default", query_answer(scanned=1))

    # Then the answer is 410 Gone, with the same problem the offers reader gives
    assert result.status_override == 410
    assert result.header_overrides["Content-Type"] == "application/problem+json"
    problem = json.loads(result.output)
    assert (problem["type"], problem["title"], problem["status"]) == ("urn:stepgate:problem:gone", "Gone", 410)


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
    tombstone = {"jobId": {"S": "job-1"}, "cancelledAt": {"S": "2026-11-22T07:50:00Z"}, "purgeAt": {"N": str(NOW + 3600)}}

    # When the labels are read, the answer says why they will never exist
    result = render_response(LABELS, "get", "default", query_answer(tombstone))
    assert result.status_override == 410
    assert json.loads(result.output)["type"] == "urn:stepgate:problem:job-cancelled"


def test_a_cancelled_create_user_job_leaves_a_404_job_cancelled_user():
    tombstone = {"Item": {"pk": {"S": "USER#u-1"}, "jobId": {"S": "job-1"}, "cancelledAt": {"S": "2026-11-22T07:50:00Z"}}}
    result = render_response(USER, "get", "default", tombstone)
    assert result.status_override == 404
    assert json.loads(result.output)["type"] == "urn:stepgate:problem:job-cancelled"


@pytest.mark.parametrize("answer", [query_answer(LABELS_ITEM), query_answer(), query_answer(scanned=1),
                                    query_answer({"jobId": {"S": "job-1"}, "cancelledAt": {"S": "x"}})],
                         ids=["served", "not-found", "gone", "cancelled"])
def test_every_labels_body_is_exactly_the_json_document(answer):
    # 3b: nothing before or after the JSON, whatever the renderer does with directive-only lines
    output = render_response(LABELS, "get", "default", answer).output
    assert output.startswith("{") and output.endswith("}")
    json.loads(output)


@pytest.mark.parametrize("item", [{}, {"userId": {"S": "u-1"}, "name": {"S": "A"}, "email": {"S": "a@b.c"},
                                       "createdAt": {"S": "2026-11-22T07:56:40Z"}}], ids=["unknown", "user"])
def test_every_user_body_is_exactly_the_json_document(item):
    output = render_response(USER, "get", "default", {"Item": item} if item else {}).output
    assert output.startswith("{") and output.endswith("}")
    json.loads(output)
