"""Every job kind over real HTTP against the local cloud: POST -> 202 -> poll -> 303 -> result."""

import io
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image

TRICKY = "O'Brien \"Bob\" \\ back\\slash\nnew line\ttab — Zoë 東京 ✓"


def _in_days(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _search(**overrides) -> dict:
    return {"location": "LHR", "pickupAt": _in_days(1), "dropoffAt": _in_days(4), **overrides}


def _accepted(cloud, path: str, body: dict) -> dict:
    response = cloud.submit(path, body)
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["status"] == "RUNNING"
    assert response.headers["Location"] == accepted["statusUrl"] == f"/v1/jobs/{accepted['jobId']}"
    assert int(response.headers["Retry-After"]) > 0
    return accepted


def _succeeded(cloud, accepted: dict) -> dict:
    status = cloud.poll(accepted["statusUrl"])
    assert status.status_code == 303, status.text
    document = status.json()
    assert document["status"] == "SUCCEEDED"
    assert status.headers["Location"] == document["resultUrl"]
    assert document["submittedAt"] and document["finishedAt"]
    return document


def test_search_flow_reaches_filterable_offers(cloud):
    # Given a search job accepted at the API
    accepted = _accepted(cloud, "/searches", _search())

    # When it is polled to completion and the result URL is followed
    document = _succeeded(cloud, accepted)
    offers = cloud.request("GET", document["resultUrl"])

    # Then the offers are served, and filters narrow them at read time
    assert offers.status_code == 200, offers.text
    everything = offers.json()["offers"]
    assert everything and {o["currency"] for o in everything} == {"GBP"}
    suvs = cloud.request("GET", document["resultUrl"], params={"carSize": "suv", "minSupplierRating": 4}).json()["offers"]
    assert suvs and all(o["carSize"] == "suv" and o["supplierRating"] >= 4 for o in suvs)
    assert len(suvs) < len(everything)
    bad_filter = cloud.request("GET", document["resultUrl"], params={"minSupplierRating": 9})
    assert bad_filter.status_code == 400
    assert bad_filter.headers["Content-Type"].startswith("application/problem+json")
    assert bad_filter.json()["field"] == "minSupplierRating"


def test_upload_then_recognition_labels_the_image(cloud):
    # Given a PNG uploaded through the API
    buffer = io.BytesIO()
    Image.new("RGB", (80, 40), (20, 40, 220)).save(buffer, format="PNG")
    upload = cloud.request("PUT", "/uploads/blue.png", data=buffer.getvalue(), headers={"Content-Type": "image/png"})
    assert upload.status_code == 201, upload.text
    image = upload.json()["image"]
    assert image["key"].endswith("/blue.png")

    # When a recognition job runs on it
    accepted = _accepted(cloud, "/recognitions", {"image": image, "maxLabels": 8})
    document = _succeeded(cloud, accepted)
    labels = cloud.request("GET", document["resultUrl"])

    # Then labels computed from the uploaded bytes are served
    assert labels.status_code == 200, labels.text
    result = labels.json()
    assert 0 < len(result["labels"]) <= 8
    assert "Blue" in {label["name"] for label in result["labels"]} | {
        c.get("SimplifiedColor", "").title() for c in result["imageProperties"].get("DominantColors", [])}


def test_user_flow_keeps_every_character_of_the_name(cloud):
    # Given a user whose name holds quotes, backslashes, newlines and non-ASCII text
    email = f"tricky.name.{uuid.uuid4().hex[:8]}@example.com"
    accepted = _accepted(cloud, "/users", {"name": TRICKY, "email": email})

    # When the job completes and the user resource is read
    document = _succeeded(cloud, accepted)
    user = cloud.request("GET", document["resultUrl"])

    # Then the name arrived unchanged, end to end
    assert user.status_code == 200, user.text
    assert user.json()["name"] == TRICKY
    assert user.json()["email"] == email
    assert document["resultUrl"] == f"/v1/users/{user.json()['userId']}"


def test_a_rule_violation_is_reported_as_a_problem_in_the_status(cloud):
    # Given a search whose dropoff precedes its pickup (valid JSON, invalid business rule)
    accepted = _accepted(cloud, "/searches", _search(pickupAt=_in_days(5), dropoffAt=_in_days(2)))

    # When it finishes
    status = cloud.poll(accepted["statusUrl"])

    # Then the status is FAILED with an RFC 9457 error naming the field
    assert status.status_code == 200
    document = status.json()
    assert document["status"] == "FAILED"
    assert document["error"]["field"] == "dropoffAt"
    assert document["error"]["title"] and document["error"]["status"] >= 400


def test_twenty_concurrent_submissions_all_succeed(cloud):
    # Given twenty searches submitted at once
    with ThreadPoolExecutor(max_workers=20) as pool:
        accepted = list(pool.map(lambda i: _accepted(cloud, "/searches", _search(location="CDG")), range(20)))

    # When each is polled
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda a: cloud.poll(a["statusUrl"], timeout=120), accepted))

    # Then every one of them reached SUCCEEDED, with distinct job ids
    assert [s.status_code for s in statuses] == [303] * 20
    assert len({a["jobId"] for a in accepted}) == 20


