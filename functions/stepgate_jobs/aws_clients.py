"""Lazily created boto3 clients, reused across warm invocations.

Clients are cached per (service, region, endpoint, access key): a changed environment, such as
moto's fake credentials in a test or AWS_ENDPOINT_URL in the local cloud, gets a fresh client.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import boto3

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
            client = _clients[key] = boto3.session.Session().client(service)
        return client
