"""RFC 9457 problem and JSON responses for the API Gateway proxy handlers."""

from __future__ import annotations

import json

PROBLEM_CONTENT_TYPE = "application/problem+json"


def compact_json(body: dict) -> str:
    """Compact, like the mapping templates' bodies: one contract, one shape wherever it is served."""
    return json.dumps(body, separators=(",", ":"))


def problem_response(status: int, slug: str, title: str, detail: str, field: str | None = None) -> dict:
    body = {"type": f"urn:stepgate:problem:{slug}", "title": title, "status": status, "detail": detail}
    if field:
        body["field"] = field
    return {"statusCode": status, "headers": {"Content-Type": PROBLEM_CONTENT_TYPE}, "body": compact_json(body)}


def json_response(status: int, body: dict, headers: dict[str, str] | None = None) -> dict:
    return {"statusCode": status, "headers": {"Content-Type": "application/json", **(headers or {})},
            "body": compact_json(body)}


def throttled_response(retry_after_seconds: int, detail: str) -> dict:
    """429 with Retry-After: an AWS service behind the handler throttled it; the client waits and retries."""
    response = problem_response(429, "throttled", "Too Many Requests", detail)
    response["headers"]["Retry-After"] = str(retry_after_seconds)
    return response