@pytest.mark.local_only("reads executions through the local AWS endpoint")
def test_the_aws_endpoint_lists_the_jobs_and_their_history(cloud):
    # Given a job submitted over HTTP and finished
    accepted = _accepted(cloud, "/users", {"name": "Console Watcher", "email": "watcher@example.com"})
    _succeeded(cloud, accepted)

    # When an operator uses boto3 against the local AWS endpoint
    sfn = cloud.aws("stepfunctions")
    machines = {m["type"]: m for m in sfn.list_state_machines()["stateMachines"]}
    # The Jobs machine holds the jobs; the express admission and delivery machines only start and announce them.
    assert set(machines) == {"STANDARD", "EXPRESS"}
    executions = sfn.list_executions(stateMachineArn=machines["STANDARD"]["stateMachineArn"])["executions"]
    mine = [e for e in executions if e["name"] == accepted["jobId"]]

    # Then the job is listed, with its history of visible steps
    assert mine and mine[0]["status"] == "SUCCEEDED"
    history = sfn.get_execution_history(executionArn=mine[0]["executionArn"])["events"]
    entered = [e["stateEnteredEventDetails"]["name"] for e in history if "stateEnteredEventDetails" in e]
    assert entered == ["ValidateJob", "AnnounceWorking", "RouteByKind", "CreateUser", "UserSucceeded",
                       "StartDelivery"]
    started = json.loads(history[0]["executionStartedEventDetails"]["input"])
    assert started["kind"] == "user" and started["request"]["name"] == "Console Watcher"


@pytest.mark.local_only("reads the local cloud's log file")
def test_the_local_cloud_logs_requests_transitions_and_invocations(cloud):
    # Given a finished job
    accepted = _accepted(cloud, "/users", {"name": "Log Reader", "email": "log.reader@example.com"})
    _succeeded(cloud, accepted)

    # When the local cloud's output is read / Then it has a line per step of the job and per Lambda invocation
    import time
    time.sleep(0.5)
    output = cloud.log_file.read_text()
    job = accepted["jobId"]
    assert f"job={job} state=CreateUser outcome=exited" in output
    assert f"job={job} outcome=SUCCEEDED" in output
    assert f"lambda=create_user job={job} outcome=ok" in output
    # The admission that started it (named by the request id: the job id, without Idempotency-Key) and the
    # Delivery runs that announced it are plumbing: a run that succeeded adds no line
    assert f"admission={job}" not in output and f"delivery={job}" not in output
    assert output.count(f"={job} state=") == output.count(f"job={job} state=") > 0
