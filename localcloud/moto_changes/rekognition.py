"""A local Amazon Rekognition DetectLabels whose answer depends on the image.

`detect_labels(image_bytes)` measures the picture with Pillow and answers in DetectLabels'
response shape: `Labels` (Name, Confidence, Instances, Parents, Aliases, Categories),
`ImageProperties` (Quality, DominantColors, Foreground, Background) and `LabelModelVersion`.
The labels describe what can be measured without a model: the file format, orientation,
brightness, dominant colours, monochrome, transparency and a plain (single-colour) picture.

Marker: a locally produced response has `LabelModelVersion` "local-1.0" (Amazon's versions
are plain numbers such as "3.0"). The label worker reports such results with
`source: "local-rekognition"` instead of "amazon-rekognition".

`install_into_moto()` replaces moto's constant DetectLabels answer with this computation on
the object read from moto's S3 backend (or the request's `Image.Bytes`), both for the
in-process `mock_aws` and for a moto server running in this process. Unreadable bytes
answer `InvalidImageFormatException`, a missing bucket or key `InvalidS3ObjectException`,
as Rekognition does.
"""

from __future__ import annotations

import base64
import colorsys
import io
from typing import Any

from PIL import Image, ImageFilter, ImageStat, UnidentifiedImageError

LOCAL_MODEL_VERSION = "local-1.0"
# Rekognition's limits: 15 MB from S3, 5 MB as raw bytes.
MAX_S3_IMAGE_BYTES = 15 * 1024 * 1024
MAX_INLINE_IMAGE_BYTES = 5 * 1024 * 1024
SUPPORTED_FORMATS = {"PNG": "PNG Image", "JPEG": "JPEG Image"}
# Statistics on a small copy are stable enough and keep a 4K photo under ~50 ms.
ANALYSIS_SIZE = (128, 128)
DOMINANT_COLOR_COUNT = 5
VISUAL_CATEGORY = [{"Name": "Colors and Visual Composition"}]
COLOR_PARENT = [{"Name": "Color"}]

# CSS colour keywords used for the nearest-colour name.
CSS_COLORS = {
    "black": (0, 0, 0), "white": (255, 255, 255), "gray": (128, 128, 128), "silver": (192, 192, 192),
    "dimgray": (105, 105, 105), "red": (255, 0, 0), "darkred": (139, 0, 0), "maroon": (128, 0, 0),
    "orange": (255, 165, 0), "darkorange": (255, 140, 0), "gold": (255, 215, 0), "yellow": (255, 255, 0),
    "olive": (128, 128, 0), "lime": (0, 255, 0), "green": (0, 128, 0), "darkgreen": (0, 100, 0),
    "teal": (0, 128, 128), "cyan": (0, 255, 255), "skyblue": (135, 206, 235), "blue": (0, 0, 255),
    "navy": (0, 0, 128), "royalblue": (65, 105, 225), "purple": (128, 0, 128), "violet": (238, 130, 238),
    "magenta": (255, 0, 255), "pink": (255, 192, 203), "hotpink": (255, 105, 180), "brown": (165, 42, 42),
    "chocolate": (210, 105, 30), "tan": (210, 180, 140), "beige": (245, 245, 220),
}


class InvalidImageFormatException(ValueError):
    """The bytes are not a PNG or JPEG image (Rekognition's error of the same name)."""


class ImageTooLargeException(ValueError):
    """The image is larger than Rekognition accepts (Rekognition's error of the same name)."""


class InvalidS3ObjectException(LookupError):
    """The S3 bucket or object does not exist (Rekognition's error of the same name)."""


def detect_labels(image_bytes: bytes, max_labels: int | None = None, min_confidence: float | None = None) -> dict:
    """DetectLabels on raw PNG/JPEG bytes; defaults as Rekognition's (1000 labels, 55%)."""
    image, size = _open_image(image_bytes)
    small = image.copy()
    small.thumbnail(ANALYSIS_SIZE)
    small = small.convert("RGBA")
    rgb = small.convert("RGB")

    quality = _quality(rgb)
    dominant = _dominant_colors(rgb)
    labels = _labels(image.format, size, rgb, small, quality, dominant)
    threshold = 55.0 if min_confidence is None else float(min_confidence)
    limit = 1000 if max_labels is None else int(max_labels)
    labels = sorted((label for label in labels if label["Confidence"] >= threshold), key=lambda label: -label["Confidence"])
    return {
        "Labels": labels[:limit],
        "ImageProperties": {
            "Quality": quality,
            "DominantColors": dominant,
            "Foreground": _region_properties(rgb, center=True),
            "Background": _region_properties(rgb, center=False),
        },
        "LabelModelVersion": LOCAL_MODEL_VERSION,
    }


