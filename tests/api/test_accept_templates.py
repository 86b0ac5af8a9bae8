"""POST /searches, /recognitions, /users: the StartExecution request and its answers."""

import json

import pytest

from tests.api.api_spec import PLACEHOLDER_VALUES
from tests.api.templates import render_request, render_response

TRICKY = "O'Brien \"Bob\" \\ back\nnew\ttab 東京 ✓ 😀 </script>"


@pytest.mark.parametrize("path, kind, body", [
    ("/searches", "search", {"location": TRICKY, "pickupAt": "2026-12-01T10:00:00Z",
                             "dropoffAt": "2026-12-03T10:00:00+01:00", "carSize": "suv"}),
    ("/recognitions", "recognition", {"image": {"bucket": "b", "key": f"uploads/r/{TRICKY}"}, "maxLabels": 5,
                                      "minConfidence": 72.5}),
    ("/users", "user", {"name": TRICKY, "email": "o'brien@example.com"}),
])
def test_the_execution_input_carries_the_body_unchanged(path, kind, body):
    raw = json.dumps(body, ensure_ascii=False)
    start = json.loads(render_request(path, "post", body=raw, request_id="job-1").output)
    assert start["stateMachineArn"] == PLACEHOLDER_VALUES["JobsStateMachineArn"]
    assert start["name"] == "job-1"
    assert json.loads(start["input"]) == {"kind": kind, "submittedAt": "2026-11-22T07:56:35Z",
                                          "submittedEpoch": 1795334195, "request": body}


@pytest.mark.parametrize("epoch_ms, submitted_at", [
    (951782400000, "2000-02-29T00:00:00Z"),
    (1798761599999, "2026-12-31T23:59:59Z"),
    (1709251199000, "2024-02-29T23:59:59Z"),
])
def test_submitted_at_is_iso_8601_utc_of_the_request_time(epoch_ms, submitted_at):
    start = json.loads(render_request("/users", "post", body='{"name":"a","email":"a@b.co"}', epoch_ms=epoch_ms).output)
    execution_input = json.loads(start["input"])
    assert execution_input["submittedAt"] == submitted_at
    assert execution_input["submittedEpoch"] == epoch_ms // 1000


def test_accepted_answer_points_at_the_status_url():
    result = render_response("/searches", "post", "default", {"executionArn": "arn", "startDate": 1.0},
                             request_id="job-1")
    assert json.loads(result.output) == {"jobId": "job-1", "status": "RUNNING", "statusUrl": "/v1/jobs/job-1"}
    assert result.header_overrides["Location"] == "/v1/jobs/job-1"


@pytest.mark.parametrize("error_type, status, slug", [
    ("ExecutionAlreadyExists", 409, "conflict"),
    ("ThrottlingException", 429, "throttled"),
    ("InvalidDefinition", None, "integration-failure"),  # stays the integration response's 500
])
def test_start_execution_errors_become_problems(error_type, status, slug):
    result = render_response("/users", "post", "4\\d{2}|5\\d{2}", {"__type": error_type, "message": "m"})
    problem = json.loads(result.output)
    assert result.status_override == status
    assert problem["type"] == f"urn:stepgate:problem:{slug}"
    assert problem["status"] == (status or 500)
