"""The stage cache of GET /jobs/{jobId} on a local cloud synthesized with `-c statusCacheSeconds=20`.

DescribeExecution gets a bucket of 3 tokens that never refills (AWS quotas imposed, as in
test_http_throttling.py): without the cache the second status read would already be a 429, so every
poll answered 200 past that proves the cache answered it, not Step Functions. The cache's behaviour is
the developer guide's ("Enabling API caching", see tests/api/test_gateway_stage_cache.py): keyed on the
job id, TTL from the method setting, and a `Cache-Control: max-age=0` from a caller without
execute-api:InvalidateCache (any API-key caller) ignored with a warning, the documented default.
"""

import time

import pytest

from tests.conftest import STATUS_CACHE_SECONDS
from tests.e2e.conftest import _local_cloud

pytestmark = pytest.mark.local_only("starts its own local cloud from the assembly synthesized with the cache on")

SEARCH = {"location": "JFK", "pickupAt": "2030-06-01T10:00:00Z", "dropoffAt": "2030-06-03T10:00:00Z"}
TTL = STATUS_CACHE_SECONDS


@pytest.fixture(scope="module")
def cached_cloud(request, tmp_path_factory):
    env = {"STATUS_CACHE_SECONDS": str(TTL), "LOCALCLOUD_AWS_QUOTAS": "default,states:DescribeExecution=3/0"}
    yield from _local_cloud(request.getfixturevalue("status_cache_assembly"), tmp_path_factory, env)


def wait_until_succeeded(cloud, job_id: str, timeout: float = 60) -> None:
    """Watched through ListExecutions: DescribeExecution's tokens are the test's measure."""
    sfn = cloud.aws("stepfunctions")
    # Jobs is the STANDARD machine (the admission's EXPRESS execution bears the same name and ends at once)
    [jobs] = [m for m in sfn.list_state_machines()["stateMachines"] if m["type"] == "STANDARD"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = sfn.list_executions(stateMachineArn=jobs["stateMachineArn"], statusFilter="SUCCEEDED")
        if any(e["name"] == job_id for e in done["executions"]):
            return
        time.sleep(0.2)
    raise TimeoutError(f"job {job_id} did not succeed in {timeout} s")


def test_polls_within_the_ttl_read_the_cache_and_a_finished_job_shows_after_it(cached_cloud):
    # Given a search (its supplier takes 2 s): the 202 asks for a first poll no sooner than the cache's TTL
    accepted = cached_cloud.submit("/searches", SEARCH)
    assert accepted.status_code == 202, accepted.text
    assert accepted.headers["Retry-After"] == str(TTL)  # a fresh job's wait: max(retryAfterSeconds, TTL, 2 s)
    job_id, status_url = accepted.json()["jobId"], accepted.json()["statusUrl"]

    # When it is polled while running (one DescribeExecution), then polled again and again
    first_sent = time.monotonic()
    first = cached_cloud.request("GET", status_url)
    first_received = time.monotonic()  # the entry was stored before this: it expires before first_received + TTL
    assert first.status_code == 200 and first.json()["status"] == "RUNNING", first.text
    # (more if the poll fell in the next 10-second window of the clock: stacks/polling.py's age tiers)
    assert int(first.headers["Retry-After"]) >= TTL
    repeats = [cached_cloud.request("GET", status_url) for _ in range(5)]
    wait_until_succeeded(cached_cloud, job_id)
    stale = cached_cloud.request("GET", status_url)
    refresh = cached_cloud.request("GET", status_url, headers={"Cache-Control": "max-age=0"})
    if time.monotonic() - first_sent >= TTL:
        pytest.skip(f"the machine took longer than the cache's {TTL} s TTL to run a 2 s search")

    # Then every poll inside the TTL got the cached answer, even after the job ended
    for answer in [*repeats, stale, refresh]:
        assert (answer.status_code, answer.json(), answer.headers["Retry-After"]) == (
            200, first.json(), first.headers["Retry-After"])
    # and the client's max-age=0 was ignored with a warning (an API-key caller cannot InvalidateCache)
    assert refresh.headers["Warning"].startswith("199 ") and "Warning" not in stale.headers

    # When the TTL has passed, the next poll reads DescribeExecution again (the second token): the 303
    time.sleep(max(0.0, first_received + TTL + 0.5 - time.monotonic()))
    done = cached_cloud.request("GET", status_url)
    assert done.status_code == 303 and done.headers["Location"] == f"/v1/searches/{job_id}/offers", (
        done.text, time.monotonic() - first_sent)


def test_each_job_id_has_its_own_entry_and_a_throttled_read_waits_the_ttl(cached_cloud):
    # Given DescribeExecution's tokens (three, never refilled) spent on distinct unknown ids, each a 404
    started = time.monotonic()
    answers = {}
    for n in range(5):
        answers[f"no-such-job-{n}"] = answer = cached_cloud.request("GET", f"/jobs/no-such-job-{n}")
        if answer.status_code != 404:
            break
    # Then the id read once the bucket is empty is throttled, and told to wait no less than the cache's TTL
    assert answer.status_code == 429, answer.text
    assert answer.headers["Retry-After"] == str(TTL)
    # while an id already read is still answered, from its own cache entry, without a token
    again = cached_cloud.request("GET", "/jobs/no-such-job-0")
    if time.monotonic() - started >= TTL:
        pytest.skip(f"the machine took longer than the cache's {TTL} s TTL for a few reads")
    assert (again.status_code, again.json()) == (404, answers["no-such-job-0"].json())
