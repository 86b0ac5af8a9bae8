"""Request bodies and uploads: what the submit methods of both clients send."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from stepgate_client.models import ImageRef

# PUT /uploads/{name} accepts this (api/openapi.yaml); other characters of a file name become '-'.
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")
_IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


@dataclass(frozen=True)
class OfferFilters:
    """The read-time filters of GET /searches/{jobId}/offers."""

    car_size: str | None = None
    min_supplier_rating: float | None = None
    upgrade_class: str | None = None

    def params(self) -> dict[str, Any]:
        return {name: value for name, value in (("carSize", self.car_size),
                ("minSupplierRating", self.min_supplier_rating), ("upgradeClass", self.upgrade_class))
                if value is not None}


def iso_instant(value: datetime | str) -> str:
    """ISO 8601 with seconds and an offset, as the API requires; `2030-06-01T10:00Z` becomes `...T10:00:00Z`.

    Text that is not a date is sent as it is, so the API's validation names the field.
    """
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    text = value.isoformat(timespec="seconds")
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def compact(**fields: Any) -> dict[str, Any]:
    """A JSON body without the optional fields left out (None)."""
    return {name: value for name, value in fields.items() if value is not None}


@dataclass(frozen=True)
class ImageFile:
    name: str
    content: bytes
    content_type: str


def image_file(path: str | os.PathLike) -> ImageFile:
    """A local PNG or JPEG ready for PUT /uploads/{name}; the type comes from its first bytes."""
    path = Path(path)
    content = path.read_bytes()
    content_type = next((kind for magic, kind in _IMAGE_TYPES.items() if content.startswith(magic)), None)
    if content_type is None:
        content_type = "image/jpeg" if path.suffix.lower() in {".jpg", ".jpeg"} else "image/png"
    name = _UNSAFE_NAME.sub("-", path.name).lstrip("._-")[:200] or "image"
    return ImageFile(name, content, content_type)


def image_reference(image: ImageRef | dict | str | os.PathLike) -> ImageRef | None:
    """The ImageRef when `image` already names an uploaded object (ImageRef, mapping, s3://bucket/key), else None."""
    if isinstance(image, ImageRef):
        return image
    if isinstance(image, dict):
        return ImageRef(image["bucket"], image["key"])
    if isinstance(image, str) and image.startswith("s3://"):
        return ImageRef.parse(image)
    return None
