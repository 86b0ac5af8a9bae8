"""Typed documents of the HTTP contract (README "The HTTP contract", api/openapi.yaml); `raw` keeps the JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stepgate_client.errors import Problem

TERMINAL = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"})


@dataclass(frozen=True)
class ImageRef:
    """An uploaded object, as PUT /uploads/{name} answers it and POST /recognitions takes it."""

    bucket: str
    key: str

    @classmethod
    def parse(cls, text: str) -> "ImageRef":
        """`s3://bucket/key`."""
        bucket, _, key = text.removeprefix("s3://").partition("/")
        if not text.startswith("s3://") or not bucket or not key:
            raise ValueError(f"an image reference is s3://bucket/key, not {text!r}")
        return cls(bucket, key)

    def to_json(self) -> dict[str, str]:
        return {"bucket": self.bucket, "key": self.key}


@dataclass(frozen=True)
class JobStatus:
    """GET /jobs/{jobId}: 200 while running or after a failure, 303 (with `result_url`) on success.

    Push's progress and terminal events carry the same fields (and `step`), so they parse into it too.
    """

    job_id: str
    kind: str
    status: str
    submitted_at: str | None = None
    finished_at: str | None = None
    result_url: str | None = None
    result_expires_at: str | None = None
    error: Problem | None = None
    # {"statusUrl": "/v1/jobs/<id>/callback"} for a job submitted with a callbackUrl: the outcome is read there.
    callback: dict[str, Any] | None = None
    # The WebSocket stage that pushes this job's events, when the server offers push.
    events_url: str | None = None
    # The step a progress event reported (validated, working, saved); polling does not report steps.
    step: str | None = None
    # Seconds the server asked to wait before the next poll (Retry-After), if it said.
    retry_after: float | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def done(self) -> bool:
        return self.status in TERMINAL

    @property
    def current_step(self) -> str | None:
        """The step the job is in, known from push's progress events (the status document has none)."""
        return self.step

    @classmethod
    def from_json(cls, body: dict[str, Any], retry_after: float | None = None) -> "JobStatus":
        error = body.get("error")
        return cls(job_id=body["jobId"], kind=body.get("kind", ""), status=body["status"],
                   submitted_at=body.get("submittedAt"), finished_at=body.get("finishedAt"),
                   result_url=body.get("resultUrl"), result_expires_at=body.get("resultExpiresAt"),
                   error=Problem.from_json(error) if isinstance(error, dict) else None,
                   callback=body.get("callback"), events_url=body.get("eventsUrl"), step=body.get("step"),
                   retry_after=retry_after, raw=body)


@dataclass(frozen=True)
class Offer:
    supplier: str
    supplier_rating: float
    car_size: str
    upgrade_class: str
    daily_price: float
    total_price: float
    currency: str
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> "Offer":
        return cls(supplier=body["supplier"], supplier_rating=body["supplierRating"], car_size=body["carSize"],
                   upgrade_class=body["upgradeClass"], daily_price=body["dailyPrice"],
                   total_price=body["totalPrice"], currency=body["currency"], raw=body)


@dataclass(frozen=True)
class Offers:
    """GET /searches/{jobId}/offers, after the read-time filters."""

    job_id: str
    offers: list[Offer]
    expires_at: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> "Offers":
        return cls(job_id=body["jobId"], offers=[Offer.from_json(o) for o in body["offers"]],
                   expires_at=body.get("expiresAt"), raw=body)


@dataclass(frozen=True)
class Label:
    name: str
    confidence: float
    parents: list[str]

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> "Label":
        return cls(name=body["name"], confidence=body["confidence"], parents=list(body.get("parents", [])))


@dataclass(frozen=True)
class Labels:
    """GET /recognitions/{jobId}/labels."""

    labels: list[Label]
    image_properties: dict[str, Any] | None
    source: str
    expires_at: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> "Labels":
        return cls(labels=[Label.from_json(label) for label in body["labels"]],
                   image_properties=body.get("imageProperties"), source=body.get("source", ""),
                   expires_at=body.get("expiresAt"), raw=body)


@dataclass(frozen=True)
class User:
    """GET /users/{userId}."""

    user_id: str
    name: str
    email: str
    created_at: str
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> "User":
        return cls(user_id=body["userId"], name=body["name"], email=body["email"],
                   created_at=body["createdAt"], raw=body)


@dataclass(frozen=True)
class Cancelled:
    """DELETE /jobs/{jobId}: 202."""

    job_id: str
    status: str
    cancelled_at: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> "Cancelled":
        return cls(job_id=body["jobId"], status=body["status"], cancelled_at=body.get("cancelledAt"), raw=body)


RESULT_TYPES: dict[str, type] = {"search": Offers, "recognition": Labels, "user": User}
Result = Offers | Labels | User
