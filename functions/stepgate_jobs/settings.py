"""Environment settings, parsed on every invocation so a changed variable is never stale."""

from __future__ import annotations

import os
from typing import Self

import pydantic
from pydantic import BaseModel, ConfigDict, Field

# Rekognition's documented limit for images passed as S3 objects.
REKOGNITION_S3_IMAGE_LIMIT = 15 * 1024 * 1024


class ConfigurationError(RuntimeError):
    """The function's environment is missing or has a malformed variable (a deployment bug)."""


class EnvironmentSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    @classmethod
    def from_environ(cls) -> Self:
        try:
            return cls.model_validate(dict(os.environ))
        except pydantic.ValidationError as error:
            # Not a ValidationError: the workflow must not blame the client's request.
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
            raise ConfigurationError(f"{cls.__name__}: {problems}") from None


class CallbackUrlSettings(EnvironmentSettings):
    # Set only by the local cloud's Lambda runtime: callbacks to http://127.0.0.1 (never in AWS).
    allow_loopback_callbacks: bool = Field(alias="STEPGATE_ALLOW_LOOPBACK_CALLBACKS", default=False)


class ValidationSettings(CallbackUrlSettings):
    uploads_bucket_name: str = Field(alias="UPLOADS_BUCKET_NAME", min_length=1)
    max_image_bytes: int = Field(alias="MAX_IMAGE_BYTES", default=REKOGNITION_S3_IMAGE_LIMIT, gt=0)


class ResultSettings(EnvironmentSettings):
    result_ttl_seconds: int = Field(alias="RESULT_TTL_SECONDS", default=86_400, gt=0)


class SearchSettings(ResultSettings):
    search_latency_ms: int = Field(alias="SEARCH_LATENCY_MS", default=0, ge=0)


class UsersSettings(EnvironmentSettings):
    users_table_name: str = Field(alias="USERS_TABLE_NAME", min_length=1)


class OffersReaderSettings(EnvironmentSettings):
    offers_table_name: str = Field(alias="OFFERS_TABLE_NAME", min_length=1)
    # Retry-After on a 429 when DynamoDB throttles the read (cdk.json retryAfterSeconds).
    retry_after_seconds: int = Field(alias="RETRY_AFTER_SECONDS", default=2, gt=0)


class CancelJobSettings(EnvironmentSettings):
    jobs_state_machine_arn: str = Field(alias="JOBS_STATE_MACHINE_ARN", min_length=1)
    offers_table_name: str = Field(alias="OFFERS_TABLE_NAME", min_length=1)
    labels_table_name: str = Field(alias="LABELS_TABLE_NAME", min_length=1)
    users_table_name: str = Field(alias="USERS_TABLE_NAME", min_length=1)
    jobs_table_name: str = Field(alias="JOBS_TABLE_NAME", min_length=1)
    # How long tombstones and the cancellation record are kept (result TTL + the expired-result grace).
    cancellation_retention_seconds: int = Field(alias="CANCELLATION_RETENTION_SECONDS", gt=0)
    # Retry-After on a 429 when Step Functions or DynamoDB throttles the cancel (cdk.json retryAfterSeconds).
    retry_after_seconds: int = Field(alias="RETRY_AFTER_SECONDS", default=2, gt=0)
    # The Delivery workflow: WebSocket subscribers get the ABORTED terminal event (Jobs, stopped, starts none).
    delivery_state_machine_arn: str | None = Field(alias="DELIVERY_STATE_MACHINE_ARN", default=None)


class DeliverCallbackSettings(CallbackUrlSettings):
    callback_secret_arn: str = Field(alias="CALLBACK_SECRET_ARN", min_length=1)
