"""The SDK's pure parts: problem typing, Retry-After, instants, URLs, upload names."""

import pytest

from stepgate_client import errors
from stepgate_client.bodies import OfferFilters, image_file, image_reference, iso_instant
from stepgate_client.models import ImageRef
from stepgate_client.plans import Endpoint
from stepgate_client.retries import parse_retry_after


@pytest.mark.parametrize("status, slug, expected", [
    (400, "validation-error", errors.InvalidRequest), (400, "bad-request", errors.InvalidRequest),
    (413, "payload-too-large", errors.InvalidRequest), (415, "unsupported-media-type", errors.InvalidRequest),
    (403, "forbidden", errors.AuthenticationError), (401, "unauthorized", errors.AuthenticationError),
    (404, "not-found", errors.NotFound), (404, "job-cancelled", errors.JobCancelled),
    (410, "job-cancelled", errors.JobCancelled), (410, "gone", errors.ResultExpired),
    (409, "conflict", errors.Conflict), (409, "idempotency-key-reused", errors.IdempotencyConflict),
    (409, "idempotency-key-expired", errors.IdempotencyConflict), (429, "throttled", errors.Throttled),
    (500, "integration-failure", errors.ServerError), (504, "integration-failure", errors.ServerError),
])
def test_each_problem_type_of_the_readme_table_has_its_error(status, slug, expected):
    problem = errors.Problem.from_json({"type": f"urn:stepgate:problem:{slug}", "title": slug, "status": status,
                                        "detail": "email: is required", "field": "email"})
    error = errors.error_for(problem, status)
    assert type(error) is expected and error.field == "email" and error.problem.slug == slug


@pytest.mark.parametrize("job_status, expected", [("FAILED", errors.JobFailed), ("TIMED_OUT", errors.JobTimedOut),
                                                  ("ABORTED", errors.JobCancelled)])
def test_a_finished_job_s_error_is_typed_by_its_status(job_status, expected):
    assert type(errors.job_error_for(errors.Problem("t", "T", 500), job_status, None)) is expected


def test_retry_after_reads_seconds_and_http_dates():
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("Thu, 01 Jan 2030 00:00:10 GMT", now=1893456000) == 10.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None


@pytest.mark.parametrize("given, sent", [
    ("2030-06-01T10:00Z", "2030-06-01T10:00:00Z"), ("2030-06-01T10:00:00+02:00", "2030-06-01T10:00:00+02:00"),
    ("2030-06-01T10:00", "2030-06-01T10:00:00Z"), ("tomorrow", "tomorrow"),
])
def test_instants_gain_seconds_and_an_offset_and_other_text_is_left_for_the_api_to_refuse(given, sent):
    assert iso_instant(given) == sent


def test_urls_the_api_returns_are_origin_relative_and_paths_stage_relative():
    endpoint = Endpoint("https://abc.execute-api.eu-west-1.amazonaws.com/v1")
    assert endpoint.url("/v1/jobs/x") == "https://abc.execute-api.eu-west-1.amazonaws.com/v1/jobs/x"
    assert endpoint.url("/jobs/x") == "https://abc.execute-api.eu-west-1.amazonaws.com/v1/jobs/x"


def test_upload_names_are_made_safe_and_types_come_from_the_bytes(tmp_path):
    path = tmp_path / "my cat (1).jpg"
    path.write_bytes(b"\x89PNG\r\n\x1a\n rest")
    image = image_file(path)
    assert image.name == "my-cat--1-.jpg" and image.content_type == "image/png"


def test_image_references_name_uploaded_objects():
    assert image_reference("s3://bucket-1/uploads/a/cat.png") == ImageRef("bucket-1", "uploads/a/cat.png")
    assert image_reference({"bucket": "b", "key": "k"}) == ImageRef("b", "k")
    assert image_reference("cat.png") is None
    with pytest.raises(ValueError):
        ImageRef.parse("s3://bucket-only")


def test_offer_filters_become_the_query_parameters():
    assert OfferFilters("suv", 4, None).params() == {"carSize": "suv", "minSupplierRating": 4}
