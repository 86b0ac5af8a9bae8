"""Job callbacks: which URLs are accepted, what the event says, when a delivery is retried."""

import json

import pytest

from stepgate_jobs.callbacks import deliver_callback, failure_event, validate_callback_url
from stepgate_jobs.errors import CallbackNotDelivered, ValidationError
from stepgate_client.webhooks import verify
from stepgate_webhooks import signed_headers

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.mark.parametrize("url", ["https://hooks.example.com/stepgate", "https://8.8.8.8/hook?x=1"])
def test_public_https_urls_are_accepted(url):
    assert validate_callback_url(url, allow_loopback=False) == url


@pytest.mark.parametrize("url, allow_loopback", [
    ("http://hooks.example.com/x", True),
    ("http://127.0.0.1:8080/x", False),  # the local cloud's exception, never in AWS
    ("https://127.0.0.1/x", False),
    ("https://169.254.169.254/latest/meta-data", False),
    ("https://10.0.0.7/x", False),
    ("https://[::1]/x", False),
    ("https://localhost/x", False),
    ("https://user:pw@hooks.example.com/x", False),
    ("https://" + "a" * 2050 + ".com", False),
    (42, False),
    ("https://hooks.example.com/\x00", False),
    ("https://hooks.example.com/a\x7fb", False),
])
def test_other_urls_are_a_validation_error_on_callback_url(url, allow_loopback):
    with pytest.raises(ValidationError) as refused:
        validate_callback_url(url, allow_loopback)
    assert refused.value.field == "callbackUrl"


def test_the_local_cloud_accepts_http_loopback():
    assert validate_callback_url("http://127.0.0.1:8080/hook", allow_loopback=True)


def test_a_failure_event_is_the_terminal_event_with_the_problem_the_status_shows():
    # The success event is built by the Jobs workflow itself (tests/workflow/test_callback_workflow.py).
    cause = json.dumps({"errorType": "ValidationError", "errorMessage": "pickupAt: must not be in the past"})
    event = failure_event("j-1", "search", "2026-11-22T08:00:00Z", "ValidationError", cause)
    assert event == {"type": "terminal", "jobId": "j-1", "kind": "search", "status": "FAILED",
                     "finishedAt": "2026-11-22T08:00:00Z",
                     "error": {"type": "urn:stepgate:problem:validation-error", "title": "ValidationError",
                               "status": 422, "detail": "pickupAt: must not be in the past", "field": "pickupAt"}}


@pytest.mark.parametrize("error, detail", [("SupplierUnavailable", "x: y"), ("ValidationError", "no field here"),
                                           ("States.Timeout", "email: looks like a field")])
def test_only_field_bearing_errors_with_a_field_prefix_name_a_field(error, detail):
    assert "field" not in failure_event("j-1", "user", "2026-11-22T08:00:00Z", error, detail)["error"]


class RecordingSender:
    """Answers with the given statuses in turn and keeps what it was sent."""

    def __init__(self, *statuses):
        self.statuses, self.sent = list(statuses), []

    def post(self, url, body, headers):
        self.sent.append((url, body, headers))
        return self.statuses.pop(0)


def _deliver(sender, attempt, max_attempts=3, url="https://hooks.example.com/x"):
    return deliver_callback(url, "msg_j-1", {"jobId": "j-1"}, SECRET, sender, signed_headers,
                            attempt, max_attempts, allow_loopback=False)


def test_a_2xx_answer_is_delivered_with_a_verifiable_signature():
    sender = RecordingSender(202)
    outcome = _deliver(sender, attempt=1)
    assert outcome.to_dict() == {"status": "delivered", "attempts": 2, "lastHttpStatus": 202}
    _, body, headers = sender.sent[0]
    assert verify(SECRET, headers, body) == {"jobId": "j-1"}


@pytest.mark.parametrize("status", [500, 404, 302, None])
def test_a_failed_attempt_is_raised_for_a_retry_while_attempts_remain(status):
    with pytest.raises(CallbackNotDelivered):
        _deliver(RecordingSender(status), attempt=0)


def test_the_last_failed_attempt_is_an_outcome_not_an_error():
    outcome = _deliver(RecordingSender(503), attempt=2, max_attempts=3)
    assert outcome.to_dict() == {"status": "failed", "attempts": 3, "lastHttpStatus": 503}


def test_an_unacceptable_url_is_never_contacted():
    sender = RecordingSender()
    assert _deliver(sender, attempt=0, url="https://10.0.0.1/x").to_dict() == {
        "status": "failed", "attempts": 0, "lastHttpStatus": None}
    assert sender.sent == []


@pytest.mark.parametrize("error, slug", [("UserAlreadyExists", "user-already-exists"), ("States.Timeout", "job-failed"),
                                         ("Lambda.Unknown", "job-failed"), (None, "job-failed")])
def test_failure_events_name_errors_as_the_status_document_does(error, slug):
    event = failure_event("j-1", "user", "2026-11-22T08:00:00Z", error, "boom")
    assert event["error"]["type"] == f"urn:stepgate:problem:{slug}" and event["error"]["detail"] == "boom"
