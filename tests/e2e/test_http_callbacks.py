"""Signed callbacks over real HTTP: the local cloud POSTs to a verifying receiver on 127.0.0.1."""

import time

import pytest

from tests.callback_receiver import CallbackReceiver

pytestmark = pytest.mark.local_only("the receiver listens on 127.0.0.1 and the signing secret is read "
                                    "through the local AWS endpoint")


@pytest.fixture(scope="module")
def signing_secret(cloud) -> str:
    """What an operator hands receivers: whsec_ + the value of the stack's secret."""
    secrets = cloud.aws("secretsmanager")
    [entry] = [s for s in secrets.list_secrets()["SecretList"] if "CallbackSigningSecret" in s["Name"]]
    return "whsec_" + secrets.get_secret_value(SecretId=entry["ARN"])["SecretString"]


def _wait_for(condition, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_receiver_that_fails_twice_gets_a_verified_event_and_the_status_shows_the_outcome(cloud, signing_secret):
    with CallbackReceiver(signing_secret, failures=2) as receiver:
        # Given a user job submitted with a callbackUrl whose receiver answers 503 twice
        email = f"callback-{time.monotonic_ns()}@example.com"
        accepted = cloud.submit("/users", {"name": "Hook", "email": email, "callbackUrl": receiver.url}).json()

        # When the job finishes
        status = cloud.poll(accepted["statusUrl"])

        # Then the third, verified delivery announced the result the status redirects to
        _wait_for(lambda: len(receiver.deliveries) == 3)
    assert [d.answered for d in receiver.deliveries] == [503, 503, 204]
    assert all(d.verification_error is None for d in receiver.deliveries)
    event = receiver.deliveries[-1].event
    document = status.json()
    assert event["jobId"] == accepted["jobId"] and event["status"] == "SUCCEEDED"
    assert event["resultUrl"] == document["resultUrl"] == status.headers["Location"]
    assert event["finishedAt"] == document["finishedAt"]  # one recorded instant, not two computations
    assert document["callback"] == {"status": "delivered", "attempts": 3, "lastHttpStatus": 204}


def test_a_failed_job_calls_back_with_its_error(cloud, signing_secret):
    with CallbackReceiver(signing_secret) as receiver:
        accepted = cloud.submit("/searches", {"location": "Atlantis", "pickupAt": "2031-01-01T10:00:00Z",
                                              "dropoffAt": "2031-01-02T10:00:00Z", "callbackUrl": receiver.url}).json()
        document = cloud.poll(accepted["statusUrl"]).json()
        _wait_for(lambda: receiver.deliveries)
    [delivery] = receiver.deliveries
    assert delivery.verification_error is None and delivery.event["status"] == "FAILED"
    assert delivery.event["error"]["type"] == document["error"]["type"] == "urn:stepgate:problem:validation-error"
    assert delivery.event["error"]["title"] == document["error"]["title"]
    assert delivery.event["finishedAt"] == document["finishedAt"]
    assert document["error"]["field"] == "location"
    assert document["callback"] == {"status": "delivered", "attempts": 1, "lastHttpStatus": 204}
