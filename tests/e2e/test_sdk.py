"""The Python SDK (clients/python) against the local cloud: every submit kind, 303 to typed results, cancel,
an idempotent retry after a dropped connection, and each problem type the contract answers."""

import asyncio
import json
import uuid
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from PIL import Image

from stepgate_client import (AsyncStepgate, AuthenticationError, Cancelled, Conflict, IdempotencyConflict, ImageRef,
                             InvalidRequest, Job, JobCancelled, JobFailed, Labels, NotFound, OfferFilters, Offers,
                             ResultExpired, Stepgate, User)


def _in_days(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _email() -> str:
    return f"sdk-{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture
def client(cloud):
    with Stepgate(cloud.base_url, cloud.api_key) as sdk:
        yield sdk


@pytest.fixture
def png(tmp_path):
    path = tmp_path / "red square.png"
    Image.new("RGB", (48, 32), (210, 30, 30)).save(path, format="PNG")
    return path


def test_a_search_waits_through_the_303_to_typed_offers_filtered_at_read_time(client):
    # Given a search submitted with the SDK
    job = client.submit_search("JFK", _in_days(1), _in_days(3))
    assert job.id and job.submitted.status == "RUNNING" and not job.replayed

    # When it is waited for, with progress
    seen = []
    offers = job.wait(timeout=60, on_progress=lambda status: seen.append(status.status))

    # Then the result is the typed offers document, and filters narrow it at read time
    assert isinstance(offers, Offers) and offers.job_id == job.id and offers.offers
    assert seen[-1] == "SUCCEEDED" and set(seen) <= {"RUNNING", "SUCCEEDED"}
    assert {offer.currency for offer in offers.offers} == {"USD"}
    suvs = job.result(OfferFilters(car_size="suv", min_supplier_rating=4))
    assert suvs.offers and all(o.car_size == "suv" and o.supplier_rating >= 4 for o in suvs.offers)
    assert len(suvs.offers) < len(offers.offers)
    status = job.status()
    assert status.status == "SUCCEEDED" and status.result_url == f"/v1/searches/{job.id}/offers"


def test_a_recognition_of_a_local_file_uploads_it_first_then_returns_labels(client, png):
    job = client.submit_recognition(png, max_labels=5)
    labels = job.wait(timeout=60)
    assert isinstance(labels, Labels) and 0 < len(labels.labels) <= 5
    assert labels.source in {"local-rekognition", "amazon-rekognition"} and labels.image_properties


def test_a_recognition_of_an_uploaded_object_by_reference(client, png):
    image = client.upload_image(png)
    assert isinstance(image, ImageRef) and image.key.endswith("/red-square.png")
    labels = client.submit_recognition(f"s3://{image.bucket}/{image.key}").wait(timeout=60)
    assert any(label.name for label in labels.labels)


def test_create_user_returns_the_user_and_a_taken_email_is_a_job_failure_naming_the_field(client):
    email = _email()
    user = client.create_user("Zoë O'Brien", email).wait(timeout=60)
    assert isinstance(user, User) and user.email == email and user.name == "Zoë O'Brien"

    with pytest.raises(JobFailed) as failed:
        client.create_user("Someone else", email).wait(timeout=60)
    assert failed.value.problem.slug == "user-already-exists" and failed.value.field == "email"
    assert failed.value.job.status == "FAILED"


def test_a_business_rule_violation_fails_the_job_with_its_field(client):
    with pytest.raises(JobFailed) as failed:
        client.submit_search("JFK", _in_days(3), _in_days(1)).wait(timeout=60)
    assert failed.value.problem.slug == "validation-error" and failed.value.field == "dropoffAt"
    assert failed.value.problem.status == 422


def test_the_async_client_runs_a_job_to_its_result(cloud):
    async def scenario():
        async with AsyncStepgate(cloud.base_url, cloud.api_key) as sdk:
            job = await sdk.create_user("Async Ada", _email())
            return await job.wait(timeout=60), await job.status()

    user, status = asyncio.run(scenario())
    assert isinstance(user, User) and status.status == "SUCCEEDED" and status.kind == "user"


def cancel_a_running_search(client: Stepgate, attempts: int = 5) -> tuple[Job, Cancelled]:
    """Submits a search (its supplier takes 2 s) and cancels it. On a loaded machine the job may end before the
    DELETE lands (409 Job already finished): that attempt proves nothing, so a new search is tried."""
    for _ in range(attempts):
        job = client.submit_search("LHR", _in_days(1), _in_days(2))
        try:
            return job, job.cancel()
        except Conflict as finished:
            # "already finished: SUCCEEDED", or "has already stored its result" (ended a moment later)
            assert finished.problem.title == "Job already finished", finished.problem
    pytest.fail(f"every one of {attempts} searches finished before its cancel")


def test_cancel_aborts_a_running_search_and_its_result_is_typed_cancelled(client):
    # Given a running search (the simulated supplier takes seconds), when it is cancelled
    job, cancelled = cancel_a_running_search(client)

    # Then the cancel is confirmed, waiting raises JobCancelled, the result URL too, and a second cancel is a no-op
    assert isinstance(cancelled, Cancelled) and cancelled.status == "ABORTED" and cancelled.cancelled_at
    with pytest.raises(JobCancelled) as raised:
        job.wait(timeout=60)
    assert raised.value.problem.slug == "job-cancelled" and raised.value.job.status == "ABORTED"
    assert job.cancel().status == "ABORTED"


def test_cancelling_a_finished_job_is_a_conflict(client):
    job = client.create_user("Done", _email())
    job.wait(timeout=60)
    with pytest.raises(Conflict) as conflict:
        job.cancel()
    assert conflict.value.problem.status == 409 and conflict.value.problem.slug == "conflict"


class DropsFirstAnswer(httpx.BaseTransport):
    """Lets the first POST reach the API, reads its answer, then fails as a dropped connection would."""

    def __init__(self):
        self._inner = httpx.HTTPTransport()
        self.lost: list[dict] = []
        self.keys: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        if request.method == "POST":
            self.keys.append(request.headers["idempotency-key"])
            if not self.lost:
                response.read()
                self.lost.append(json.loads(response.content))
                response.close()
                raise httpx.ReadError("connection reset after the server answered", request=request)
        return response

    def close(self) -> None:
        self._inner.close()


def test_a_submit_whose_answer_was_lost_is_retried_with_its_key_and_makes_no_second_job(cloud):
    # Given a connection that drops the answer of the first POST, after the API has accepted the job
    transport = DropsFirstAnswer()
    email = _email()
    with Stepgate(cloud.base_url, cloud.api_key, transport=transport) as client:
        # When a user is created
        job = client.create_user("Once", email)
        user = job.wait(timeout=60)

    # Then the SDK retried with the same Idempotency-Key, and the API answered the job it had already started
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1]
    assert transport.lost[0]["jobId"] == job.id and job.replayed
    # (a second job with the same email would have ended FAILED with user-already-exists)
    assert user.email == email


