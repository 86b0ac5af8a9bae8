"""Each job kind through the real Jobs state machine, with the real handlers and DynamoDB effects."""

import io
import json
import time
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest
from PIL import Image

from localcloud.moto_changes.lambda_hook import ServiceFault


def _in_days(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _png(color=(200, 30, 30), size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def _item(jobs, table_logical_prefix: str, key: dict) -> dict | None:
    table = jobs.stack.table_name(table_logical_prefix)
    return jobs.client("dynamodb").get_item(TableName=table, Key=key).get("Item")


def _upload(jobs, key: str, body: bytes, content_type: str = "image/png") -> dict:
    bucket = jobs.stack.bucket_name("UploadsBucket")
    jobs.client("s3").put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)
    return {"bucket": bucket, "key": key}


def _failure_report(result: dict) -> dict:
    """A failed job's cause: the {cause, finishedAt} report the status template reads."""
    report = json.loads(result["cause"])
    assert _iso_instant(report["finishedAt"]) <= datetime.now(timezone.utc)
    return report


def _lambda_error(result: dict) -> dict:
    return json.loads(_failure_report(result)["cause"])


def _iso_instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _search_request(**overrides) -> dict:
    return {"location": "JFK", "pickupAt": _in_days(1), "dropoffAt": _in_days(3), **overrides}


def test_search_job_prices_offers_and_stores_them_with_a_ttl(jobs):
    # Given a search for two days at JFK
    # When the job runs
    execution = jobs.start("search", _search_request(carSize="suv"))
    result = jobs.wait(execution)

    # Then it succeeds through the visible steps, and the offers are stored until their TTL
    assert result["status"] == "SUCCEEDED", result
    output = json.loads(result["output"])
    assert output["kind"] == "search" and output["offerCount"] > 0
    assert jobs.entered_states(execution) == [
        "ValidateJob", "AnnounceWorking", "RouteByKind", "SearchOffers", "SaveOffers", "StartDelivery"]
    item = _item(jobs, "OffersTable", {"jobId": {"S": output["jobId"]}})
    offers = json.loads(item["offers"]["S"])
    assert len(offers) == output["offerCount"] == int(item["offerCount"]["N"])
    assert {offer["carSize"] for offer in offers} == {"suv"}
    assert set(offers[0]) >= {"supplier", "supplierRating", "carSize", "upgradeClass",
                              "dailyPrice", "totalPrice", "currency"}
    ttl_left = int(item["expiresAt"]["N"]) - time.time()
    assert 0 < ttl_left <= 30 * 60 + 5
    # The status document reads the expiry (ISO) and the finish time from the output: no date arithmetic
    assert _iso_instant(output["expiresAt"]).timestamp() == int(item["expiresAt"]["N"])
    assert _iso_instant(output["finish"]["finishedAt"]) <= datetime.now(timezone.utc)
    # TTL purges only a grace period later
    assert int(item["purgeAt"]["N"]) == int(item["expiresAt"]["N"]) + 1440 * 60


def test_recognition_job_labels_the_uploaded_image(jobs):
    # Given a PNG in the uploads bucket
    image = _upload(jobs, "uploads/wf-red/red.png", _png())

    # When a recognition job runs on it
    result = jobs.run("recognition", {"image": image, "maxLabels": 5, "minConfidence": 50})

    # Then labels computed from that image are stored
    assert result["status"] == "SUCCEEDED", result
    output = json.loads(result["output"])
    item = _item(jobs, "LabelsTable", {"jobId": {"S": output["jobId"]}})
    stored = json.loads(item["result"]["S"])
    assert int(item["expiresAt"]["N"]) == int(item["purgeAt"]["N"]) - 1440 * 60
    # The served document, the status and the Expires header all say the same instant, precomputed
    assert output["expiresAt"] == stored["expiresAt"]
    assert _iso_instant(stored["expiresAt"]).timestamp() == int(item["expiresAt"]["N"])
    assert parsedate_to_datetime(item["expires"]["S"]) == _iso_instant(stored["expiresAt"])
    assert set(stored) == {"labels", "imageProperties", "labelCount", "source", "expiresAt"}
    assert 0 < len(stored["labels"]) <= 5
    assert stored["labelCount"] == len(stored["labels"]) == output["labelCount"]
    assert all(label["confidence"] >= 50 for label in stored["labels"])
    assert stored["imageProperties"], "local Rekognition reports the image's properties"


def test_user_job_writes_the_user_and_its_email_record_in_one_transaction(jobs):
    # Given a new user's name with characters that must survive the workflow
    name = "Zoë O'Brien \"ZO\" \\ 東京"

    # When the user job runs
    result = jobs.run("user", {"name": name, "email": "Zoe.OBrien@Example.com"})

    # Then both items exist and point at the same user id
    assert result["status"] == "SUCCEEDED", result
    user_id = json.loads(result["output"])["userId"]
    user = _item(jobs, "UsersTable", {"pk": {"S": f"USER#{user_id}"}})
    assert user["name"]["S"] == name
    assert user["email"]["S"] == "zoe.obrien@example.com"
    email = _item(jobs, "UsersTable", {"pk": {"S": "EMAIL#zoe.obrien@example.com"}})
    assert email["userId"]["S"] == user_id


def test_a_rule_violation_fails_the_job_naming_the_field_and_records_the_failure(jobs):
    # Given a search whose dropoff is before its pickup
    request = _search_request(pickupAt=_in_days(3), dropoffAt=_in_days(1))

    # When the job runs
    execution = jobs.start("search", request)
    result = jobs.wait(execution)

    # Then it ends FAILED with ValidationError naming dropoffAt, and the failure is recorded
    assert result["status"] == "FAILED"
    assert result["error"] == "ValidationError"
    assert _lambda_error(result)["errorMessage"].startswith("dropoffAt: ")
    assert jobs.entered_states(execution)[-7:] == ["NoteFailureTime", "RecordFailure", "DescribeFailure",
                                                   "StartFailureDelivery", "ReportFailure", "FailWithReport", "JobFailed"]
    job_id = execution.rsplit(":", 1)[1]
    record = _item(jobs, "JobsTable", {"jobId": {"S": job_id}})
    assert record["status"]["S"] == "FAILED" and record["error"]["S"] == "ValidationError"
    assert record["kind"]["S"] == "search" and int(record["expiresAt"]["N"]) > time.time()
    assert record["failedAt"]["S"] == _failure_report(result)["finishedAt"]


def test_a_worker_throttled_twice_is_retried_and_the_job_succeeds(jobs):
    # Given the Lambda service throttles the search worker's next two invocations
    worker = jobs.stack.function("search_worker").name
    jobs.hook.inject_fault(worker, ServiceFault(times=2))
    calls_before = jobs.hook.calls[worker]

    # When a search job runs
    execution = jobs.start("search", _search_request())
    result = jobs.wait(execution)

    # Then the Retry policy absorbs both failures and the third attempt succeeds
    assert result["status"] == "SUCCEEDED", result
    assert jobs.hook.calls[worker] - calls_before == 3
    failures = [e for e in jobs.history(execution) if e["type"] == "TaskFailed"]
    assert [e["taskFailedEventDetails"]["error"] for e in failures] == ["Lambda.TooManyRequestsException"] * 2


def test_a_worker_that_keeps_failing_transiently_ends_failed_after_its_retries(jobs):
    # Given the search worker is throttled on every attempt
    worker = jobs.stack.function("search_worker").name
    jobs.hook.inject_fault(worker, ServiceFault(times=100))

    # When a search job runs
    result = jobs.run("search", _search_request())

    # Then the job is not lost: it ends FAILED with the service error once retries run out
    assert result["status"] == "FAILED"
    assert result["error"] == "Lambda.TooManyRequestsException"


def test_a_permanent_worker_failure_ends_failed_with_the_error_recorded(jobs):
    # Given an object that claims to be a PNG but is not an image
    image = _upload(jobs, "uploads/wf-corrupt/broken.png", b"\x89PNG\r\n\x1a\n" + b"not really an image" * 10)

    # When a recognition job runs on it
    execution = jobs.start("recognition", {"image": image})
    result = jobs.wait(execution)

    # Then the worker's typed error ends the job without retries, and the failure is recorded
    assert result["status"] == "FAILED"
    assert result["error"] == "ImageUnreadable"
    assert "image" in _lambda_error(result)["errorMessage"]
    assert jobs.entered_states(execution).count("DetectLabels") == 1
    record = _item(jobs, "JobsTable", {"jobId": {"S": execution.rsplit(":", 1)[1]}})
    assert record["error"]["S"] == "ImageUnreadable"


def test_a_duplicate_email_fails_the_second_user_job_with_user_already_exists(jobs):
    # Given a user created with an email
    first = jobs.run("user", {"name": "Ada", "email": "ada@example.com"})
    assert first["status"] == "SUCCEEDED", first

    # When another job creates a user with the same email, differently cased
    second = jobs.run("user", {"name": "Another Ada", "email": "ADA@example.com"})

    # Then it ends FAILED with UserAlreadyExists naming the email, and the first user is intact
    assert second["status"] == "FAILED"
    assert second["error"] == "UserAlreadyExists"
    assert _lambda_error(second)["errorMessage"].startswith("email: ")
    first_id = json.loads(first["output"])["userId"]
    email = _item(jobs, "UsersTable", {"pk": {"S": "EMAIL#ada@example.com"}})
    assert email["userId"]["S"] == first_id


@pytest.mark.parametrize("kind", ["search", "recognition", "user"])
def test_every_kind_reaches_a_terminal_status_even_on_an_empty_request(jobs, kind):
    # Given a request the API's schema would have refused, started by hand
    # When the job runs
    result = jobs.run(kind, {})

    # Then it still ends FAILED with a ValidationError, never stuck RUNNING
    assert result["status"] == "FAILED"
    assert result["error"] == "ValidationError"
