"""GET /jobs/{jobId}/callback: the outcome the Delivery workflow recorded in JobsTable, read by GetItem.

The item's `callback` is the JSON string the workflow wrote (statemachine/delivery.asl.json):
{"status","attempts","lastHttpStatus"}, with `callbackUpdatedAt` beside it.
"""

import json

import pytest

from tests.api.templates import render_request, render_response

PATH = "/jobs/{jobId}/callback"
UPDATED_AT = "2026-11-22T07:56:41.456Z"


def outcome_of(item: dict | None, job_id: str = "job-1"):
    result = render_response(PATH, "get", "default", {"Item": item} if item is not None else {},
                             path_params={"jobId": job_id})
    return result, json.loads(result.output)


def recorded(callback: dict) -> dict:
    return {"callback": {"S": json.dumps(callback, separators=(",", ":"))}, "callbackUpdatedAt": {"S": UPDATED_AT}}


def test_the_request_reads_only_the_callback_attributes_of_the_job():
    request = json.loads(render_request(PATH, "get", path_params={"jobId": "job-1"}).output)
    assert request == {"TableName": "jobs", "Key": {"jobId": {"S": "job-1"}},
                       "ProjectionExpression": "callback, callbackUpdatedAt"}


@pytest.mark.parametrize("job_id", ["a/b", "x" * 81, "job'1", 'job"1'])
def test_a_malformed_job_id_reads_a_key_no_job_has(job_id):
    request = json.loads(render_request(PATH, "get", path_params={"jobId": job_id}).output)
    assert request["Key"] == {"jobId": {"S": "!"}}


def test_pending_says_when_to_look_again():
    result, document = outcome_of(recorded({"status": "pending", "attempts": 0, "lastHttpStatus": None}))
    assert result.status_override is None and result.header_overrides == {"Retry-After": "5"}
    assert document == {"jobId": "job-1", "status": "pending", "attempts": 0, "lastHttpStatus": None,
                        "updatedAt": UPDATED_AT}


@pytest.mark.parametrize("callback", [
    {"status": "delivered", "attempts": 3, "lastHttpStatus": 204},
    {"status": "failed", "attempts": 6, "lastHttpStatus": None},  # never reached
    {"status": "failed", "attempts": None, "lastHttpStatus": None},  # the delivery task itself failed
])
def test_a_settled_outcome_is_served_as_recorded(callback):
    result, document = outcome_of(recorded(callback))
    assert result.status_override is None and "Retry-After" not in result.header_overrides
    assert document == {"jobId": "job-1", **callback, "updatedAt": UPDATED_AT}


@pytest.mark.parametrize("item", [None, {"jobId": {"S": "job-1"}, "status": {"S": "FAILED"}}])
def test_no_outcome_yet_or_no_callback_is_a_404_problem(item):
    # No item (unknown job, running job, no callbackUrl) or only the job's failure record
    result, document = outcome_of(item)
    assert result.status_override == 404
    assert result.header_overrides["Content-Type"] == "application/problem+json"
    assert document["type"] == "urn:stepgate:problem:not-found" and document["status"] == 404
