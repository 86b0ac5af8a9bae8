"""Throttling is backpressure on every path: 429 problem + Retry-After, never 500.

A second local cloud runs with AWS's default quotas (LOCALCLOUD_AWS_QUOTAS=default) plus buckets that
are empty and never refill for the actions under test, so every such call is answered as AWS answers
a throttled one (HTTP 400 ThrottlingException). Before, each of these paths answered 500.
"""

import pytest

from tests.e2e.conftest import _local_cloud

pytestmark = pytest.mark.local_only("starts its own local cloud with AWS quotas imposed")

# StartSyncExecution: one admission passes (its StartExecution is throttled), the next is refused itself.
QUOTAS = ("default,states:StartSyncExecution=1/0,states:StartExecution=0/0,states:DescribeExecution=0/0,"
          "dynamodb:GetItem=0/0,dynamodb:Query=0/0")
SEARCH = {"location": "JFK", "pickupAt": "2030-06-01T10:00:00Z", "dropoffAt": "2030-06-03T10:00:00Z"}


@pytest.fixture(scope="module")
def throttled_cloud(request, tmp_path_factory):
    yield from _local_cloud(request.getfixturevalue("assembly"), tmp_path_factory, {"LOCALCLOUD_AWS_QUOTAS": QUOTAS})


def assert_throttled(response):
    assert response.status_code == 429, response.text
    assert response.headers["Retry-After"] == "2"
    assert response.headers["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"] == "urn:stepgate:problem:throttled"
    assert problem["status"] == 429 and problem["title"] == "Too Many Requests" and problem["detail"]


def test_accept_when_the_admission_cannot_start_the_job(throttled_cloud):
    # Given StartSyncExecution admits this POST but Step Functions throttles the admission's StartExecution
    assert_throttled(throttled_cloud.submit("/searches", SEARCH))


def test_accept_when_start_sync_execution_is_throttled(throttled_cloud):
    # Given the StartSyncExecution bucket is spent (by the test above)
    assert_throttled(throttled_cloud.submit("/searches", SEARCH))


def test_status_when_describe_execution_is_throttled(throttled_cloud):
    assert_throttled(throttled_cloud.request("GET", "/jobs/any-job-id"))


def test_cancel_when_step_functions_throttles_the_cancel_lambda(throttled_cloud):
    assert_throttled(throttled_cloud.request("DELETE", "/jobs/any-job-id"))


def test_offers_when_dynamodb_throttles_the_reader_lambda(throttled_cloud):
    assert_throttled(throttled_cloud.request("GET", "/searches/any-job-id/offers"))


def test_labels_when_dynamodb_throttles_query(throttled_cloud):
    assert_throttled(throttled_cloud.request("GET", "/recognitions/any-job-id/labels"))


def test_user_when_dynamodb_throttles_get_item(throttled_cloud):
    assert_throttled(throttled_cloud.request("GET", "/users/any-user-id"))


def test_callback_outcome_when_dynamodb_throttles_get_item(throttled_cloud):
    assert_throttled(throttled_cloud.request("GET", "/jobs/any-job-id/callback"))
