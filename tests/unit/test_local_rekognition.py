"""The local DetectLabels: answers depend on the image; bad bytes fail as Rekognition does."""

import io

import pytest
from PIL import Image, ImageDraw

from localcloud.moto_changes.rekognition import LOCAL_MODEL_VERSION, InvalidImageFormatException, detect_labels, simplified_color


def names(response):
    return [label["Name"] for label in response["Labels"]]


def test_response_has_rekognitions_shape_and_local_marker(image_bytes):
    # When a PNG is analysed
    response = detect_labels(image_bytes("PNG", (64, 48), (200, 30, 30)))
    # Then it has DetectLabels' shape and says it was produced locally
    assert response["LabelModelVersion"] == LOCAL_MODEL_VERSION
    label = response["Labels"][0]
    assert set(label) == {"Name", "Confidence", "Instances", "Parents", "Aliases", "Categories"}
    properties = response["ImageProperties"]
    assert set(properties["Quality"]) == {"Brightness", "Sharpness", "Contrast"}
    assert set(properties["DominantColors"][0]) == {"Red", "Green", "Blue", "HexCode", "CSSColor", "SimplifiedColor", "PixelPercent"}
    assert {"Foreground", "Background"} <= set(properties)


@pytest.mark.parametrize(
    "fmt, size, color, expected, absent",
    [
        ("PNG", (64, 48), (200, 30, 30), {"PNG Image", "Red", "Landscape Orientation", "Solid Color"}, {"JPEG Image", "Monochrome"}),
        ("JPEG", (40, 80), (20, 40, 200), {"JPEG Image", "Blue", "Portrait Orientation"}, {"PNG Image", "Bright"}),
        ("PNG", (50, 50), (250, 250, 250), {"Square", "Bright", "Monochrome", "White"}, {"Dark"}),
        ("JPEG", (60, 50), (5, 5, 5), {"Dark", "Black", "Monochrome"}, {"Bright"}),
    ],
)
def test_labels_follow_the_measured_image(image_bytes, fmt, size, color, expected, absent):
    # Given images of different formats, colours and shapes / When analysed
    found = set(names(detect_labels(image_bytes(fmt, size, color))))
    # Then the labels describe what was measured
    assert expected <= found
    assert not absent & found


def test_transparency_is_detected(image_bytes):
    transparent = detect_labels(image_bytes("PNG", (32, 32), (0, 128, 0, 0), mode="RGBA"))
    opaque = detect_labels(image_bytes("PNG", (32, 32), (0, 128, 0, 255), mode="RGBA"))
    assert "Transparent" in names(transparent) and "Transparent" not in names(opaque)


def test_two_colour_picture_reports_both_colours_with_pixel_shares():
    # Given a picture that is three quarters green and one quarter blue
    image = Image.new("RGB", (100, 100), (0, 160, 0))
    ImageDraw.Draw(image).rectangle((0, 0, 99, 24), fill=(0, 0, 230))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    # When analysed
    response = detect_labels(buffer.getvalue(), min_confidence=0)
    shares = {color["SimplifiedColor"]: color["PixelPercent"] for color in response["ImageProperties"]["DominantColors"]}
    # Then both colours appear with their shares, and neither plain-picture label does
    assert shares["green"] == pytest.approx(75, abs=1) and shares["blue"] == pytest.approx(25, abs=1)
    assert {"Green", "Blue"} <= set(names(response)) and "Solid Color" not in names(response)
    assert response["ImageProperties"]["Quality"]["Contrast"] > 10


def test_max_labels_and_min_confidence_are_applied(image_bytes):
    response = detect_labels(image_bytes(), max_labels=2, min_confidence=90)
    confidences = [label["Confidence"] for label in response["Labels"]]
    assert len(confidences) == 2 and min(confidences) >= 90 and confidences == sorted(confidences, reverse=True)


def test_answers_are_deterministic(image_bytes):
    data = image_bytes("JPEG", (120, 90), (30, 120, 200))
    assert detect_labels(data) == detect_labels(data)


@pytest.mark.parametrize("data", [b"", b"hello, not an image", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40])
def test_corrupt_bytes_raise_invalid_image_format(data):
    with pytest.raises(InvalidImageFormatException):
        detect_labels(data)


def test_formats_rekognition_rejects_are_invalid(image_bytes):
    # Given a valid GIF / Then it is rejected, as Rekognition accepts PNG and JPEG only
    with pytest.raises(InvalidImageFormatException):
        detect_labels(image_bytes("GIF", (10, 10), 1, mode="P"))


@pytest.mark.parametrize(
    "rgb, name",
    [((250, 250, 250), "white"), ((10, 10, 10), "black"), ((128, 128, 128), "grey"), ((220, 20, 20), "red"),
     ((250, 140, 0), "orange"), ((240, 230, 20), "yellow"), ((20, 180, 40), "green"), ((20, 40, 220), "blue"),
     ((130, 30, 200), "purple"), ((120, 60, 20), "brown")],
)
def test_simplified_colour_names(rgb, name):
    assert simplified_color(rgb) == name
