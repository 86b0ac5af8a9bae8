"""Business rules beyond the API's JSON schema, per job kind; returns the normalised request."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Protocol

from stepgate_jobs.errors import ValidationError
from stepgate_jobs.fleet import Fleet, load_fleet
from stepgate_jobs.image_format import SIGNATURE_LENGTH, sniff_image_format
from stepgate_jobs.settings import ValidationSettings
from stepgate_jobs.timestamps import parse_aware_datetime

# Clocks differ between client, API Gateway and suppliers by a few minutes at most.
PICKUP_CLOCK_SKEW = timedelta(minutes=5)
MAX_RENTAL = timedelta(days=30)
DEFAULT_MAX_LABELS = 10
DEFAULT_MIN_CONFIDENCE = 55.0
MAX_NAME_LENGTH = 100
# RFC 5321 limits; the syntax is the practical subset that mail providers accept.
MAX_EMAIL_LENGTH = 254
MAX_LOCAL_PART_LENGTH = 64
_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN = re.compile(r"([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


class ImageObjects(Protocol):
    """Read access to uploaded objects, without downloading them whole."""

    def size_of(self, bucket: str, key: str) -> int | None:
        """The object's size in bytes, or None when it does not exist."""

    def first_bytes(self, bucket: str, key: str, count: int) -> bytes: ...


def validate_search(request: dict, submitted_at: datetime, fleet: Fleet | None = None) -> dict:
    fleet = fleet or load_fleet()
    location = fleet.resolve_location(request["location"]) if isinstance(request.get("location"), str) else None
    if location is None:
        raise ValidationError("location", f"unknown location {request.get('location')!r}")
    pickup_at = _required_datetime(request, "pickupAt")
    dropoff_at = _required_datetime(request, "dropoffAt")
    if pickup_at < submitted_at - PICKUP_CLOCK_SKEW:
        raise ValidationError("pickupAt", "must not be in the past")
    if dropoff_at <= pickup_at:
        raise ValidationError("dropoffAt", "must be after pickupAt")
    if dropoff_at - pickup_at > MAX_RENTAL:
        raise ValidationError("dropoffAt", f"rental must not exceed {MAX_RENTAL.days} days")
    car_size = request.get("carSize")
    if car_size is not None and car_size not in fleet.car_sizes:
        raise ValidationError("carSize", f"must be one of {', '.join(fleet.car_sizes)}")
    return {**request, "location": location.code}


def validate_recognition(request: dict, settings: ValidationSettings, objects: ImageObjects) -> dict:
    image = request.get("image")
    if not isinstance(image, dict):
        raise ValidationError("image", "must be an object with bucket and key")
    bucket, key = image.get("bucket"), image.get("key")
    if bucket != settings.uploads_bucket_name:
        raise ValidationError("image.bucket", "must be the uploads bucket returned by PUT /uploads/{name}")
    if not isinstance(key, str) or not key:
        raise ValidationError("image.key", "must be a non-empty string")
    max_labels = _number_in_range(request, "maxLabels", DEFAULT_MAX_LABELS, 1, 100, integer=True)
    min_confidence = _number_in_range(request, "minConfidence", DEFAULT_MIN_CONFIDENCE, 0, 100)

    size = objects.size_of(bucket, key)
    if size is None:
        raise ValidationError("image.key", "no uploaded object with this key")
    if size > settings.max_image_bytes:
        raise ValidationError("image.key", f"image is {size} bytes, larger than the {settings.max_image_bytes} bytes limit")
    if sniff_image_format(objects.first_bytes(bucket, key, SIGNATURE_LENGTH)) is None:
        raise ValidationError("image.key", "must be a PNG or JPEG image")
    return {**request, "maxLabels": max_labels, "minConfidence": min_confidence}


def validate_user(request: dict) -> dict:
    name = request.get("name")
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise ValidationError("name", "must not be blank")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError("name", f"must be at most {MAX_NAME_LENGTH} characters")
    email = request.get("email")
    email = email.strip().lower() if isinstance(email, str) else ""
    if not is_valid_email(email):
        raise ValidationError("email", "must be a valid email address")
    return {**request, "name": name, "email": email}


def is_valid_email(email: str) -> bool:
    local, at, domain = email.rpartition("@")
    return bool(
        at
        and len(email) <= MAX_EMAIL_LENGTH
        and len(local) <= MAX_LOCAL_PART_LENGTH
        and _LOCAL_PART.fullmatch(local)
        and _DOMAIN.fullmatch(domain)
    )


def _required_datetime(request: dict, field: str) -> datetime:
    moment = parse_aware_datetime(request.get(field))
    if moment is None:
        raise ValidationError(field, "must be an ISO 8601 date-time with a timezone, e.g. 2026-12-01T10:00:00Z")
    return moment


def _number_in_range(request: dict, field: str, default: float, low: float, high: float, integer: bool = False):
    value = request.get(field, default)
    # bool is an int in Python, but true is not a label count.
    valid_type = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, valid_type) or not low <= value <= high:
        kind = "an integer" if integer else "a number"
        raise ValidationError(field, f"must be {kind} from {low:g} to {high:g}")
    return value
