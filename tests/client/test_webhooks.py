"""stepgate_client.webhooks.verify (the receiver's side), cross-checked with the official `standardwebhooks`.

Both directions: what the official library signs, ours verifies; what the stack's signer
(functions/stepgate_webhooks.py) sends, the official library verifies; both refuse the same tampered deliveries.
"""

import base64
import json
import time
from datetime import datetime, timezone

import pytest
import standardwebhooks

from stepgate_client.webhooks import WebhookVerificationError, verify
from stepgate_webhooks import signed_headers

# The Standard Webhooks specification's reference vector.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
NOW = 1_800_000_000
BODY = json.dumps({"jobId": "j-1", "kind": "search", "status": "SUCCEEDED", "note": "Zoë ✓"}).encode()
SECRETS = [SPEC_SECRET, SPEC_SECRET.removeprefix("whsec_"),
           "whsec_" + base64.b64encode(b"a 31-byte key needs padding!!!").decode().rstrip("=")]


def _official_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    signature = standardwebhooks.Webhook(secret).sign(message_id, datetime.fromtimestamp(timestamp, timezone.utc),
                                                       body.decode())
    return {"webhook-id": message_id, "webhook-timestamp": str(timestamp), "webhook-signature": signature}


def test_the_specification_vector_verifies():
    headers = {"webhook-id": SPEC_ID, "webhook-timestamp": str(SPEC_TIMESTAMP), "webhook-signature": SPEC_SIGNATURE}
    assert verify(SPEC_SECRET, headers, SPEC_BODY, now=SPEC_TIMESTAMP) == {"test": 2432232314}


@pytest.mark.parametrize("secret", SECRETS, ids=["whsec", "bare", "unpadded"])
def test_what_the_official_library_signs_verifies_here(secret):
    headers = _official_headers(secret, "msg_j-1", NOW, BODY)
    assert verify(secret, headers, BODY, now=NOW) == json.loads(BODY)


@pytest.mark.parametrize("secret", SECRETS[:2], ids=["whsec", "bare"])
def test_what_the_stack_signs_verifies_with_the_official_library_and_here(secret):
    # Given a delivery as deliver_callback signs it, now (the official library checks against the real clock)
    now = int(time.time())
    headers = signed_headers(secret, "msg_j-1", BODY, timestamp=now)

    # Then the official library and ours both accept it, with title-cased header names as frameworks pass them
    titled = {name.title(): value for name, value in headers.items()}
    assert standardwebhooks.Webhook(secret).verify(BODY, titled) == json.loads(BODY)
    assert verify(secret, titled, BODY) == json.loads(BODY)


@pytest.mark.parametrize("tamper", ["body", "id", "timestamp", "secret", "signature"])
def test_a_tampered_delivery_is_refused_here_and_by_the_official_library(tamper):
    now = int(time.time())
    headers = signed_headers(SPEC_SECRET, "msg_j-1", BODY, timestamp=now)
    body, secret = BODY, SPEC_SECRET
    if tamper == "body":
        body = BODY.replace(b"SUCCEEDED", b"FAILED")
    elif tamper == "id":
        headers["webhook-id"] = "msg_j-2"
    elif tamper == "timestamp":
        headers["webhook-timestamp"] = str(now + 1)
    elif tamper == "secret":
        secret = "whsec_" + base64.b64encode(b"another key of twenty-four").decode()
    else:
        headers["webhook-signature"] = "v1," + base64.b64encode(b"\0" * 32).decode()
    with pytest.raises(WebhookVerificationError):
        verify(secret, headers, body)
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        standardwebhooks.Webhook(secret).verify(body, headers)


@pytest.mark.parametrize("skew", [-301, 301])
def test_a_delivery_outside_the_five_minute_tolerance_is_refused_by_both(skew):
    now = int(time.time())
    headers = signed_headers(SPEC_SECRET, "msg_j-1", BODY, timestamp=now + skew)
    with pytest.raises(WebhookVerificationError, match="tolerance"):
        verify(SPEC_SECRET, headers, BODY)
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError, match="too (old|new)"):
        standardwebhooks.Webhook(SPEC_SECRET).verify(BODY, headers)


def test_any_of_several_signatures_may_match_during_a_secret_rotation():
    headers = signed_headers(SPEC_SECRET, "msg_j-1", BODY, timestamp=NOW)
    headers["webhook-signature"] = "v1,b2xkIHNpZ25hdHVyZQ== " + headers["webhook-signature"]
    assert verify(SPEC_SECRET, headers, BODY, now=NOW)["jobId"] == "j-1"


def test_missing_headers_are_refused():
    with pytest.raises(WebhookVerificationError, match="missing"):
        verify(SPEC_SECRET, {"webhook-id": "msg_1"}, BODY, now=NOW)