def test_the_same_idempotency_key_with_another_body_is_an_idempotency_conflict(client):
    key = str(uuid.uuid4())
    client.create_user("Ada", _email(), idempotency_key=key)
    with pytest.raises(IdempotencyConflict) as conflict:
        client.create_user("Grace", _email(), idempotency_key=key)
    assert conflict.value.problem.slug == "idempotency-key-reused" and conflict.value.field == "Idempotency-Key"


def test_request_problems_are_raised_typed_naming_the_field(cloud, client, tmp_path):
    # 400: a body that breaks the schema (API Gateway's validator names the field at the start of the detail)
    with pytest.raises(InvalidRequest) as invalid:
        client.submit_search("JFK", "tomorrow", _in_days(2))
    assert invalid.value.problem.slug == "validation-error" and invalid.value.problem.detail.startswith("pickupAt:")
    # 403: a wrong key
    with Stepgate(cloud.base_url, "not-the-key") as stranger, pytest.raises(AuthenticationError) as forbidden:
        stranger.job("anything").status()
    assert forbidden.value.problem.status == 403 and forbidden.value.problem.slug == "forbidden"
    # 413: an image over API Gateway's 10 MB payload cap, refused before anything is stored
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(10 * 1024 * 1024))
    with pytest.raises(InvalidRequest) as too_large:
        client.submit_recognition(big)
    assert too_large.value.problem.status == 413 and too_large.value.problem.slug == "payload-too-large"
    # 404: an unknown job, for its status and its cancel alike
    with pytest.raises(NotFound):
        client.job("no-such-job").status()
    with pytest.raises(NotFound):
        client.job("no-such-job").cancel()


def test_a_read_time_filter_out_of_range_is_invalid_naming_its_field(client):
    job = client.submit_search("CDG", _in_days(1), _in_days(2))
    job.wait(timeout=60)
    with pytest.raises(InvalidRequest) as invalid:
        job.result(OfferFilters(min_supplier_rating=9))
    assert invalid.value.field == "minSupplierRating"


@pytest.mark.local_only("moves a result's expiry through the local AWS endpoint")
def test_an_expired_result_is_result_expired(cloud, client, png):
    # Given a finished recognition whose retention is over (expiresAt moved into the past; TTL purges at purgeAt)
    job = client.submit_recognition(png)
    job.wait(timeout=60)
    dynamodb = cloud.aws("dynamodb")
    table = next(name for name in dynamodb.list_tables()["TableNames"] if "LabelsTable" in name)
    past = str(int(datetime.now(timezone.utc).timestamp()) - 1)
    dynamodb.update_item(TableName=table, Key={"jobId": {"S": job.id}}, UpdateExpression="SET expiresAt = :past",
                         ExpressionAttributeValues={":past": {"N": past}})

    # Then reading it raises ResultExpired (410 gone)
    with pytest.raises(ResultExpired) as expired:
        job.result()
    assert expired.value.problem.status == 410 and expired.value.problem.slug == "gone"


class AsyncDropsFirstAnswer(httpx.AsyncBaseTransport):
    """DropsFirstAnswer for the async client."""

    def __init__(self):
        self._inner = httpx.AsyncHTTPTransport()
        self.keys: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if request.method == "POST":
            self.keys.append(request.headers["idempotency-key"])
            if len(self.keys) == 1:
                await response.aread()
                await response.aclose()
                raise httpx.RemoteProtocolError("server disconnected after answering", request=request)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def test_the_async_client_retries_a_lost_answer_into_the_same_job(cloud):
    transport = AsyncDropsFirstAnswer()

    async def scenario():
        async with AsyncStepgate(cloud.base_url, cloud.api_key, transport=transport) as sdk:
            job = await sdk.create_user("Async Once", _email())
            return job, await job.wait(timeout=60)

    job, user = asyncio.run(scenario())
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1]
    assert job.replayed and isinstance(user, User)
