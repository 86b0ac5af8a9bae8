"""label_worker handler: DetectLabels against moto with the local Rekognition installed."""

from datetime import datetime
from email.utils import parsedate_to_datetime

import pytest
from botocore.stub import Stubber

from localcloud.moto_changes.rekognition import install_into_moto
from label_worker.app import handler
from stepgate_jobs.aws_clients import aws_client
from stepgate_jobs.errors import ImageUnreadable, RekognitionThrottled

IMAGE_KEY = "uploads/req-1/beach.png"


@pytest.fixture
def local_rekognition(uploads_bucket, monkeypatch):
    install_into_moto()
    monkeypatch.setenv("RESULT_TTL_SECONDS", "600")
    return uploads_bucket


def test_labels_of_a_real_png(load_event, lambda_context, s3, local_rekognition, png_bytes):
    # Given a white PNG in the uploads bucket
    s3.put_object(Bucket=local_rekognition, Key=IMAGE_KEY, Body=png_bytes)
    # When the label worker runs
    result = handler(load_event("label_worker"), lambda_context)
    # Then the labels describe that image, in Stepgate's shape, marked as produced locally
    assert set(result) == {"labels", "imageProperties", "labelCount", "expiresAt", "expiresEpoch", "expiresHttpDate",
                           "source"}
    # One expiry in the three forms its readers need: ISO served, epoch for DynamoDB, HTTP-date for Expires
    expires = datetime.fromisoformat(result["expiresAt"])
    assert result["expiresAt"].endswith("Z") and expires.timestamp() == result["expiresEpoch"]
    assert parsedate_to_datetime(result["expiresHttpDate"]) == expires
    assert result["source"] == "local-rekognition"
    assert {"White", "PNG Image"} <= {label["name"] for label in result["labels"]}
    assert set(result["labels"][0]) == {"name", "confidence", "parents"}
    assert result["labelCount"] == len(result["labels"]) <= 10
    assert all(label["confidence"] >= 55 for label in result["labels"])
    assert result["imageProperties"]["DominantColors"][0]["SimplifiedColor"] == "white"


def test_corrupt_object_is_image_unreadable(load_event, lambda_context, s3, local_rekognition):
    s3.put_object(Bucket=local_rekognition, Key=IMAGE_KEY, Body=b"\x89PNG\r\n\x1a\n truncated")
    with pytest.raises(ImageUnreadable, match=r"^image\.key: .*InvalidImageFormatException"):
        handler(load_event("label_worker"), lambda_context)


def test_missing_object_is_image_unreadable(load_event, lambda_context, local_rekognition):
    with pytest.raises(ImageUnreadable, match=r"^image: .*InvalidS3ObjectException"):
        handler(load_event("label_worker"), lambda_context)


@pytest.mark.parametrize("code", ["ThrottlingException", "ProvisionedThroughputExceededException"])
def test_throttling_is_the_retriable_rekognition_throttled(load_event, lambda_context, local_rekognition, code):
    # Given Rekognition throttles the call
    with Stubber(aws_client("rekognition")) as stub:
        stub.add_client_error("detect_labels", service_error_code=code, http_status_code=400)
        # When the worker runs / Then the error class is the one the workflow retries
        with pytest.raises(RekognitionThrottled):
            handler(load_event("label_worker"), lambda_context)
