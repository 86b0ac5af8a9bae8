"""Standard workflows bill every state transition: states entered per job kind, counted from the history.

A successful job without a callback enters at most 6 states (before the summaries moved into the task
states' ResultSelector: search and recognition 7); a callback adds the one delivery task.
"""

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from tests.callback_receiver import CallbackReceiver
from tests.workflow.test_jobs_workflow import _png, _upload

MAX_STATES_WITHOUT_CALLBACK = 6


def _in_days(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _request(jobs, kind: str) -> dict:
    if kind == "search":
        return {"location": "JFK", "pickupAt": _in_days(1), "dropoffAt": _in_days(3)}
    if kind == "recognition":
        return {"image": _upload(jobs, f"uploads/transitions/{uuid.uuid4().hex}.png", _png())}
    return {"name": "Tess Transition", "email": f"t.{uuid.uuid4().hex[:12]}@example.com"}


@pytest.fixture(scope="module")
def signing_secret(jobs) -> str:
    [arn] = [arn for logical, arn in jobs.stack.secrets.items() if logical.startswith("WorkersCallbackSigningSecret")]
    return "whsec_" + jobs.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]


def _entered(jobs, kind: str, request: dict) -> tuple[list[str], dict]:
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
    entered, output = _entered(jobs, kind, _request(jobs, kind))

    # Then it entered 6 states, and the output still carries the summary the status document reads
    assert entered == ["ValidateJob", "RouteByKind", *work, "SuccessCallbackRequested", "Succeeded"]
    assert len(entered) <= MAX_STATES_WITHOUT_CALLBACK
    assert output["kind"] == kind and output["finishedAt"].endswith("Z") and output["jobId"]
    assert "callback" not in output


@pytest.mark.parametrize("kind", ["search", "recognition", "user"])
def test_a_callback_adds_only_its_delivery_task(jobs, signing_secret, kind):
    with CallbackReceiver(signing_secret) as receiver:
        # When a job succeeds with a callbackUrl whose receiver answers at once
        entered, output = _entered(jobs, kind, {**_request(jobs, kind), "callbackUrl": receiver.url})

    # Then it entered one state more (the delivery), and the event carried the same summary as the output
    assert len(entered) == MAX_STATES_WITHOUT_CALLBACK + 1 and "NotifySuccess" in entered
    assert output["callback"]["status"] == "delivered"
    [delivery] = receiver.deliveries
    assert delivery.event["finishedAt"] == output["finishedAt"]
