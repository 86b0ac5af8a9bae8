"""The SDK's push against the local cloud's WebSocket stage: each kind's wait reaches its typed result from
pushed events, with no status poll; with the cloud's WebSocket refused, the same wait falls back to polling."""

import asyncio
import logging
import uuid
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from PIL import Image

from stepgate_client import AsyncStepgate, JobCancelled, JobFailed, Labels, Offers, PushPolicy, Stepgate, User
from tests.e2e.conftest import _local_cloud
from tests.e2e.test_sdk import cancel_a_running_search

# The cloud's steps post as they start; on a busy machine a step may take a while.
PATIENT = PushPolicy(open_timeout=10, ack_timeout=15, silence_timeout=60)
STEPS = {"validated", "working", "saved"}


def _in_days(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _email() -> str:
    return f"push-{uuid.uuid4().hex[:12]}@example.com"


class CountingTransport(httpx.HTTPTransport):
    """Records each request's method and path, to tell a pushed wait (no status poll) from a polled one."""

    def __init__(self):
        super().__init__()
        self.seen: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.path))
        return super().handle_request(request)

    def status_polls(self, job_id: str) -> int:
        return sum(1 for method, path in self.seen if method == "GET" and path.endswith(f"/jobs/{job_id}"))


@pytest.fixture
def transport():
    return CountingTransport()


@pytest.fixture
def pushing(cloud, transport):
    with Stepgate(cloud.base_url, cloud.api_key, transport=transport, push=True, push_policy=PATIENT) as client:
        yield client


@pytest.fixture
def png(tmp_path):
    path = tmp_path / "push.png"
    Image.new("RGB", (40, 30), (20, 120, 220)).save(path, format="PNG")
    return path


def _submit(client: Stepgate, kind: str, png):
    if kind == "search":
        return client.submit_search("JFK", _in_days(1), _in_days(3))
    if kind == "recognition":
        return client.submit_recognition(png, max_labels=5)
    return client.create_user("Pushed Ada", _email())


@pytest.mark.parametrize(("kind", "result_type"), [("search", Offers), ("recognition", Labels), ("user", User)])
def test_wait_via_push_reaches_the_typed_result_of_each_kind_without_polling(pushing, transport, kind, result_type,
                                                                               png, caplog):
    # Given a job whose 202 offers the WebSocket stage
    job = _submit(pushing, kind, png)
    assert job.submitted.events_url and job.submitted.events_url.startswith(("ws://", "wss://"))

    # When it is waited for
    seen = []
    with caplog.at_level(logging.INFO, "stepgate_client.push"):
        result = job.wait(timeout=120, on_progress=seen.append)

    # Then the steps and the end came over the socket, and the result is the typed document behind resultUrl
    assert isinstance(result, result_type), result
    assert transport.status_polls(job.id) == 0 and "polling instead" not in caplog.text, caplog.text
    assert {status.current_step for status in seen[:-1]} <= STEPS and seen[-1].status == "SUCCEEDED"
    assert all(status.kind == kind and status.job_id == job.id for status in seen)


def test_a_failed_job_raises_its_typed_error_from_the_terminal_event(pushing, transport):
    email = _email()
    pushing.create_user("First", email).wait(timeout=120)
    job = pushing.create_user("Second", email)
    with pytest.raises(JobFailed) as failed:
        job.wait(timeout=120)
    assert failed.value.problem.slug == "user-already-exists" and failed.value.field == "email"
    assert transport.status_polls(job.id) == 0


def test_a_cancelled_job_ends_the_pushed_wait_with_job_cancelled(pushing, transport):
    job, _ = cancel_a_running_search(pushing)
    # The subscribe catches a cancelled job up with its terminal event at once: no status poll.
    with pytest.raises(JobCancelled) as raised:
        job.wait(timeout=120)
    assert raised.value.job.status == "ABORTED" and raised.value.problem.slug == "job-cancelled"
    assert transport.status_polls(job.id) == 0


@pytest.mark.parametrize("kind", ["search", "user"])
def test_waiting_on_a_job_that_already_ended_gets_its_terminal_event_at_once(cloud, pushing, transport, kind, png):
    # Given a job that ended before anyone waited (another client saw it end)
    job = _submit(pushing, kind, png)
    assert cloud.poll(f"/jobs/{job.id}").status_code == 303
    # When the job is waited for, the subscribe answers with its stored terminal event: no status poll
    result = job.wait(timeout=120)
    assert isinstance(result, Offers if kind == "search" else User) and transport.status_polls(job.id) == 0


def test_the_async_client_waits_via_push(cloud, transport):
    async def scenario():
        counting = _AsyncCounting(transport)
        async with AsyncStepgate(cloud.base_url, cloud.api_key, transport=counting, push=True,
                                 push_policy=PATIENT) as client:
            job = await client.create_user("Async Pushed", _email())
            steps = []
            user = await job.wait(timeout=120, on_progress=lambda status: steps.append(status.current_step))
            return job.id, user, steps

    job_id, user, steps = asyncio.run(scenario())
    assert isinstance(user, User) and set(steps[:-1]) <= STEPS and steps[-1] is None
    assert transport.status_polls(job_id) == 0


class _AsyncCounting(httpx.AsyncHTTPTransport):
    def __init__(self, counter: CountingTransport):
        super().__init__()
        self._counter = counter

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._counter.seen.append((request.method, request.url.path))
        return await super().handle_async_request(request)


@pytest.fixture(scope="module")
def cloud_without_websocket(request, tmp_path_factory):
    """A second local cloud whose WebSocket stage is off: the 202 still offers eventsUrl, the handshake is refused."""
    yield from _local_cloud(request.getfixturevalue("assembly"), tmp_path_factory, {"LOCALCLOUD_WEBSOCKET": "off"})


@pytest.mark.local_only("starts a local cloud with its WebSocket stage off")
def test_with_the_clouds_websocket_off_wait_falls_back_to_polling(cloud_without_websocket, caplog):
    transport = CountingTransport()
    with caplog.at_level(logging.INFO, "stepgate_client.push"), \
            Stepgate(cloud_without_websocket.base_url, cloud_without_websocket.api_key, transport=transport,
                     push=True) as client:
        job = client.create_user("Polled Ada", _email())
        user = job.wait(timeout=120)
    # Then the banner said so, the 202 still offered the events URL, its handshake was refused, and polling reached the typed user
    assert job.submitted.events_url and "Connection refused" in caplog.text and "polling instead" in caplog.text, \
        caplog.text
    assert isinstance(user, User) and transport.status_polls(job.id) >= 1
    assert "Events       off (LOCALCLOUD_WEBSOCKET=off" in cloud_without_websocket.log_file.read_text()
