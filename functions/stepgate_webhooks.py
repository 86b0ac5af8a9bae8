"""Standard Webhooks signatures (https://www.standardwebhooks.com/), for Stepgate and its receivers.

Stepgate signs every job callback with this module; a receiver verifies with the same module.
It depends on the standard library only: copy this one file into your receiver.

    from stepgate_webhooks import WebhookVerificationError, verify

    try:
        event = verify(secret, request.headers, request.body)  # bytes, exactly as received
    except WebhookVerificationError:
        return 400

The secret is `whsec_` followed by base64 of the key (the value kept in Secrets Manager);
`sign` and `verify` accept it with or without the prefix.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping

SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"
# The spec's recommended tolerance: a delivery older or newer than this is refused (replay protection).
DEFAULT_TOLERANCE_SECONDS = 5 * 60

__all__ = ["WebhookVerificationError", "signature", "signed_headers", "verify"]


class WebhookVerificationError(Exception):
    """The delivery is not authentic, or too old or too new to be trusted."""


def _key(secret: str) -> bytes:
    encoded = secret[len(SECRET_PREFIX):] if secret.startswith(SECRET_PREFIX) else secret
    try:
        return base64.b64decode(encoded, validate=True)
    except ValueError:
        raise ValueError("the webhook secret must be base64, optionally prefixed with whsec_") from None


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`."""
    signed_content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed_content, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode()}"


def signed_headers(secret: str, message_id: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The three headers a delivery carries (plus its JSON content type)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }


def verify(secret: str, headers: Mapping[str, str], body: bytes,
           tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS, now: float | None = None) -> dict:
    """The delivered event, once its signature and timestamp are checked; raises WebhookVerificationError."""
    lowered = {name.lower(): value for name, value in headers.items()}
    message_id = lowered.get("webhook-id")
    raw_timestamp = lowered.get("webhook-timestamp")
    signatures = lowered.get("webhook-signature")
    if not (message_id and raw_timestamp and signatures):
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature header")
    try:
        timestamp = int(raw_timestamp)
    except ValueError:
        raise WebhookVerificationError("webhook-timestamp is not an integer") from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance_seconds:
        raise WebhookVerificationError("webhook-timestamp is outside the tolerance")
    expected = signature(secret, message_id, timestamp, body)
    # Several space-separated signatures may be sent (e.g. during a secret rotation): any may match.
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures.split()):
        raise WebhookVerificationError("no matching signature")
    return json.loads(body)
