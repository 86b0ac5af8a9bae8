"""Business rules per job kind, beyond the API's JSON schema."""

from datetime import datetime, timezone

import pytest

from stepgate_jobs.errors import ValidationError
from stepgate_jobs.jobs import validate_job
from stepgate_jobs.payloads import JobPayload
from stepgate_jobs.settings import ValidationSettings
from stepgate_jobs.validation import is_valid_email, validate_recognition, validate_search, validate_user

SUBMITTED = datetime(2026, 11, 22, 7, 56, 35, tzinfo=timezone.utc)
SEARCH = {"location": "Paris", "pickupAt": "2026-12-01T10:00:00+01:00", "dropoffAt": "2026-12-03T10:00:00+01:00"}
BUCKET = "stepgate-uploads-test"
SETTINGS = ValidationSettings(UPLOADS_BUCKET_NAME=BUCKET, MAX_IMAGE_BYTES=1000)
PNG_HEAD = b"\x89PNG\r\n\x1a\n"


def raises_for(field, call, *args):
    with pytest.raises(ValidationError) as raised:
        call(*args)
    assert raised.value.field == field
    assert str(raised.value).startswith(f"{field}: ")
    return raised.value


def test_valid_search_is_normalised_to_the_location_code():
    # Given a search naming a city / When validated / Then the location is the canonical code, other fields kept
    assert validate_search(SEARCH, SUBMITTED) == {**SEARCH, "location": "CDG"}


@pytest.mark.parametrize(
    "change, field",
    [
        ({"location": "Atlantis"}, "location"),
        ({"pickupAt": "2026-12-01T10:00:00"}, "pickupAt"),  # no timezone
        ({"pickupAt": "next tuesday"}, "pickupAt"),
        ({"dropoffAt": "2026-13-01T10:00:00Z"}, "dropoffAt"),
        ({"pickupAt": "2026-11-22T07:50:00Z"}, "pickupAt"),  # 6.5 minutes before submission
        ({"dropoffAt": "2026-12-01T10:00:00+01:00"}, "dropoffAt"),  # equal to pickup
        ({"dropoffAt": "2026-12-31T10:00:01+01:00"}, "dropoffAt"),  # 30 days and a second
        ({"carSize": "tank"}, "carSize"),
    ],
)
def test_search_rule_violations_name_the_field(change, field):
    raises_for(field, validate_search, {**SEARCH, **change}, SUBMITTED)


def test_search_allows_clock_skew_and_thirty_days():
    # Given a pickup 4 minutes before submission and a 30-day rental
    request = {**SEARCH, "pickupAt": "2026-11-22T07:52:35Z", "dropoffAt": "2026-12-22T07:52:35Z"}
    # Then it is valid
    assert validate_search(request, SUBMITTED)["location"] == "CDG"


def test_dropoff_before_pickup_message():
    error = raises_for("dropoffAt", validate_search, {**SEARCH, "dropoffAt": "2026-11-30T10:00:00Z"}, SUBMITTED)
    assert str(error) == "dropoffAt: must be after pickupAt"


class FakeObjects:
    def __init__(self, size=None, head=PNG_HEAD):
        self.size, self.head, self.ranges = size, head, []

    def size_of(self, bucket, key):
        return self.size

    def first_bytes(self, bucket, key, count):
        self.ranges.append(count)
        return self.head[:count]


def recognition(**overrides):
    return {"image": {"bucket": BUCKET, "key": "uploads/r/cat.png"}, **overrides}


def test_valid_recognition_gets_defaults_and_reads_only_the_signature():
    objects = FakeObjects(size=500)
    # When a recognition without options is validated
    result = validate_recognition(recognition(), SETTINGS, objects)
    # Then Rekognition's defaults are filled in, and only the first bytes were read
    assert (result["maxLabels"], result["minConfidence"]) == (10, 55.0)
    assert objects.ranges == [8]


def test_jpeg_signature_is_accepted():
    assert validate_recognition(recognition(maxLabels=3), SETTINGS, FakeObjects(500, b"\xff\xd8\xff\xe0\x00\x10JF"))["maxLabels"] == 3


@pytest.mark.parametrize(
    "request_body, objects, field",
    [
        (recognition(image={"bucket": "someone-elses-bucket", "key": "x.png"}), FakeObjects(500), "image.bucket"),
        (recognition(), FakeObjects(None), "image.key"),
        (recognition(), FakeObjects(1001), "image.key"),
        (recognition(), FakeObjects(500, b"GIF89a\x01\x00"), "image.key"),
        (recognition(maxLabels=0), FakeObjects(500), "maxLabels"),
        (recognition(maxLabels=101), FakeObjects(500), "maxLabels"),
        (recognition(maxLabels=True), FakeObjects(500), "maxLabels"),
        (recognition(minConfidence=100.5), FakeObjects(500), "minConfidence"),
        (recognition(minConfidence=-1), FakeObjects(500), "minConfidence"),
    ],
)
def test_recognition_rule_violations_name_the_field(request_body, objects, field):
    raises_for(field, validate_recognition, request_body, SETTINGS, objects)


def test_user_is_trimmed_and_lower_cased():
    assert validate_user({"name": "  Grace Hopper ", "email": " Grace@Navy.MIL "}) == {"name": "Grace Hopper", "email": "grace@navy.mil"}


@pytest.mark.parametrize(
    "request_body, field",
    [
        ({"name": "   ", "email": "a@example.com"}, "name"),
        ({"name": "x" * 101, "email": "a@example.com"}, "name"),
        ({"name": "Ada", "email": "not-an-email"}, "email"),
    ],
)
def test_user_rule_violations_name_the_field(request_body, field):
    raises_for(field, validate_user, request_body)


@pytest.mark.parametrize(
    "email, valid",
    [
        ("ada@example.com", True), ("first.last+tag@sub.example.co.uk", True), ("o'brien@example.ie", True),
        ("a@b", False), ("a@@example.com", False), ("a..b@example.com", False), (".a@example.com", False),
        ("a@-example.com", False), ("a@example.c", False), ("a b@example.com", False), ("@example.com", False),
        ("x" * 65 + "@example.com", False), ("a@" + "b" * 250 + ".com", False),
    ],
)
def test_email_syntax(email, valid):
    assert is_valid_email(email) is valid


def test_validate_job_returns_the_job_with_normalised_request_and_its_callback_url():
    job = JobPayload.model_validate(
        {"jobId": "j-1", "kind": "user", "submittedAt": "2026-11-22T07:56:35Z", "submittedEpoch": 1795334195,
         "request": {"name": "Ada ", "email": "ADA@EXAMPLE.COM"}}
    )
    # When validated / Then the job comes back whole, with its request normalised
    assert validate_job(job, SETTINGS, FakeObjects()) == {
        "jobId": "j-1", "kind": "user", "submittedAt": "2026-11-22T07:56:35Z", "submittedEpoch": 1795334195,
        "request": {"name": "Ada", "email": "ada@example.com"}, "callbackUrl": None,
    }