def _open_image(image_bytes: bytes) -> tuple[Image.Image, tuple[int, int]]:
    """The decoded image (JPEGs decoded at reduced scale) and its full size."""
    try:
        image = Image.open(io.BytesIO(image_bytes))
        if image.format not in SUPPORTED_FORMATS:
            raise InvalidImageFormatException("Request has invalid image format")
        size = image.size
        if image.format == "JPEG":
            # JPEG can decode at 1/2..1/8 scale; statistics need no more.
            image.draft("RGB", (ANALYSIS_SIZE[0] * 2, ANALYSIS_SIZE[1] * 2))
        image.load()
    except InvalidImageFormatException:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise InvalidImageFormatException("Request has invalid image format") from error
    return image, size


def _quality(rgb: Image.Image) -> dict:
    gray = rgb.convert("L")
    stat = ImageStat.Stat(gray)
    return {
        "Brightness": _percent(stat.mean[0] / 255 * 100),
        "Sharpness": _percent(_edge_strength(gray) / 64 * 100),
        "Contrast": _percent(stat.stddev[0] / 127.5 * 100),
    }


def _edge_strength(gray: Image.Image) -> float:
    if gray.width < 3 or gray.height < 3:
        return 0.0
    # The filter sees a fake edge at the border; measure the interior only.
    edges = gray.filter(ImageFilter.FIND_EDGES).crop((1, 1, gray.width - 1, gray.height - 1))
    return ImageStat.Stat(edges).mean[0]


def _dominant_colors(rgb: Image.Image, count: int = DOMINANT_COLOR_COUNT) -> list[dict]:
    palette_image = rgb.quantize(colors=count, method=Image.Quantize.MEDIANCUT)
    palette = palette_image.getpalette() or []
    total = rgb.width * rgb.height
    colors = sorted(palette_image.getcolors() or [], key=lambda pair: (-pair[0], pair[1]))
    return [
        _color_entry(tuple(palette[index * 3 : index * 3 + 3]), pixels / total * 100)
        for pixels, index in colors
    ]


def _color_entry(color: tuple[int, int, int], pixel_percent: float) -> dict:
    red, green, blue = color
    return {
        "Red": red,
        "Green": green,
        "Blue": blue,
        "HexCode": f"#{red:02X}{green:02X}{blue:02X}",
        "CSSColor": _nearest_css_color(color),
        "SimplifiedColor": simplified_color(color),
        "PixelPercent": round(pixel_percent, 3),
    }


def _nearest_css_color(color: tuple[int, int, int]) -> str:
    return min(CSS_COLORS, key=lambda name: sum((a - b) ** 2 for a, b in zip(CSS_COLORS[name], color)))


def simplified_color(color: tuple[int, int, int]) -> str:
    """Rekognition's coarse colour names, from hue, saturation and value."""
    hue, saturation, value = colorsys.rgb_to_hsv(*(channel / 255 for channel in color))
    if value < 0.2:
        return "black"
    if saturation < 0.15:
        return "white" if value > 0.85 else "grey"
    degrees = hue * 360
    if degrees < 15 or degrees >= 340:
        return "pink" if saturation < 0.5 and value > 0.8 else "red"
    if degrees < 40:
        return "brown" if value < 0.6 else "orange"
    if degrees < 70:
        return "yellow"
    if degrees < 165:
        return "green"
    if degrees < 255:
        return "blue"
    if degrees < 290:
        return "purple"
    return "pink"


