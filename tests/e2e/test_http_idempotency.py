"""Idempotency-Key over HTTP: replays before and after completion, another body, malformed keys, races."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest


def _in_days(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _key() -> str:
    return f"order-{uuid.uuid4()}"


def _user() -> dict:
    return {"name": "Idem Potent", "email": f"idem-{time.monotonic_ns()}@example.com"}


def _post(cloud, path: str, body: dict, key: str | None = None, header: str = "Idempotency-Key"):
    return cloud.request("POST", path, json=body, headers={header: key} if key is not None else {})


def _accepted(response) -> dict:
    assert response.status_code == 202, response.text
    document = response.json()
    assert response.headers["Location"] == document["statusUrl"] == f"/v1/jobs/{document['jobId']}"
    return document


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    return response.json()


def test_the_same_key_and_body_return_the_same_job_before_and_after_it_finished(cloud):
    # Given a search accepted with a key (its worker takes searchLatencyMs = 2 s)
    key, body = _key(), {"location": "JFK", "pickupAt": _in_days(1), "dropoffAt": _in_days(3)}
    first = _post(cloud, "/searches", body, key)
    job = _accepted(first)
    assert "Idempotent-Replayed" not in first.headers and int(first.headers["Retry-After"]) > 0

    # When the client retries while it runs
    running = _post(cloud, "/searches", body, key)
    # Then the answer is the same job, marked as a replay
    assert _accepted(running) == job
    assert running.headers["Idempotent-Replayed"] == "true"

    # And once the job has finished, a retry still names it, with its final status
    assert cloud.poll(job["statusUrl"]).status_code == 303
    finished = _post(cloud, "/searches", body, key)
    assert _accepted(finished) == {**job, "status": "SUCCEEDED"}
    assert finished.headers["Idempotent-Replayed"] == "true"
    assert cloud.request("GET", finished.headers["Location"]).status_code == 303


def test_the_same_key_with_another_body_is_a_409_problem(cloud):
    key = _key()
    job = _accepted(_post(cloud, "/users", _user(), key))
    refused = _post(cloud, "/users", _user(), key)
    problem = _problem(refused, 409)
    assert problem["type"] == "urn:stepgate:problem:idempotency-key-reused"
    assert "Retry-After" not in refused.headers  # retrying the same request cannot succeed
    assert problem["field"] == "Idempotency-Key" and "different request body" in problem["detail"]
    # The first job is untouched
    assert cloud.poll(job["statusUrl"]).status_code == 303


@pytest.mark.parametrize("key", ["", "comma,key", "k" * 129, "has space", "semi;colon", "slash/key", "ключ".encode(), '"open'])
def test_a_malformed_key_is_a_400_problem_naming_the_header(cloud, key):
    problem = _problem(_post(cloud, "/users", _user(), key), 400)
    assert problem["type"] == "urn:stepgate:problem:validation-error"
    assert problem["field"] == "Idempotency-Key" and "1-128 characters" in problem["detail"]


def test_quoted_and_bare_forms_and_any_header_case_are_one_key(cloud):
    key, body = _key(), _user()
    job = _accepted(_post(cloud, "/users", body, key))
    assert _accepted(_post(cloud, "/users", body, f'"{key}"'))["jobId"] == job["jobId"]
    assert _accepted(_post(cloud, "/users", body, key, header="idempotency-key"))["jobId"] == job["jobId"]


def test_one_key_on_two_resources_is_two_jobs(cloud):
    key = _key()
    user = _accepted(_post(cloud, "/users", _user(), key))
    search = _accepted(_post(cloud, "/searches", {"location": "LAX", "pickupAt": _in_days(1),
                                                  "dropoffAt": _in_days(2)}, key))
    assert user["jobId"] != search["jobId"]


def test_without_a_key_every_post_is_a_new_job(cloud):
    body = _user()
    first, second = _accepted(_post(cloud, "/users", body)), _accepted(_post(cloud, "/users", body))
    assert first["jobId"] != second["jobId"]


def test_concurrent_retries_of_one_key_start_one_job(cloud):
    # Given eight clients racing with the same key and body
    key, body = _key(), _user()
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda _: _post(cloud, "/users", body, key), range(8)))

    # Then every answer names the same job, and Step Functions ran it once
    jobs = {_accepted(response)["jobId"] for response in responses}
    assert len(jobs) == 1
    assert sum(1 for r in responses if "Idempotent-Replayed" not in r.headers) == 1
    if not cloud.is_local:
        pytest.skip("local cloud only, from here on: executions are counted through the local AWS endpoint")
    sfn = cloud.aws("stepfunctions")
    [jobs_machine] = [m for m in sfn.list_state_machines()["stateMachines"] if m["type"] == "STANDARD"]
    executions = sfn.list_executions(stateMachineArn=jobs_machine["stateMachineArn"])["executions"]
    assert [e["name"] for e in executions].count(jobs.pop()) == 1
