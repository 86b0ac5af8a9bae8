"""AWS's default API quotas, opt-in: token buckets (and Lambda's concurrency) in front of moto's actions.

moto never throttles, so without this a deployed stack's first busy day is the first time the API
meets ThrottlingException. `LOCALCLOUD_AWS_QUOTAS=default` imposes AWS's default quotas for
us-east-1, us-west-2 and eu-west-1; `,service:Action=bucket/refill` entries add or override
one (`states:DescribeExecution=3/0.1`, `dynamodb:GetItem=2/0.01`), `lambda:concurrency=n` Lambda's
account concurrency. A throttled call is answered as AWS answers it (HTTP 400 ThrottlingException
for Step Functions, DynamoDB's ThrottlingException, Lambda's 429 TooManyRequestsException), on
every path into moto: the gateway's integrations, Lambda handlers and the workflows' own tasks.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from dataclasses import dataclass, field

from moto.core.responses import BaseResponse

# Step Functions API action throttling quotas (bucket, refill per second), the large regions' column:
# https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html#service-limits-api-action-throttling-general
# Lambda's default concurrent executions per account and region (1,000):
# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
DEFAULT_BUCKETS = {
    "states:StartExecution": (1300, 300.0),
    "states:DescribeExecution": (300, 15.0),
    "states:StopExecution": (1000, 200.0),
}
DEFAULT_LAMBDA_CONCURRENCY = 1000
ENVIRONMENT_VARIABLE = "LOCALCLOUD_AWS_QUOTAS"
# Quotas are named by IAM's service prefixes; moto names some services otherwise.
_IAM_PREFIX = {"stepfunctions": "states"}


class TokenBucket:
    def __init__(self, capacity: int, refill_per_second: float, clock=time.monotonic):
        self.capacity, self.refill_per_second, self._clock = capacity, refill_per_second, clock
        self._tokens, self._at = float(capacity), clock()
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._at) * self.refill_per_second)
            self._at = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True


@dataclass
class Quotas:
    buckets: dict[str, TokenBucket] = field(default_factory=dict)
    lambda_concurrency: int | None = None
    _in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allows(self, operation: str) -> bool:
        bucket = self.buckets.get(operation)
        return bucket is None or bucket.take()

    def enter_lambda(self) -> bool:
        with self._lock:
            if self.lambda_concurrency is not None and self._in_flight >= self.lambda_concurrency:
                return False
            self._in_flight += 1
            return True

    def leave_lambda(self) -> None:
        with self._lock:
            self._in_flight -= 1


def parse_quotas(text: str | None) -> Quotas | None:
    """`default[,service:Action=bucket/refill][,lambda:concurrency=n]`; empty or `off`: no quotas."""
    entries = [entry.strip() for entry in (text or "").split(",") if entry.strip()]
    if not entries or entries == ["off"]:
        return None
    limits: dict[str, tuple[int, float]] = {}
    concurrency = None
    for entry in entries:
        if entry == "default":
            limits.update(DEFAULT_BUCKETS)
            concurrency = concurrency or DEFAULT_LAMBDA_CONCURRENCY
            continue
        name, _, value = entry.partition("=")
        if name == "lambda:concurrency":
            concurrency = int(value)
            continue
        capacity, slash, refill = value.partition("/")
        if ":" not in name or not slash:
            raise ValueError(f"{ENVIRONMENT_VARIABLE}: {entry!r} is not default, service:Action=bucket/refill "
                             "or lambda:concurrency=n")
        limits[name] = (int(capacity), float(refill))
    return Quotas({name: TokenBucket(*limit) for name, limit in limits.items()}, concurrency)


_ORIGINAL_CALL_ACTION = BaseResponse.call_action
_quotas: Quotas | None = None


def _throttled(service: str) -> tuple[int, dict, str]:
    # Every AWS answer carries a request id (Step Functions' task errors quote it in their cause).
    headers = {"x-amzn-RequestId": str(uuid.uuid4())}
    if service == "lambda":
        body = {"Type": "User", "message": "Rate Exceeded.", "Reason": "ConcurrentInvocationLimitExceeded"}
        headers.update({"x-amzn-ErrorType": "TooManyRequestsException", "Content-Type": "application/json"})
        return 429, headers, json.dumps(body)
    error_type = "com.amazonaws.dynamodb.v20120810#ThrottlingException" if service == "dynamodb" else "ThrottlingException"
    headers["Content-Type"] = "application/x-amz-json-1.0"
    return 400, headers, json.dumps({"__type": error_type, "message": "Rate exceeded"})


def _call_action_within_quotas(self: BaseResponse):
    quotas = _quotas
    if quotas is None:
        return _ORIGINAL_CALL_ACTION(self)
    service = _IAM_PREFIX.get(self.boto3_service_name, self.boto3_service_name)
    if not quotas.allows(f"{service}:{self._get_action()}"):
        return _throttled(service)
    if service != "lambda" or self._get_action() != "Invoke":
        return _ORIGINAL_CALL_ACTION(self)
    if not quotas.enter_lambda():
        return _throttled(service)
    try:
        return _ORIGINAL_CALL_ACTION(self)
    finally:
        quotas.leave_lambda()


def install_api_quotas(text: str | None = None) -> Quotas | None:
    """Installs the quotas `text` (default: the environment variable) names; returns them (None: off)."""
    global _quotas
    _quotas = parse_quotas(os.environ.get(ENVIRONMENT_VARIABLE) if text is None else text)
    BaseResponse.call_action = _call_action_within_quotas
    return _quotas


def uninstall_api_quotas() -> None:
    global _quotas
    _quotas = None
    BaseResponse.call_action = _ORIGINAL_CALL_ACTION
