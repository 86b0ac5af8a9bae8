"""Lazily created boto3 clients, reused across warm invocations.

Clients are cached per (service, region, endpoint, access key): a changed environment, such as
moto's fake credentials in a test or AWS_ENDPOINT_URL in the local cloud, gets a fresh client.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import boto3
from botocore.config import Config

# Standard mode, 3 attempts: throttles are retried with jittered backoff yet end well inside a proxy
# Lambda's 10 s timeout, so the handler can still answer 429 (legacy mode's 5 attempts could not).
_RETRIES = Config(retries={"mode": "standard", "max_attempts": 3})

# Every AWS service's "slow down" error code (Step Functions, DynamoDB, Lambda, S3).
THROTTLING_CODES = {"ThrottlingException", "Throttling", "ProvisionedThroughputExceededException",
                    "RequestLimitExceeded", "TooManyRequestsException", "SlowDown"}
_clients: dict[tuple, Any] = {}
_lock = threading.Lock()


def aws_client(service: str) -> Any:
    key = (
        service,
        os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"),
        os.environ.get(f"AWS_ENDPOINT_URL_{service.upper()}") or os.environ.get("AWS_ENDPOINT_URL"),
        os.environ.get("AWS_ACCESS_KEY_ID"),
    )
    with _lock:
        client = _clients.get(key)
        if client is None:
            # boto3 reads AWS_ENDPOINT_URL itself; the key only decides when to rebuild.
            client = _clients[key] = boto3.session.Session().client(service, config=_RETRIES)
        return client


def is_throttling(error: BaseException) -> bool:
    """An AWS call refused for rate (after boto3's own retries): backpressure, not a failure."""
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code") in THROTTLING_CODES
