"""Verifying Stepgate's signed callbacks (Standard Webhooks, https://www.standardwebhooks.com/), receiver side.

    from stepgate_client.webhooks import WebhookVerificationError, verify

    event = verify(secret, request.headers, raw_body)   # secret: "whsec_..."; raw body bytes, as received

Standard library only, like the signer in the stack (functions/stepgate_webhooks.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping

SECRET_PREFIX = "whsec_"
# The spec's recommended tolerance: a delivery older or newer than this is refused (replay protection).
DEFAULT_TOLERANCE_SECONDS = 5 * 60

__all__ = ["WebhookVerificationError", "verify"]


class WebhookVerificationError(Exception):
    """The delivery is not authentic, or too old or too new to be trusted."""


def _expected_signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        # Unpadded base64 is accepted, as the official Standard Webhooks libraries accept it.
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except ValueError:
        raise ValueError("the webhook secret must be base64, optionally prefixed with whsec_") from None
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(secret: str, headers: Mapping[str, str], body: bytes | str,
           tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS, now: float | None = None) -> dict:
    """The delivered event, once its signature and timestamp are checked; raises WebhookVerificationError."""
    body = body.encode() if isinstance(body, str) else body
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
    expected = _expected_signature(secret, message_id, timestamp, body)
    # Several space-separated signatures may be sent (e.g. during a secret rotation): any may match.
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures.split()):
        raise WebhookVerificationError("no matching signature")
    return json.loads(body)
