"""Standard Webhooks signatures (https://www.standardwebhooks.com/): how Stepgate signs its job callbacks.

The sender's side only (deliver_callback). Receivers verify with `stepgate_client.webhooks.verify`
(clients/python) or any official Standard Webhooks library; tests cross-check all three.

The secret is `whsec_` followed by base64 of the key (the value kept in Secrets Manager);
it is accepted with or without the prefix.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"

__all__ = ["signature", "signed_headers"]


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
