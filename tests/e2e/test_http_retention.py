"""Retention over HTTP: results say until when they are kept, then answer 410 Gone, then 404 once purged."""

from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest


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

    # And once DynamoDB TTL has purged the item, 404
    dynamodb.delete_item(TableName=table, Key=key)
    assert cloud.request("GET", document["resultUrl"]).status_code == 404
