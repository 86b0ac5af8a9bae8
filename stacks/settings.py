"""Deployment knobs read from CDK context (cdk.json, or `-c key=value` on the command line)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Settings only calls node.try_get_context: tests pass a stand-in, without jsii.
    from constructs import Node

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS_DIR = PROJECT_ROOT / "functions"
STATE_MACHINE_FILE = PROJECT_ROOT / "statemachine" / "jobs.asl.json"
ADMISSION_STATE_MACHINE_FILE = PROJECT_ROOT / "statemachine" / "admission.asl.json"
DELIVERY_STATE_MACHINE_FILE = PROJECT_ROOT / "statemachine" / "delivery.asl.json"
OPENAPI_FILE = PROJECT_ROOT / "api" / "openapi.yaml"
WEBSOCKET_API_FILE = PROJECT_ROOT / "api" / "websocket.yaml"
SUBSCRIBE_STATE_MACHINE_FILE = PROJECT_ROOT / "statemachine" / "subscribe.asl.json"


@dataclass(frozen=True)
class Settings:
    stage_name: str
    result_ttl_minutes: int
    expired_result_grace_minutes: int
    idempotency_key_retention_hours: int
    throttle_rate_limit: float
    throttle_burst_limit: int
    quota_per_day: int | None
    retry_after_seconds: int
    search_latency_ms: int
    uploads_expire_days: int
    max_image_bytes: int
    log_retention_days: int
    log_level: str
    manage_api_gateway_account: bool
    # Stage cache TTL of GET /jobs/{jobId}; 0 = no cache cluster (it is billed by the hour).
    status_cache_seconds: int = 0

    @property
    def result_ttl_seconds(self) -> int:
        return self.result_ttl_minutes * 60

    @property
    def expired_result_grace_seconds(self) -> int:
        """How long past its expiry a result item is kept, so its URL answers 410 before 404."""
        return self.expired_result_grace_minutes * 60

    @property
    def idempotency_key_retention_seconds(self) -> int:
        return self.idempotency_key_retention_hours * 3600

    @classmethod
    def from_context(cls, node: Node) -> "Settings":
        def get(key: str, default: Any = None) -> Any:
            value = node.try_get_context(key)
            return default if value is None else value

        # `-c key=value` arrives as a string, cdk.json as JSON: normalise both.
        quota = get("quotaPerDay")
        settings = cls(
            stage_name=str(get("stageName", "v1")),
            result_ttl_minutes=int(get("resultTtlMinutes", 30)),
            expired_result_grace_minutes=int(get("expiredResultGraceMinutes", 1440)),
            idempotency_key_retention_hours=int(get("idempotencyKeyRetentionHours", 24)),
            throttle_rate_limit=float(get("throttleRateLimit", 20)),
            throttle_burst_limit=int(get("throttleBurstLimit", 40)),
            quota_per_day=None if quota in (None, "", "none") else int(quota),
            retry_after_seconds=int(get("retryAfterSeconds", 2)),
            search_latency_ms=int(get("searchLatencyMs", 2000)),
            uploads_expire_days=int(get("uploadsExpireDays", 1)),
            max_image_bytes=int(get("maxImageBytes", 5 * 1024 * 1024)),
            log_retention_days=int(get("logRetentionDays", 30)),
            log_level=str(get("logLevel", "INFO")),
            manage_api_gateway_account=str(get("manageApiGatewayAccount", True)).lower() == "true",
            status_cache_seconds=int(get("statusCacheSeconds", 0)),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        """Fail synthesis on values that would deploy but misbehave."""
        problems = []
        if not self.stage_name.isalnum():
            problems.append("stageName: must be alphanumeric (it is part of every result URL)")
        if self.result_ttl_minutes < 1:
            problems.append("resultTtlMinutes: must be at least 1")
        if self.expired_result_grace_minutes < 1:
            problems.append("expiredResultGraceMinutes: must be at least 1 (expired results answer 410 meanwhile)")
        if not 1 <= self.idempotency_key_retention_hours <= 90 * 24:
            # Step Functions keeps an execution name for 90 days: a key cannot outlive it usefully.
            problems.append("idempotencyKeyRetentionHours: must be between 1 and 2160 (90 days)")
        if self.throttle_rate_limit <= 0 or self.throttle_burst_limit < 1:
            problems.append("throttleRateLimit/throttleBurstLimit: must be positive")
        if self.quota_per_day is not None and self.quota_per_day < 1:
            problems.append("quotaPerDay: must be positive (or omitted for no quota)")
        if self.search_latency_ms < 0 or self.search_latency_ms > 600_000:
            problems.append("searchLatencyMs: must be between 0 and 600000")
        if self.uploads_expire_days < 1:
            problems.append("uploadsExpireDays: must be at least 1 (S3 lifecycle granularity)")
        if not 1 <= self.max_image_bytes <= 15 * 1024 * 1024:
            # Rekognition DetectLabels accepts S3 objects up to 15 MB.
            problems.append("maxImageBytes: must be between 1 and 15728640")
        if not 0 <= self.status_cache_seconds <= 3600:
            # API Gateway's cache TTL is at most 3600 s; 0 turns the cache off.
            problems.append("statusCacheSeconds: must be between 0 (no cache) and 3600")
        if problems:
            raise ValueError("invalid CDK context: " + "; ".join(problems))


# CloudWatch Logs accepts only these retention periods.
_RETENTION_BY_DAYS = {
    1: "ONE_DAY", 3: "THREE_DAYS", 5: "FIVE_DAYS", 7: "ONE_WEEK", 14: "TWO_WEEKS",
    30: "ONE_MONTH", 60: "TWO_MONTHS", 90: "THREE_MONTHS", 120: "FOUR_MONTHS",
    150: "FIVE_MONTHS", 180: "SIX_MONTHS", 365: "ONE_YEAR", 400: "THIRTEEN_MONTHS",
    545: "EIGHTEEN_MONTHS", 731: "TWO_YEARS", 1827: "FIVE_YEARS", 3653: "TEN_YEARS",
}


def log_retention(days: int):
    """The `logs.RetentionDays` member for a day count, or a clear error."""
    from aws_cdk import aws_logs as logs

    try:
        return logs.RetentionDays[_RETENTION_BY_DAYS[days]]
    except KeyError:
        raise ValueError(
            f"logRetentionDays: {days} is not a CloudWatch Logs retention; use one of {sorted(_RETENTION_BY_DAYS)}"
        ) from None
