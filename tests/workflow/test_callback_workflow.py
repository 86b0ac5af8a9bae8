"""Signed callbacks on the real Jobs state machine, to a verifying receiver on 127.0.0.1."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from tests.callback_receiver import CallbackReceiver
from tests.workflow.test_state_transitions import MAX_STATES_WITHOUT_CALLBACK, entered_states_of_success, request_for


def _in_days(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def signing_secret(jobs) -> str:
    [arn] = [arn for logical, arn in jobs.stack.secrets.items() if logical.startswith("WorkersCallbackSigningSecret")]
    return "whsec_" + jobs.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]


def test_a_receiver_failing_twice_gets_the_success_event_on_the_third_attempt(jobs, signing_secret):
    with CallbackReceiver(signing_secret, failures=2) as receiver:
        # Given a user job with a callbackUrl whose receiver answers 503 twice
        # When the job runs
        result = jobs.run("user", {"name": "Ada", "email": "ada.callback@example.com", "callbackUrl": receiver.url})

    # Then every attempt carried the same verifiable event, the third was acknowledged,
    # and the outcome is part of the job's output
    assert result["status"] == "SUCCEEDED", result
    output = json.loads(result["output"])
    assert output["callback"] == {"status": "delivered", "attempts": 3, "lastHttpStatus": 204}
    assert [d.answered for d in receiver.deliveries] == [503, 503, 204]
    assert all(d.verification_error is None for d in receiver.deliveries)
    event = receiver.deliveries[-1].event
    assert event == {"jobId": output["jobId"], "kind": "user", "status": "SUCCEEDED",
                     "resultUrl": f"/v1/users/{output['userId']}", "finishedAt": event["finishedAt"]}
    assert {d.headers["webhook-id"] for d in receiver.deliveries} == {f"msg_{output['jobId']}"}


def test_a_failed_job_reports_its_error_and_the_callback_outcome_in_its_cause(jobs, signing_secret):
    with CallbackReceiver(signing_secret) as receiver:
        # Given a search that breaks a business rule, with a callbackUrl
        request = {"location": "JFK", "pickupAt": _in_days(3), "dropoffAt": _in_days(1), "callbackUrl": receiver.url}

        # When it runs
        result = jobs.run("search", request)

    # Then the receiver got the FAILED event with the problem, and the job still fails with its own error
    [delivery] = receiver.deliveries
    assert delivery.verification_error is None
    assert delivery.event["status"] == "FAILED" and delivery.event["kind"] == "search"
    assert delivery.event["error"]["type"] == "urn:stepgate:problem:validation-error"
    assert delivery.event["error"]["detail"].startswith("dropoffAt: ")
    assert result["status"] == "FAILED" and result["error"] == "ValidationError"
    report = json.loads(result["cause"])
    assert report["callback"] == {"status": "delivered", "attempts": 1, "lastHttpStatus": 204}
    assert json.loads(report["cause"])["errorMessage"].startswith("dropoffAt: ")


def test_a_receiver_that_never_acknowledges_does_not_fail_a_succeeded_job(jobs, signing_secret):
    with CallbackReceiver(signing_secret, failures=100) as receiver:
        result = jobs.run("user", {"name": "Bo", "email": "bo.callback@example.com", "callbackUrl": receiver.url})

    # Then after a bounded number of attempts the job is SUCCEEDED with the callback marked failed
    assert result["status"] == "SUCCEEDED", result
    assert json.loads(result["output"])["callback"] == {"status": "failed", "attempts": 6, "lastHttpStatus": 503}
    assert len(receiver.deliveries) == 6


def test_a_plain_http_callback_url_fails_validation(jobs):
    # Given an http URL to a public host (only http://127.0.0.1 is let through, and only locally)
    # When the job runs / Then it fails naming callbackUrl, and no callback is attempted
    result = jobs.run("user", {"name": "Cy", "email": "cy@example.com", "callbackUrl": "http://hooks.example.com/x"})
    assert result["status"] == "FAILED" and result["error"] == "ValidationError"
    report = json.loads(result["cause"])
    assert json.loads(report["cause"])["errorMessage"].startswith("callbackUrl: ")
    assert report["callback"] == {"status": "failed", "attempts": 0, "lastHttpStatus": None}


@pytest.mark.parametrize("kind", ["search", "recognition", "user"])
def test_a_callback_adds_only_its_delivery_task(jobs, signing_secret, kind):
    with CallbackReceiver(signing_secret) as receiver:
        # When a job succeeds with a callbackUrl whose receiver answers at once
        entered, output = entered_states_of_success(jobs, kind, {**request_for(jobs, kind), "callbackUrl": receiver.url})

    # Then it entered one state more (the delivery), and the event carried the same summary as the output
    assert len(entered) == MAX_STATES_WITHOUT_CALLBACK + 1 and "NotifySuccess" in entered
    assert output["callback"]["status"] == "delivered"
    [delivery] = receiver.deliveries
    assert delivery.event["finishedAt"] == output["finishedAt"]
