"""Handlers run in-process with canned events; AWS is moto's in-process mock."""

import io
import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image

# Powertools reads these when the handler module is imported, so set them before any import.
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "stepgate")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Stepgate")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")

EVENTS_DIR = Path(__file__).resolve().parent.parent / "events"
UPLOADS_BUCKET = "stepgate-uploads-test"


@dataclass
class FakeLambdaContext:
    function_name: str = "stepgate-test-function"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:stepgate-test-function"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/stepgate-test-function"
    log_stream_name: str = "2026/11/22/[$LATEST]test"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()


@pytest.fixture
def load_event():
    def load(name: str) -> dict:
        return json.loads((EVENTS_DIR / f"{name}.json").read_text())

    return load


@pytest.fixture
def aws(monkeypatch):
    """moto's in-process AWS, with fake credentials that no real account accepts."""
    from moto import mock_aws

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield


@pytest.fixture
def s3(aws):
    import boto3

    return boto3.client("s3")


@pytest.fixture
def uploads_bucket(s3, monkeypatch) -> str:
    """The uploads bucket's name; the bucket exists in moto and the environment names it."""
    monkeypatch.setenv("UPLOADS_BUCKET_NAME", UPLOADS_BUCKET)
    s3.create_bucket(Bucket=UPLOADS_BUCKET)
    return UPLOADS_BUCKET


@pytest.fixture
def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), (250, 250, 250)).save(buffer, "PNG")
    return buffer.getvalue()
