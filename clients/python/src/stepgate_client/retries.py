"""When to try a request again, and how long to wait first: Retry-After, else capped exponential backoff."""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass

# 429 always; 500 on a submit means the job could not be started and its key was released (README, Idempotency keys).
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
# 409 idempotency-key-in-use: a racing retry of the same submit holds the key; the API says when to come back.
KEY_IN_USE = "urn:stepgate:problem:idempotency-key-in-use"


@dataclass(frozen=True)
class RetryPolicy:
    """Transport errors and 5xx are retried `max_attempts` times in all; 429 until `max_throttled` or the deadline."""

    max_attempts: int = 4
    max_throttled: int = 20
    backoff_base: float = 0.25
    backoff_max: float = 30.0
    # Used between polls when the API sends no Retry-After.
    poll_interval: float = 1.0

    def backoff(self, attempt: int) -> float:
        """Full jitter, uniform in [0, min(max, base * 2^attempt)] (AWS Architecture Blog, "Exponential Backoff
        And Jitter")."""
        return random.uniform(0, min(self.backoff_max, self.backoff_base * 2 ** attempt))


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After in seconds: delay-seconds or an HTTP-date (RFC 9110 10.2.3); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
