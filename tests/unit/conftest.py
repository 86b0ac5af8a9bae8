"""Fixtures for domain unit tests: no AWS, no environment."""

import io

import pytest
from PIL import Image


@pytest.fixture
def image_bytes():
    """Encodes a generated image: image_bytes(format, size, colour, mode)."""

    def encode(fmt: str = "PNG", size=(64, 48), color=(200, 30, 30), mode: str = "RGB") -> bytes:
        buffer = io.BytesIO()
        Image.new(mode, size, color).save(buffer, fmt)
        return buffer.getvalue()

    return encode
