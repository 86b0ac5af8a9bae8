"""The SDK against a local cloud that throttles DescribeExecution as AWS does: it backs off on the 429s
and still reaches the typed result.

The cloud imposes AWS's default quotas (LOCALCLOUD_AWS_QUOTAS=default) with a DescribeExecution bucket of
one request refilled every twenty seconds; the test spends that request itself just before the SDK waits, so
the SDK's first status reads are throttled whatever Retry-After the running job was given.
"""

import time
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from stepgate_client import Offers, Stepgate
from tests.e2e.conftest import _local_cloud

pytestmark = pytest.mark.local_only("starts its own local cloud with AWS quotas imposed")

QUOTAS = "default,states:DescribeExecution=1/0.05"


@pytest.fixture(scope="module")
def throttling_cloud(request, tmp_path_factory):
    yield from _local_cloud(request.getfixturevalue("assembly"), tmp_path_factory, {"LOCALCLOUD_AWS_QUOTAS": QUOTAS})


class RecordingTransport(httpx.HTTPTransport):
    """Notes each answer's status and when it came, as the SDK saw it."""

    def __init__(self):
        super().__init__()
        self.answers: list[tuple[str, int, float, str | None]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self.answers.append((request.url.path, response.status_code, time.monotonic(),
                             response.headers.get("retry-after")))
        return response


def _in_days(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_wait_backs_off_on_throttled_status_reads_and_reaches_the_offers(throttling_cloud):
    # Given a search submitted through the SDK to a cloud that throttles DescribeExecution
    transport = RecordingTransport()
    # Polling is what is under test (push would skip the status reads).
    with Stepgate(throttling_cloud.base_url, throttling_cloud.api_key, transport=transport, push=False) as client:
        job = client.submit_search("JFK", _in_days(1), _in_days(3))
        # (the bucket's one request, spent here: the SDK's next status read finds it empty)
        throttling_cloud.request("GET", f"/jobs/{job.id}")

        # When it is waited for
        offers = job.wait(timeout=120)

    # Then the status reads met 429s with Retry-After, and the SDK waited at least that long after each
    status_reads = [answer for answer in transport.answers if answer[0].endswith(f"/jobs/{job.id}")]
    throttled = [i for i, (_, status, _, _) in enumerate(status_reads) if status == 429]
    assert throttled, f"no status read was throttled: {status_reads}"
    for i in throttled:
        _, _, at, retry_after = status_reads[i]
        assert retry_after == "2"
        assert status_reads[i + 1][2] - at >= 1.9
    # And the job still ended in its typed result, with no 5xx on the way
    assert isinstance(offers, Offers) and offers.job_id == job.id and offers.offers
    assert all(status < 500 for _, status, _, _ in transport.answers)
