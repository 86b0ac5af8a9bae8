"""Typed workflow task payloads (ARCHITECTURE.md, "Workflow task payloads")."""

from __future__ import annotations

from typing import Any, Literal, TypeVar

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from stepgate_jobs.errors import ValidationError

Payload = TypeVar("Payload", bound=BaseModel)


class TaskPayload(BaseModel):
    # Unknown fields are kept, so a newer workflow never breaks an older handler.
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    job_id: str = Field(alias="jobId", min_length=1)


class JobPayload(TaskPayload):
    """ValidateJob's input and output."""

    kind: Literal["search", "recognition", "user"]
    submitted_at: str = Field(alias="submittedAt")
    submitted_epoch: int = Field(alias="submittedEpoch")
    request: dict[str, Any]


class SearchTask(TaskPayload):
    request: dict[str, Any]


class ImageReference(BaseModel):
    bucket: str
    key: str


class RecognitionRequest(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    image: ImageReference
    max_labels: int = Field(alias="maxLabels", default=10, ge=1, le=100)
    min_confidence: float = Field(alias="minConfidence", default=55.0, ge=0, le=100)


class DetectLabelsTask(TaskPayload):
    request: RecognitionRequest


class UserRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str
    email: str


class CreateUserTask(TaskPayload):
    submitted_at: str = Field(alias="submittedAt")
    request: UserRequest


def parse_payload(model: type[Payload], event: Any) -> Payload:
    """Parses a task payload; a malformed one fails as ValidationError naming its field."""
    try:
        return model.model_validate(event)
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "payload"
        raise ValidationError(field, first["msg"].lower()) from None


class DeliverCallbackTask(TaskPayload):
    """The Delivery workflow's Callback branch: the job's terminal event and where to POST it."""

    callback_url: str = Field(alias="callbackUrl")
    event: dict[str, Any]
    attempt: int = Field(ge=0)
    max_attempts: int = Field(alias="maxAttempts", ge=1)


class DescribeFailureTask(TaskPayload):
    """Jobs' DescribeFailure: a recorded failure, shaped into Delivery's input."""

    kind: str
    error: str | None = None
    cause: str | None = None
    finished_at: str = Field(alias="finishedAt")
    request: dict[str, Any] = Field(default_factory=dict)
