"""429 and Retry-After, against a real HTTP server on 127.0.0.1 (the local cloud has no API quotas yet)."""

import asyncio
import time
from email.utils import formatdate

import pytest

from stepgate_client import AsyncStepgate, RetryPolicy, Stepgate, Throttled, User, WaitTimeout
from tests.client.scripted_server import Answer, ScriptedServer

ACCEPTED = Answer(202, {"jobId": "job-1", "status": "RUNNING", "statusUrl": "/v1/jobs/job-1"},
                  {"Location": "/v1/jobs/job-1", "Retry-After": "1"})
RUNNING = Answer(200, {"jobId": "job-1", "kind": "user", "status": "RUNNING", "submittedAt": "2030-01-01T00:00:00Z",
                       "finishedAt": None}, {"Retry-After": "1"})
SUCCEEDED = Answer(303, {"jobId": "job-1", "kind": "user", "status": "SUCCEEDED", "submittedAt": "2030-01-01T00:00:00Z",
                         "finishedAt": "2030-01-01T00:00:01Z", "resultUrl": "/v1/users/u-1", "resultExpiresAt": None},
                   {"Location": "/v1/users/u-1"})
# Evaluated when served.
HTTP_DATE_IN_2_S = lambda: formatdate(time.time() + 2, usegmt=True)  # noqa: E731
USER = Answer(200, {"userId": "u-1", "name": "Ada", "email": "ada@example.com", "createdAt": "2030-01-01T00:00:01Z"})


@pytest.fixture
def server(request):
    scripted = ScriptedServer(request.param)
    yield scripted
    scripted.close()


def _gaps(seen) -> list[float]:
    return [later.at - earlier.at for earlier, later in zip(seen, seen[1:], strict=False)]


@pytest.mark.parametrize("server", [{
    ("POST", "/v1/users"): [Answer.problem(429, "throttled", **{"Retry-After": "1"}),
                            Answer.problem(429, "throttled", **{"Retry-After": "1"}), ACCEPTED],
    ("GET", "/v1/jobs/job-1"): [SUCCEEDED], ("GET", "/v1/users/u-1"): [USER],
}], indirect=True)
def test_a_throttled_submit_waits_retry_after_and_retries_with_the_same_idempotency_key(server):
    # Given an API that answers the submit 429 twice with Retry-After: 1
    with Stepgate(server.base_url, "key") as client:
        # When a user is created
        job = client.create_user("Ada", "ada@example.com")

    # Then the SDK waited at least the second the API asked for each time, and sent one key throughout
    posts = server.requests("POST", "/v1/users")
    assert job.id == "job-1" and len(posts) == 3
    assert all(gap >= 0.95 for gap in _gaps(posts)), _gaps(posts)
    assert len({post.headers["idempotency-key"] for post in posts}) == 1
    assert posts[0].headers["x-api-key"] == "key"


@pytest.mark.parametrize("server", [{
    ("POST", "/v1/users"): [ACCEPTED],
    ("GET", "/v1/jobs/job-1"): [RUNNING, Answer.problem(429, "throttled", **{"Retry-After": HTTP_DATE_IN_2_S}),
                                RUNNING, SUCCEEDED],
    ("GET", "/v1/users/u-1"): [USER],
}], indirect=True)
def test_wait_honours_retry_after_on_running_and_on_429_then_follows_the_303(server):
    with Stepgate(server.base_url, "key") as client:
        job = client.create_user("Ada", "ada@example.com")
        progress = []
        user = job.wait(timeout=30, on_progress=lambda status: progress.append(status.status))

    # Then the result is the typed user from the 303's Location
    assert user == User("u-1", "Ada", "ada@example.com", "2030-01-01T00:00:01Z")
    assert progress == ["RUNNING", "RUNNING", "SUCCEEDED"]
    polls = server.requests("GET", "/v1/jobs/job-1")
    assert len(polls) == 4
    # The first poll waited for the 202's Retry-After, the others for each answer's (an HTTP-date on the 429)
    first_gap = polls[0].at - server.requests("POST", "/v1/users")[0].at
    assert first_gap >= 0.95 and all(gap >= 0.9 for gap in _gaps(polls)), (first_gap, _gaps(polls))
    assert len(server.requests("GET", "/v1/users/u-1")) == 1


@pytest.mark.parametrize("server", [{("POST", "/v1/users"): [Answer.problem(429, "throttled")]}], indirect=True)
def test_a_429_without_retry_after_backs_off_and_is_raised_typed_once_the_retries_are_spent(server):
    policy = RetryPolicy(max_throttled=4, backoff_base=0.05)
    with Stepgate(server.base_url, "key", retry=policy) as client, pytest.raises(Throttled) as raised:
        client.create_user("Ada", "ada@example.com")
    assert raised.value.problem.slug == "throttled" and raised.value.problem.status == 429
    assert len(server.requests("POST", "/v1/users")) == 4


@pytest.mark.parametrize("server", [{
    ("POST", "/v1/users"): [ACCEPTED], ("GET", "/v1/jobs/job-1"): [RUNNING],
}], indirect=True)
def test_wait_gives_up_at_its_timeout_while_the_job_runs(server):
    with Stepgate(server.base_url, "key") as client:
        job = client.create_user("Ada", "ada@example.com")
        started = time.monotonic()
        with pytest.raises(WaitTimeout, match="still RUNNING"):
            job.wait(timeout=1.5)
    assert 1.4 <= time.monotonic() - started < 3


@pytest.mark.parametrize("server", [{
    ("POST", "/v1/users"): [Answer.problem(503, "integration-failure"), ACCEPTED],
    ("GET", "/v1/jobs/job-1"): [Answer.problem(429, "throttled", **{"Retry-After": "1"}), SUCCEEDED],
    ("GET", "/v1/users/u-1"): [USER],
}], indirect=True)
def test_the_async_client_retries_the_same_way(server):
    async def scenario():
        async with AsyncStepgate(server.base_url, "key", retry=RetryPolicy(backoff_base=0.05)) as client:
            job = await client.create_user("Ada", "ada@example.com")
            return await job.wait(timeout=30)

    assert asyncio.run(scenario()).user_id == "u-1"
    posts = server.requests("POST", "/v1/users")
    assert len(posts) == 2 and posts[0].headers["idempotency-key"] == posts[1].headers["idempotency-key"]
    polls = server.requests("GET", "/v1/jobs/job-1")
    assert len(polls) == 2 and polls[1].at - polls[0].at >= 0.95
