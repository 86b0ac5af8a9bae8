"""Standard workflows bill every state transition: states entered per job kind, counted from the history.

A successful job without a callback enters at most 6 states (before the summaries moved into the task
states' ResultSelector: search and recognition 7); a callback adds the one delivery task (tests/workflow/test_callback_workflow.py, which owns the signing secret).
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
    assert entered == ["ValidateJob", "RouteByKind", *work, "SuccessCallbackRequested", "Succeeded"]
    assert len(entered) <= MAX_STATES_WITHOUT_CALLBACK
    assert output["kind"] == kind and output["finishedAt"].endswith("Z") and output["jobId"]
    assert "callback" not in output
