"""Retention over HTTP: results say until when they are kept, then answer 410 Gone, then 404 once purged."""

import io
import json
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest
from PIL import Image


def _in_days(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _table(cloud, logical_id: str) -> str:
    return next(name for name in cloud.aws("dynamodb").list_tables()["TableNames"] if logical_id in name)


def test_a_search_result_expires_into_410_gone_then_404_once_purged(cloud):
    # Given a finished search
    accepted = cloud.submit("/searches", {"location": "JFK", "pickupAt": _in_days(1), "dropoffAt": _in_days(2)}).json()
    status = cloud.poll(accepted["statusUrl"])
    document = status.json()

    # Then the status says until when the result is kept, and the result carries that as Expires
    kept_until = datetime.fromisoformat(document["resultExpiresAt"])
    assert timedelta(minutes=29) < kept_until - datetime.now(timezone.utc) <= timedelta(minutes=30)
    offers = cloud.request("GET", document["resultUrl"])
    assert offers.status_code == 200
    # one shape for one thing: a Lambda's body is compact JSON like a template's, expiresAt an ISO string
    assert offers.text == json.dumps(offers.json(), separators=(",", ":"))
    assert offers.json()["expiresAt"] == document["resultExpiresAt"]
    assert parsedate_to_datetime(offers.headers["Expires"]) == kept_until

    # When its retention is over (the clock moved past expiresAt; TTL purges only at purgeAt)
    if not cloud.is_local:
        pytest.skip("local cloud only, from here on: the result's expiry is moved through the local AWS endpoint")
    dynamodb, table, key = cloud.aws("dynamodb"), _table(cloud, "OffersTable"), {"jobId": {"S": accepted["jobId"]}}
    past = str(int(datetime.now(timezone.utc).timestamp()) - 1)
    dynamodb.update_item(TableName=table, Key=key, UpdateExpression="SET expiresAt = :past",
                         ExpressionAttributeValues={":past": {"N": past}})

    # Then the result URL answers 410 Gone as a problem, without the stale offers
    gone = cloud.request("GET", document["resultUrl"])
    assert gone.status_code == 410 and gone.headers["Content-Type"].startswith("application/problem+json")
    assert gone.json()["type"] == "urn:stepgate:problem:gone" and "offers" not in gone.json()
    assert gone.json()["title"] == "Gone"

    # And once DynamoDB TTL has purged the item, 404
    dynamodb.delete_item(TableName=table, Key=key)
    assert cloud.request("GET", document["resultUrl"]).status_code == 404


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_recognition_result_expires_like_a_search_result(cloud):
    # Given a finished recognition (its labels are read through a DynamoDB Query, not a Lambda)
    upload = cloud.request("PUT", "/uploads/expiring.png", data=_png(), headers={"Content-Type": "image/png"})
    accepted = cloud.submit("/recognitions", {"image": upload.json()["image"]}).json()
    status = cloud.poll(accepted["statusUrl"])
    document = status.json()

    # Then status, body and Expires header say the same instant, and each body is exactly its JSON (3b)
    assert status.status_code == 303 and status.text.startswith("{") and status.text.endswith("}")
    labels = cloud.request("GET", document["resultUrl"])
    assert labels.status_code == 200 and labels.text.startswith("{")
    assert labels.json()["expiresAt"] == document["resultExpiresAt"]  # one type: an ISO string
    assert parsedate_to_datetime(labels.headers["Expires"]) == datetime.fromisoformat(document["resultExpiresAt"])

    # When its retention is over
    if not cloud.is_local:
        pytest.skip("local cloud only, from here on: the result's expiry is moved through the local AWS endpoint")
    dynamodb, table, key = cloud.aws("dynamodb"), _table(cloud, "LabelsTable"), {"jobId": {"S": accepted["jobId"]}}
    past = str(int(datetime.now(timezone.utc).timestamp()) - 1)
    dynamodb.update_item(TableName=table, Key=key, UpdateExpression="SET expiresAt = :past",
                         ExpressionAttributeValues={":past": {"N": past}})

    # Then 410 with the very problem type and title the offers reader gives for expired offers
    gone = cloud.request("GET", document["resultUrl"])
    assert gone.status_code == 410 and gone.text.startswith("{")
    assert (gone.json()["type"], gone.json()["title"]) == ("urn:stepgate:problem:gone", "Gone")

    # And once purged, 404
    dynamodb.delete_item(TableName=table, Key=key)
    assert cloud.request("GET", document["resultUrl"]).status_code == 404
