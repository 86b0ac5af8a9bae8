"""Standard workflows bill every state transition: states entered per job kind, counted from the history.

A successful job without a callback enters at most 6 states (before the summaries moved into the task
states' ResultSelector: search and recognition 7). Delivery runs in an EXPRESS workflow of its own that the
job starts without waiting, so a callback adds no state to the job (tests/workflow/test_callback_workflow.py,
which owns the signing secret); before that, it added one, and a failing receiver held the job ~31 s.
"""

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from tests.workflow.test_jobs_workflow import _png, _upload

MAX_STATES_WITHOUT_CALLBACK = 6


def _in_days(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def request_for(jobs, kind: str) -> dict:
    if kind == "search":
        return {"location": "JFK", "pickupAt": _in_days(1), "dropoffAt": _in_days(3)}
    if kind == "recognition":
        return {"image": _upload(jobs, f"uploads/transitions/{uuid.uuid4().hex}.png", _png())}
    return {"name": "Tess Transition", "email": f"t.{uuid.uuid4().hex[:12]}@example.com"}


def entered_states_of_success(jobs, kind: str, request: dict) -> tuple[list[str], dict]:
    execution = jobs.start(kind, request)
    result = jobs.wait(execution)
    assert result["status"] == "SUCCEEDED", result
    return jobs.entered_states(execution), json.loads(result["output"])


@pytest.mark.parametrize("kind, work", [
    ("search", ["SearchOffers", "SaveOffers"]),
    ("recognition", ["DetectLabels", "SaveLabels"]),
    ("user", ["CreateUser", "UserSucceeded"]),
])
def test_a_job_without_callback_enters_at_most_six_states(jobs, kind, work):
    # When a job of each kind succeeds without a callback
    entered, output = entered_states_of_success(jobs, kind, request_for(jobs, kind))

    # Then it entered 6 states, and the output still carries the summary the status document reads
    # (AnnounceWorking starts Delivery with the validated and working progress events; StartDelivery, the last
    # state, with saved and the terminal event: push costs no state beyond them)
    assert entered == ["ValidateJob", "AnnounceWorking", "RouteByKind", *work, "StartDelivery"]
    assert len(entered) <= MAX_STATES_WITHOUT_CALLBACK
    assert output["kind"] == kind and output["finish"]["finishedAt"].endswith("Z") and output["jobId"]
    assert "callback" not in output


def test_lambda_throttling_is_retried_by_its_own_name_and_then_recorded(jobs):
    from localcloud.moto_changes.api_quotas import install_api_quotas

    # Given Lambda refuses every invocation for concurrency (AWS's 429 TooManyRequestsException)
    install_api_quotas("lambda:concurrency=0")
    try:
        execution = jobs.start("user", request_for(jobs, "user"))
        result = jobs.wait(execution)
    finally:
        install_api_quotas("off")  # the harness's own install stays in place, without quotas

    # Then ValidateJob retried it as Lambda.TooManyRequestsException (its Retry names it), and the job
    # still reached a terminal state, recorded as that error
    assert result["status"] == "FAILED"
    assert result["error"] == "Lambda.TooManyRequestsException"
    attempts = [event for event in jobs.history(execution) if event["type"] == "TaskFailed"]
    # ValidateJob's first try and 3 retries, then DescribeFailure's (throttled too): the failure is still
    # recorded and the job ends FAILED without its delivery
    assert len(attempts) == 8
    assert "StartFailureDelivery" not in jobs.entered_states(execution)
