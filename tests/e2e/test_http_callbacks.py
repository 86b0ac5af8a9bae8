"""Signed callbacks over real HTTP: the local cloud POSTs to a verifying receiver on 127.0.0.1.

Delivery runs in a workflow of its own (Delivery, EXPRESS) that the job starts without waiting: the job's
status is terminal when its result is stored, and the callback's outcome is GET /jobs/{jobId}/callback.
"""

import time

import pytest

from tests.callback_receiver import CallbackReceiver
from tests.e2e.conftest import _local_cloud

pytestmark = pytest.mark.local_only("the receiver listens on 127.0.0.1 and the signing secret is read "
                                    "through the local AWS endpoint")

# Nothing listens on the discard port: every attempt is refused (issue 9 §3b's scenario).
UNREACHABLE = "http://127.0.0.1:9/"


@pytest.fixture(scope="module")
def signing_secret(cloud) -> str:
    """What an operator hands receivers: whsec_ + the value of the stack's secret."""
    secrets = cloud.aws("secretsmanager")
    [entry] = [s for s in secrets.list_secrets()["SecretList"] if "CallbackSigningSecret" in s["Name"]]
    return "whsec_" + secrets.get_secret_value(SecretId=entry["ARN"])["SecretString"]


@pytest.fixture(scope="module")
def slow_retry_cloud(request, tmp_path_factory):
    """Retry waits at a fifth of AWS's (1+2+4+8+16 s → 6.2 s), so a pending callback can be seen."""
    yield from _local_cloud(request.getfixturevalue("assembly"), tmp_path_factory, {"SFN_WAIT_TIME_SCALE": "0.2"})


def _wait_for(condition, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return value


def settled_outcome(cloud, callback_url: str, timeout: float = 30) -> dict:
    def settled():
        response = cloud.request("GET", callback_url)
        return response.status_code == 200 and response.json()["status"] != "pending" and response.json()
    return _wait_for(settled, timeout)


def test_a_receiver_that_fails_twice_gets_a_verified_event_and_the_outcome_is_its_own_resource(cloud, signing_secret):
    with CallbackReceiver(signing_secret, failures=2) as receiver:
        # Given a user job submitted with a callbackUrl whose receiver answers 503 twice
        email = f"callback-{time.monotonic_ns()}@example.com"
        accepted = cloud.submit("/users", {"name": "Hook", "email": email, "callbackUrl": receiver.url}).json()

        # When the job finishes
        status = cloud.poll(accepted["statusUrl"])
        document = status.json()

        # Then the status links the callback's outcome, which ends delivered on the third attempt
        assert document["callback"] == {"statusUrl": f"/v1/jobs/{accepted['jobId']}/callback"}
        outcome = settled_outcome(cloud, document["callback"]["statusUrl"])
    assert outcome["jobId"] == accepted["jobId"] and outcome["updatedAt"].endswith("Z")
    assert {k: outcome[k] for k in ("status", "attempts", "lastHttpStatus")} == {
        "status": "delivered", "attempts": 3, "lastHttpStatus": 204}
    # And the third, verified delivery announced the result the status redirects to
    assert [d.answered for d in receiver.deliveries] == [503, 503, 204]
    assert all(d.verification_error is None for d in receiver.deliveries)
    event = receiver.deliveries[-1].event
    assert event["type"] == "terminal" and event["jobId"] == accepted["jobId"] and event["status"] == "SUCCEEDED"
    assert event["resultUrl"] == document["resultUrl"] == status.headers["Location"]
    assert event["finishedAt"] == document["finishedAt"]  # one recorded instant, not two computations


def test_a_failed_job_calls_back_with_the_error_its_status_shows(cloud, signing_secret):
    with CallbackReceiver(signing_secret) as receiver:
        accepted = cloud.submit("/searches", {"location": "Atlantis", "pickupAt": "2031-01-01T10:00:00Z",
                                              "dropoffAt": "2031-01-02T10:00:00Z", "callbackUrl": receiver.url}).json()
        document = cloud.poll(accepted["statusUrl"]).json()
        outcome = settled_outcome(cloud, document["callback"]["statusUrl"])
    [delivery] = receiver.deliveries
    assert delivery.verification_error is None and delivery.event["status"] == "FAILED"
    # COMMON D1: the terminal event's error has the same fields and values as the status document's
    assert delivery.event["error"] == document["error"]
    assert document["error"]["field"] == "location"
    assert delivery.event["finishedAt"] == document["finishedAt"]
    assert (outcome["status"], outcome["attempts"], outcome["lastHttpStatus"]) == ("delivered", 1, 204)


def test_a_job_without_callback_has_no_callback_resource(cloud):
    accepted = cloud.submit("/users", {"name": "Plain", "email": f"plain-{time.monotonic_ns()}@example.com"}).json()
    document = cloud.poll(accepted["statusUrl"]).json()
    assert "callback" not in document
    response = cloud.request("GET", f"/v1/jobs/{accepted['jobId']}/callback")
    assert response.status_code == 404 and response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["type"] == "urn:stepgate:problem:not-found"


def test_an_unreachable_receiver_never_holds_the_job(slow_retry_cloud):
    cloud = slow_retry_cloud
    # Given a user job whose callbackUrl has nothing listening (issue 9 §3b: it read RUNNING ~31 s)
    accepted = cloud.submit("/users", {"name": "Nine", "email": f"nine-{time.monotonic_ns()}@example.com",
                                       "callbackUrl": UNREACHABLE}).json()

    # When its result is stored, its status is terminal, while the callback is still being retried
    status = cloud.poll(accepted["statusUrl"])
    assert status.status_code == 303 and status.json()["status"] == "SUCCEEDED"
    callback_url = status.json()["callback"]["statusUrl"]
    early = cloud.request("GET", callback_url)
    assert early.status_code == 404 or early.json()["status"] == "pending", early.text

    # Then a cancel answers 409, consistently with the terminal status
    cancel = cloud.request("DELETE", f"/v1/jobs/{accepted['jobId']}")
    assert cancel.status_code == 409, cancel.text
    assert cancel.json()["type"] == "urn:stepgate:problem:conflict"
    assert cloud.request("GET", accepted["statusUrl"]).json()["status"] == "SUCCEEDED"

    # And the callback resource reads pending, then failed after 6 attempts that never reached the receiver
    # (the retries' waits alone take 6.2 s here: far longer than one poll)
    pending = _wait_for(lambda: (r := cloud.request("GET", callback_url)).status_code == 200 and r)
    assert pending.json()["status"] == "pending" and pending.json()["attempts"] == 0
    assert pending.headers["Retry-After"] == "2"
    outcome = settled_outcome(cloud, callback_url)
    assert (outcome["status"], outcome["attempts"], outcome["lastHttpStatus"]) == ("failed", 6, None)
    assert cloud.request("GET", accepted["statusUrl"]).json()["status"] == "SUCCEEDED"
