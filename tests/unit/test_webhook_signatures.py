"""stepgate_webhooks: Standard Webhooks signing and verification, the module receivers vendor."""

import base64
import json

import pytest

from stepgate_webhooks import WebhookVerificationError, signature, signed_headers, verify

# The Standard Webhooks specification's reference vector.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
NOW = 1_800_000_000
BODY = json.dumps({"jobId": "j-1", "kind": "search", "status": "SUCCEEDED"}).encode()


def test_the_signature_matches_the_specification_vector_with_or_without_the_prefix():
    assert signature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE
    assert signature(SPEC_SECRET.removeprefix("whsec_"), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


def test_a_signed_delivery_verifies_and_yields_its_event():
    # Given a delivery signed now
    headers = signed_headers(SPEC_SECRET, "msg_j-1", BODY, timestamp=NOW)

    # Then a receiver with the same secret gets the event, headers matched case-insensitively
    assert verify(SPEC_SECRET, {k.title(): v for k, v in headers.items()}, BODY, now=NOW + 10) == json.loads(BODY)


@pytest.mark.parametrize("tamper", ["body", "id", "timestamp", "secret", "signature"])
def test_any_change_to_a_delivery_is_refused(tamper):
    headers = signed_headers(SPEC_SECRET, "msg_j-1", BODY, timestamp=NOW)
    body, secret = BODY, SPEC_SECRET
    if tamper == "body":
        body = BODY.replace(b"SUCCEEDED", b"FAILED")
    elif tamper == "id":
        headers["webhook-id"] = "msg_j-2"
    elif tamper == "timestamp":
        headers["webhook-timestamp"] = str(NOW + 1)
    elif tamper == "secret":
        secret = "whsec_" + base64.b64encode(b"another key of twenty-four").decode()
    else:
        headers["webhook-signature"] = "v1," + base64.b64encode(b"\0" * 32).decode()
    with pytest.raises(WebhookVerificationError):
        verify(secret, headers, body, now=NOW)


@pytest.mark.parametrize("skew", [-301, 301])
def test_a_delivery_outside_the_timestamp_tolerance_is_refused_as_a_replay(skew):
    headers = signed_headers(SPEC_SECRET, "msg_j-1", BODY, timestamp=NOW)
    with pytest.raises(WebhookVerificationError, match="tolerance"):
        verify(SPEC_SECRET, headers, BODY, now=NOW + skew)


def test_any_of_several_signatures_may_match_during_a_secret_rotation():
    headers = signed_headers(SPEC_SECRET, "msg_j-1", BODY, timestamp=NOW)
    headers["webhook-signature"] = "v1,b2xkIHNpZ25hdHVyZQ== " + headers["webhook-signature"]
    assert verify(SPEC_SECRET, headers, BODY, now=NOW)["jobId"] == "j-1"


def test_missing_headers_are_refused():
    with pytest.raises(WebhookVerificationError, match="missing"):
        verify(SPEC_SECRET, {"webhook-id": "msg_1"}, BODY, now=NOW)
