"""Image formats Rekognition accepts, recognised by their magic bytes."""

from __future__ import annotations

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
# Enough leading bytes to tell the formats apart.
SIGNATURE_LENGTH = len(PNG_SIGNATURE)


def sniff_image_format(head: bytes) -> str | None:
    """Returns "PNG" or "JPEG" for the first bytes of a file, or None for anything else."""
    if head.startswith(PNG_SIGNATURE):
        return "PNG"
    if head.startswith(JPEG_SIGNATURE):
        return "JPEG"
    return None