def _region_properties(rgb: Image.Image, center: bool) -> dict:
    # Cheap stand-in for segmentation: the middle is "foreground", top and bottom "background".
    width, height = rgb.size
    quarter = max(1, height // 4)
    if width < 4 or height < 4:
        region = rgb
    elif center:
        region = rgb.crop((width // 4, quarter, max(width // 4 + 1, 3 * width // 4), max(quarter + 1, height - quarter)))
    else:
        region = Image.new("RGB", (width, 2 * quarter))
        region.paste(rgb.crop((0, 0, width, quarter)), (0, 0))
        region.paste(rgb.crop((0, height - quarter, width, height)), (0, quarter))
    quality = _quality(region)
    return {
        "Quality": {"Brightness": quality["Brightness"], "Sharpness": quality["Sharpness"]},
        "DominantColors": _dominant_colors(region, count=3),
    }


def _labels(fmt: str, size: tuple[int, int], rgb: Image.Image, rgba_small: Image.Image, quality: dict, dominant: list[dict]) -> list[dict]:
    width, height = size
    labels = [_label(SUPPORTED_FORMATS[fmt], 99.9, parents=["File Format"])]

    aspect = width / height
    if abs(aspect - 1) <= 0.02:
        labels.append(_label("Square", 99.0, parents=["Orientation"]))
    elif aspect > 1:
        labels.append(_label("Landscape Orientation", min(99.0, 75 + (aspect - 1) * 50), parents=["Orientation"]))
    else:
        labels.append(_label("Portrait Orientation", min(99.0, 75 + (1 / aspect - 1) * 50), parents=["Orientation"]))

    brightness = quality["Brightness"]
    if brightness >= 70:
        labels.append(_label("Bright", 50 + brightness / 2))
    elif brightness <= 25:
        labels.append(_label("Dark", 100 - brightness))

    saturation = _mean_saturation(rgb)
    if saturation < 0.08:
        labels.append(_label("Monochrome", 99 - saturation * 300))
    if quality["Contrast"] < 3 and len(dominant) >= 1 and dominant[0]["PixelPercent"] > 90:
        labels.append(_label("Solid Color", 95.0, parents=["Color"]))

    seen: set[str] = set()
    for color in dominant:
        name = color["SimplifiedColor"].capitalize()
        if name in seen or color["PixelPercent"] < 5:
            continue
        seen.add(name)
        labels.append(_label(name, 50 + color["PixelPercent"] / 2, parents=["Color"]))

    alpha = rgba_small.getchannel("A")
    transparent_share = sum(count for value, count in enumerate(alpha.histogram()) if value < 255) / (rgba_small.width * rgba_small.height)
    if transparent_share > 0:
        labels.append(_label("Transparent", 60 + transparent_share * 39.9))
    return labels


def _mean_saturation(rgb: Image.Image) -> float:
    return ImageStat.Stat(rgb.convert("HSV").getchannel("S")).mean[0] / 255


def _label(name: str, confidence: float, parents: list[str] | None = None) -> dict:
    return {
        "Name": name,
        "Confidence": _percent(confidence),
        "Instances": [],
        "Parents": [{"Name": parent} for parent in parents or []],
        "Aliases": [],
        "Categories": VISUAL_CATEGORY,
    }


def _percent(value: float) -> float:
    return round(min(100.0, max(0.0, value)), 3)


# moto integration ------------------------------------------------------------------------

_INSTALLED_MARKER = "_stepgate_local_detect_labels"


def install_into_moto() -> None:
    """Makes moto's DetectLabels answer with `detect_labels` on the real object. Idempotent."""
    from moto.rekognition.responses import RekognitionResponse

    if getattr(RekognitionResponse.detect_labels, _INSTALLED_MARKER, False):
        return
    setattr(_moto_detect_labels, _INSTALLED_MARKER, True)
    RekognitionResponse.detect_labels = _moto_detect_labels


def _moto_detect_labels(self: Any) -> str:
    import json

    from moto.core.exceptions import JsonRESTError

    image = self._get_param("Image") or {}
    try:
        image_bytes = _requested_image_bytes(image, self.current_account, self.region)
        response = detect_labels(image_bytes, self._get_param("MaxLabels"), self._get_param("MinConfidence"))
        # As Rekognition: ImageProperties only when the request's Features ask for them.
        features = self._get_param("Features") or ["GENERAL_LABELS"]
        if "IMAGE_PROPERTIES" not in features:
            response.pop("ImageProperties", None)
        if "GENERAL_LABELS" not in features:
            response["Labels"] = []
    except (InvalidImageFormatException, ImageTooLargeException, InvalidS3ObjectException) as error:
        raise JsonRESTError(type(error).__name__, str(error)) from None
    return json.dumps(response)


def _requested_image_bytes(image: dict, account_id: str, region: str) -> bytes:
    if "Bytes" in image:
        data = base64.b64decode(image["Bytes"])
        if len(data) > MAX_INLINE_IMAGE_BYTES:
            raise ImageTooLargeException("Image size is too large.")
        return data
    s3_object = image.get("S3Object") or {}
    data = _read_moto_s3_object(s3_object.get("Bucket"), s3_object.get("Name"), s3_object.get("Version"), account_id, region)
    if len(data) > MAX_S3_IMAGE_BYTES:
        raise ImageTooLargeException("Image size is too large.")
    return data


def _read_moto_s3_object(bucket: str | None, key: str | None, version: str | None, account_id: str, region: str) -> bytes:
    from moto.s3.exceptions import S3ClientError
    from moto.s3.models import s3_backends
    from moto.utilities.utils import get_partition

    message = "Unable to get object metadata from S3. Check object key, region and/or access permissions."
    if not bucket or not key:
        raise InvalidS3ObjectException(message)
    try:
        found = s3_backends[account_id][get_partition(region)].get_object(bucket, key, version_id=version)
    except S3ClientError:
        found = None
    if found is None:
        raise InvalidS3ObjectException(message)
    return found.value
