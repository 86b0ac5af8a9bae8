"""ISO 8601 timestamps as the API exchanges them: always with a timezone."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import formatdate


def parse_aware_datetime(text: object) -> datetime | None:
    """Returns the instant, or None when the text is not ISO 8601 with a timezone."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None and moment.utcoffset() is not None else None


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def epoch_to_iso_utc(epoch_seconds: int | float) -> str:
    return iso_utc(datetime.fromtimestamp(epoch_seconds, tz=timezone.utc))


def epoch_to_http_date(epoch_seconds: int | float) -> str:
    """RFC 9110 IMF-fixdate, as the Expires header wants: `Sun, 22 Nov 2026 08:26:35 GMT`."""
    return formatdate(epoch_seconds, usegmt=True)


def retention_fields(expires_epoch: int) -> dict:
    """A result's expiry in every form its readers need, so no template does date arithmetic.

    `expiresAt` (ISO, the API's type) is served; `expiresEpoch` feeds DynamoDB (TTL, expiry
    filter); `expiresHttpDate` is the result's `Expires` header.
    """
    return {"expiresAt": epoch_to_iso_utc(expires_epoch), "expiresEpoch": expires_epoch,
            "expiresHttpDate": epoch_to_http_date(expires_epoch)}
