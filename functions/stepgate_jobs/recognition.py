"""DetectLabels task: asks a label detector about the uploaded image and shapes the result."""

from __future__ import annotations

from typing import Any, Protocol

from stepgate_jobs.labels import recognition_result
from stepgate_jobs.payloads import RecognitionRequest


class LabelDetector(Protocol):
    """Rekognition's DetectLabels for an S3 object, returning its raw response.

    Raises ImageUnreadable for images it cannot read and RekognitionThrottled when throttled.
    """

    def detect_labels(self, bucket: str, key: str, max_labels: int, min_confidence: float) -> dict[str, Any]: ...


def detect_labels(request: RecognitionRequest, detector: LabelDetector, now_epoch: int, ttl_seconds: int) -> dict:
    response = detector.detect_labels(request.image.bucket, request.image.key, request.max_labels, request.min_confidence)
    return recognition_result(response, request.max_labels, request.min_confidence, now_epoch + ttl_seconds)
