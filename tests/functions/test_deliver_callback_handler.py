"""deliver_callback handler: a signed POST to a real receiver on 127.0.0.1, secret from Secrets Manager (moto)."""

import boto3
import pytest

from deliver_callback.app import handler
from stepgate_jobs.errors import CallbackNotDelivered
from tests.callback_receiver import CallbackReceiver

KEY = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # as the stack generates it: 32 base64-alphabet characters


@pytest.fixture
def secret(aws, monkeypatch) -> str:
    arn = boto3.client("secretsmanager").create_secret(Name="callback-signing", SecretString=KEY)["ARN"]
    monkeypatch.setenv("CALLBACK_SECRET_ARN", arn)
    monkeypatch.setenv("STEPGATE_ALLOW_LOOPBACK_CALLBACKS", "true")
    return "whsec_" + KEY


EVENT = {"type": "terminal", "jobId": "job-7", "kind": "recognition", "status": "SUCCEEDED",
         "finishedAt": "2026-11-22T08:00:00Z", "resultUrl": "/v1/recognitions/job-7/labels"}


def task(url: str, attempt: int = 0) -> dict:
    """The Delivery workflow's DeliverCallback payload."""
    return {"jobId": "job-7", "callbackUrl": url, "event": EVENT, "attempt": attempt, "maxAttempts": 2}


def test_the_event_is_posted_signed_and_acknowledged(secret, lambda_context):
    with CallbackReceiver(secret) as receiver:
        outcome = handler(task(receiver.url), lambda_context)
    assert outcome == {"status": "delivered", "attempts": 1, "lastHttpStatus": 204}
    [delivery] = receiver.deliveries
    assert delivery.verification_error is None and delivery.headers["webhook-id"] == "msg_job-7"
    assert delivery.event == EVENT  # posted as the workflow shaped it


def test_a_refused_attempt_is_raised_for_the_workflow_to_retry_then_reported(secret, lambda_context):
    with CallbackReceiver(secret, failures=5) as receiver:
        with pytest.raises(CallbackNotDelivered, match="HTTP 503"):
            handler(task(receiver.url, attempt=0), lambda_context)
        assert handler(task(receiver.url, attempt=1), lambda_context) == {
            "status": "failed", "attempts": 2, "lastHttpStatus": 503}


def test_loopback_is_refused_without_the_local_cloud_flag(secret, lambda_context, monkeypatch):
    monkeypatch.delenv("STEPGATE_ALLOW_LOOPBACK_CALLBACKS")
    with CallbackReceiver(secret) as receiver:
        assert handler(task(receiver.url), lambda_context)["status"] == "failed"
    assert receiver.deliveries == []
