"""The callback signing secret from Secrets Manager, cached per warm container for a few minutes."""

from __future__ import annotations

import time

from stepgate_jobs.aws_clients import aws_client

CACHE_SECONDS = 300
_cache: dict[str, tuple[float, str]] = {}


def signing_secret(secret_arn: str) -> str:
    cached = _cache.get(secret_arn)
    if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    value = aws_client("secretsmanager").get_secret_value(SecretId=secret_arn)["SecretString"]
    _cache[secret_arn] = (time.monotonic(), value)
    return value
