"""validate_job handler: canned ValidateJob payloads, S3 in moto."""

import pytest

from stepgate_jobs.errors import ValidationError
from validate_job.app import handler

IMAGE_KEY = "uploads/req-1/beach.png"


def test_search_job_comes_back_whole_with_location_code(load_event, lambda_context, monkeypatch):
    # Given a search job naming "new york"
    monkeypatch.setenv("UPLOADS_BUCKET_NAME", "stepgate-uploads-test")
    event = load_event("validate_job_search")
    # When validated
    result = handler(event, lambda_context)
    # Then all five fields come back, the location is the canonical code, and where the terminal event goes
    assert result == {**event, "request": {**event["request"], "location": "JFK"},
                      "callbackUrl": event["request"].get("callbackUrl")}


def test_user_job_is_normalised(load_event, lambda_context, monkeypatch):
    monkeypatch.setenv("UPLOADS_BUCKET_NAME", "stepgate-uploads-test")
    result = handler(load_event("validate_job_user"), lambda_context)
    assert result["request"] == {"name": "Ada Lovelace", "email": "ada.lovelace@example.com"}


def test_search_in_the_past_fails_naming_pickup(load_event, lambda_context, monkeypatch):
    monkeypatch.setenv("UPLOADS_BUCKET_NAME", "stepgate-uploads-test")
    event = load_event("validate_job_search")
    event["request"]["pickupAt"] = "2026-11-01T10:00:00Z"
    # When validated / Then the ASL sees errorType ValidationError and a message starting with the field
    with pytest.raises(ValidationError, match=r"^pickupAt: must not be in the past$"):
        handler(event, lambda_context)


def test_recognition_of_an_uploaded_png_gets_defaults(load_event, lambda_context, s3, uploads_bucket, png_bytes):
    # Given a PNG uploaded to the uploads bucket
    s3.put_object(Bucket=uploads_bucket, Key=IMAGE_KEY, Body=png_bytes)
    # When the recognition job is validated
    result = handler(load_event("validate_job_recognition"), lambda_context)
    # Then Rekognition's defaults are filled in
    assert result["request"] == {"image": {"bucket": uploads_bucket, "key": IMAGE_KEY}, "maxLabels": 10, "minConfidence": 55.0}


@pytest.mark.parametrize(
    "body, max_bytes, message",
    [
        (None, None, r"^image\.key: no uploaded object"),
        (b"%PDF-1.7 definitely not an image", None, r"^image\.key: must be a PNG or JPEG image$"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "100", r"^image\.key: image is 208 bytes, larger than the 100 bytes limit$"),
    ],
)
def test_unusable_uploads_fail_naming_the_key(load_event, lambda_context, s3, uploads_bucket, monkeypatch, body, max_bytes, message):
    # Given a missing, non-image or too large object
    if body is not None:
        s3.put_object(Bucket=uploads_bucket, Key=IMAGE_KEY, Body=body)
    if max_bytes:
        monkeypatch.setenv("MAX_IMAGE_BYTES", max_bytes)
    # When validated / Then the job fails naming image.key
    with pytest.raises(ValidationError, match=message):
        handler(load_event("validate_job_recognition"), lambda_context)


def test_image_outside_the_uploads_bucket_is_rejected(load_event, lambda_context, uploads_bucket):
    event = load_event("validate_job_recognition")
    event["request"]["image"]["bucket"] = "somebody-elses-bucket"
    with pytest.raises(ValidationError, match=r"^image\.bucket: "):
        handler(event, lambda_context)


def test_malformed_payload_names_its_field(lambda_context, monkeypatch):
    monkeypatch.setenv("UPLOADS_BUCKET_NAME", "stepgate-uploads-test")
    with pytest.raises(ValidationError, match=r"^kind: "):
        handler({"jobId": "j", "kind": "fax", "submittedAt": "2026-11-22T07:56:35Z", "submittedEpoch": 1, "request": {}}, lambda_context)
