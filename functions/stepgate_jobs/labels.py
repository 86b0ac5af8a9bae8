"""Post-processing of Rekognition DetectLabels output into Stepgate's label shape."""

from __future__ import annotations

from typing import Any

from stepgate_jobs.timestamps import retention_fields

# A local-cloud DetectLabels marks its output with a LabelModelVersion of "local-<n>".
LOCAL_MODEL_VERSION_PREFIX = "local-"
AMAZON_SOURCE = "amazon-rekognition"
LOCAL_SOURCE = "local-rekognition"


def simplify_labels(rekognition_labels: list[dict[str, Any]], max_labels: int, min_confidence: float) -> list[dict]:
    """Labels at or above min_confidence, most confident first, at most max_labels."""
    labels = [
        {
            "name": label["Name"],
            "confidence": round(float(label.get("Confidence", 0.0)), 2),
            "parents": [parent["Name"] for parent in label.get("Parents", [])],
        }
        for label in rekognition_labels
        if float(label.get("Confidence", 0.0)) >= min_confidence
    ]
    # sorted() is stable, so equal confidences keep Rekognition's order.
    return sorted(labels, key=lambda label: label["confidence"], reverse=True)[:max_labels]


def label_source(response: dict[str, Any]) -> str:
    version = str(response.get("LabelModelVersion", ""))
    return LOCAL_SOURCE if version.startswith(LOCAL_MODEL_VERSION_PREFIX) else AMAZON_SOURCE


def recognition_result(response: dict[str, Any], max_labels: int, min_confidence: float, expires_at: int) -> dict:
    labels = simplify_labels(response.get("Labels", []), max_labels, min_confidence)
    return {
        "labels": labels,
        "imageProperties": response.get("ImageProperties"),
        "labelCount": len(labels),
        **retention_fields(expires_at),
        "source": label_source(response),
    }
