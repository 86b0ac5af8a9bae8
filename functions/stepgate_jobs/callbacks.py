"""Job callbacks: the terminal event a job POSTs to its `callbackUrl`, and the delivery outcome.

The Delivery workflow (statemachine/delivery.asl.json) runs them apart from the job, so a slow
receiver never holds the job's status.

The workflow retries a delivery with backoff (ASL Retry on CallbackNotDelivered) and gives the task
its attempt number; on the last attempt a failure is returned as an outcome instead of raised, so
the job's own status is never changed by its callback.
"""

from __future__ import annotations

import ipaddress
import json
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from stepgate_jobs.errors import CallbackNotDelivered, ValidationError
from stepgate_jobs.job_problems import FIELD_ERRORS, job_problem

MAX_CALLBACK_URL_LENGTH = 2048
LOOPBACK_HOST = "127.0.0.1"
FIELD_PREFIX = re.compile(r"[^:]+: ", re.DOTALL)


@dataclass(frozen=True)
class CallbackOutcome:
    status: str  # "delivered" | "failed"
    attempts: int
    last_http_status: int | None

    def to_dict(self) -> dict:
        return {"status": self.status, "attempts": self.attempts, "lastHttpStatus": self.last_http_status}


class WebhookSender(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int | None:
        """The HTTP status the receiver answered, or None when it could not be reached."""


def validate_callback_url(url: Any, allow_loopback: bool) -> str:
    """An https URL to a public host (or, in the local cloud, http://127.0.0.1)."""
    if not isinstance(url, str) or len(url) > MAX_CALLBACK_URL_LENGTH:
        raise ValidationError("callbackUrl", f"must be a URL of at most {MAX_CALLBACK_URL_LENGTH} characters")
    if any(ord(character) < 0x20 or ord(character) == 0x7F for character in url):
        raise ValidationError("callbackUrl", "must not contain control characters")
    parts = urllib.parse.urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise ValidationError("callbackUrl", "must not carry credentials")
    loopback = allow_loopback and parts.scheme == "http" and parts.hostname == LOOPBACK_HOST
    if not loopback and (parts.scheme != "https" or not parts.hostname):
        raise ValidationError("callbackUrl", "must be an https URL")
    if not loopback and _is_private_address(parts.hostname):
        raise ValidationError("callbackUrl", "must not address a private, loopback or link-local network")
    return url


def _is_private_address(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host.lower() == "localhost" or host.lower().endswith(".localhost")
    return not address.is_global


def failure_event(job_id: str, kind: str, finished_at: str, error: str | None, cause: str | None) -> dict:
    """The terminal event of a failed job (COMMON D1): the error as the status document shows it."""
    return {"type": "terminal", "jobId": job_id, "kind": kind, "status": "FAILED", "finishedAt": finished_at,
            "error": job_error(error, cause)}


def job_error(error: str | None, cause: str | None) -> dict:
    """The failure as an RFC 9457 problem, as the status template shows it (job_problems.py: the same table)."""
    detail = cause or "The job failed."
    try:
        parsed = json.loads(detail)
        if isinstance(parsed, dict) and isinstance(parsed.get("errorMessage"), str):
            detail = parsed["errorMessage"]
    except ValueError:
        pass
    slug, title, status = job_problem(error)
    problem: dict[str, Any] = {"type": f"urn:stepgate:problem:{slug}", "title": title, "status": status,
                               "detail": detail}
    # A field-bearing error's message starts with the field: "email: ..." (the status template's same rule).
    if error in FIELD_ERRORS and FIELD_PREFIX.match(detail):
        problem["field"] = detail.split(": ", 1)[0]
    return problem


SignFunction = Callable[[str, str, bytes], dict[str, str]]  # (secret, message id, body) -> headers


def deliver_callback(url: str, message_id: str, event: dict, secret: str, sender: WebhookSender,
                     sign: SignFunction, attempt: int, max_attempts: int, allow_loopback: bool) -> CallbackOutcome:
    """POST the signed event once; raise CallbackNotDelivered to be retried while attempts remain."""
    try:
        validate_callback_url(url, allow_loopback)
    except ValidationError:
        return CallbackOutcome("failed", 0, None)  # never contacted: the job's own validation names the URL
    body = json.dumps(event, separators=(",", ":")).encode()
    status = sender.post(url, body, sign(secret, message_id, body))
    attempts = attempt + 1
    if status is not None and 200 <= status < 300:
        return CallbackOutcome("delivered", attempts, status)
    if attempts < max_attempts:
        raise CallbackNotDelivered(f"attempt {attempts} of {max_attempts}: "
                                   + (f"HTTP {status}" if status is not None else "receiver unreachable"))
    return CallbackOutcome("failed", attempts, status)
