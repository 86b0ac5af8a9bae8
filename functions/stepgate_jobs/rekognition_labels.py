"""LabelDetector over Amazon Rekognition DetectLabels, with its errors mapped to job errors."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from stepgate_jobs.aws_clients import aws_client
from stepgate_jobs.errors import ImageUnreadable, RekognitionThrottled

# Rekognition's answer for an object it cannot use, and the request field to blame.
_UNREADABLE_IMAGE_ERRORS = {
    "InvalidImageFormatException": ("image.key", "is not a PNG or JPEG image Rekognition can read"),
    "ImageTooLargeException": ("image.key", "is too large for Rekognition"),
    "InvalidS3ObjectException": ("image", "Rekognition cannot read this S3 object"),
}
_THROTTLING_ERRORS = {"ThrottlingException", "ProvisionedThroughputExceededException"}


class RekognitionLabelDetector:
    def detect_labels(self, bucket: str, key: str, max_labels: int, min_confidence: float) -> dict[str, Any]:
        try:
            return aws_client("rekognition").detect_labels(
                Image={"S3Object": {"Bucket": bucket, "Name": key}},
                MaxLabels=max_labels,
                MinConfidence=min_confidence,
                # Image quality and dominant colours are part of the stored result.
                Features=["GENERAL_LABELS", "IMAGE_PROPERTIES"],
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in _UNREADABLE_IMAGE_ERRORS:
                field, detail = _UNREADABLE_IMAGE_ERRORS[code]
                raise ImageUnreadable(f"{detail} ({code})", field) from error
            if code in _THROTTLING_ERRORS:
                raise RekognitionThrottled(f"Rekognition throttled DetectLabels ({code})") from error
            raise
