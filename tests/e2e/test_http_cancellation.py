"""DELETE /jobs/{jobId} over HTTP: cancel a long search mid-flight; its result is never served."""

import time
from datetime import datetime, timedelta, timezone

import pytest


def _in_days(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    return response.json()


def test_a_search_cancelled_mid_flight_is_aborted_and_its_result_url_is_410(cloud):
    # Given a search that is running (its worker takes searchLatencyMs = 2 s)
    accepted = cloud.submit("/searches", {"location": "JFK", "pickupAt": _in_days(1), "dropoffAt": _in_days(3)}).json()
    time.sleep(0.3)
    assert cloud.request("GET", accepted["statusUrl"]).json()["status"] == "RUNNING"

    # When it is cancelled
    cancelled = cloud.request("DELETE", accepted["statusUrl"])

    # Then the cancel is accepted, pointing at the status, which says ABORTED with the job-cancelled problem
    assert cancelled.status_code == 202, cancelled.text
    assert cancelled.headers["Location"] == accepted["statusUrl"] and cancelled.json()["status"] == "ABORTED"
    status = cloud.request("GET", accepted["statusUrl"])
    document = status.json()
    assert status.status_code == 200 and document["status"] == "ABORTED" and "resultUrl" not in document
    assert document["error"]["type"] == "urn:stepgate:problem:job-cancelled" and document["finishedAt"]

    # And once the worker's in-flight work is over, the status still says when it was cancelled
    time.sleep(2.2)
    assert cloud.request("GET", accepted["statusUrl"]).json()["finishedAt"] == document["finishedAt"]
    # and its offers are still never served
    result_url = f"/v1/searches/{accepted['jobId']}/offers"
    assert _problem(cloud.request("GET", result_url), 410)["type"] == "urn:stepgate:problem:job-cancelled"

    # And a second cancel is a conflict
    assert _problem(cloud.request("DELETE", accepted["statusUrl"]), 409)["type"] == "urn:stepgate:problem:conflict"


def test_cancelling_a_finished_job_is_a_409_problem(cloud):
    accepted = cloud.submit("/users", {"name": "Finished", "email": f"done-{time.monotonic_ns()}@example.com"}).json()
    assert cloud.poll(accepted["statusUrl"]).status_code == 303
    problem = _problem(cloud.request("DELETE", accepted["statusUrl"]), 409)
    assert "SUCCEEDED" in problem["detail"]


@pytest.mark.parametrize("job_id", ["does-not-exist", "has:colon", "x" * 81])
def test_cancelling_an_unknown_or_malformed_job_is_a_404_problem(cloud, job_id):
    assert _problem(cloud.request("DELETE", f"/jobs/{job_id}"), 404)["type"] == "urn:stepgate:problem:not-found"
