"""offers_reader handler: API Gateway proxy events against an offers table in moto."""

import json
import time

import boto3
import pytest

from offers_reader.app import handler

TABLE = "stepgate-offers-test"
JOB_ID = "3f1c9a52-7d4e-4b8a-9c21-5e6f7a8b9c0d"
OFFERS = [
    {"supplier": "Harbor Drive", "supplierRating": 3.1, "carSize": "suv", "upgradeClass": "none", "dailyPrice": 70.0, "totalPrice": 210.0, "currency": "USD"},
    {"supplier": "Northwind Rentals", "supplierRating": 4.6, "carSize": "suv", "upgradeClass": "none", "dailyPrice": 97.5, "totalPrice": 292.5, "currency": "USD"},
    {"supplier": "Atlas Auto Rental", "supplierRating": 4.9, "carSize": "luxury", "upgradeClass": "premium", "dailyPrice": 246.25, "totalPrice": 738.75, "currency": "USD"},
]


@pytest.fixture
def offers_table(aws, monkeypatch):
    monkeypatch.setenv("OFFERS_TABLE_NAME", TABLE)
    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "jobId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "jobId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )

    def store(expires_at: int) -> None:
        # The item as the workflow's SaveOffers state writes it.
        dynamodb.put_item(
            TableName=TABLE,
            Item={"jobId": {"S": JOB_ID}, "offers": {"S": json.dumps(OFFERS)}, "offerCount": {"N": "3"}, "expiresAt": {"N": str(expires_at)}},
        )

    return store


def problem(response):
    assert response["headers"]["Content-Type"] == "application/problem+json"
    return json.loads(response["body"])


def test_filtered_offers(load_event, lambda_context, offers_table):
    # Given stored offers valid for a day
    offers_table(2_000_000_000)
    # When read with carSize=suv and minSupplierRating=4
    response = handler(load_event("offers_reader"), lambda_context)
    # Then only the matching offer is returned, with an ISO expiry in the body and an HTTP-date Expires header
    assert response["statusCode"] == 200
    body = json.loads(response["body"])
    assert body == {"jobId": JOB_ID, "offers": [OFFERS[1]], "count": 1, "expiresAt": "2033-05-18T03:33:20Z"}
    assert response["headers"]["Expires"] == "Wed, 18 May 2033 03:33:20 GMT"


def test_no_filters_returns_every_offer(load_event, lambda_context, offers_table):
    offers_table(int(time.time()) + 600)
    event = load_event("offers_reader")
    event["queryStringParameters"] = None
    event["multiValueQueryStringParameters"] = None
    body = json.loads(handler(event, lambda_context)["body"])
    assert body["count"] == 3 and body["offers"] == OFFERS


def test_unknown_job_is_not_found(load_event, lambda_context, offers_table):
    response = handler(load_event("offers_reader"), lambda_context)
    assert response["statusCode"] == 404
    assert problem(response)["type"] == "urn:stepgate:problem:not-found"


def test_expired_offers_kept_until_their_purge_are_gone(load_event, lambda_context, offers_table):
    # Given an item whose expiresAt has passed, kept by TTL until its later purgeAt
    offers_table(int(time.time()) - 1)
    # When it is read
    response = handler(load_event("offers_reader"), lambda_context)
    # Then it is not served: 410 Gone, so the client knows the result existed and will not come back
    assert response["statusCode"] == 410
    # the same problem as the labels template's expired answer (tests/api/test_result_templates.py)
    assert {k: problem(response)[k] for k in ("type", "title")} == {"type": "urn:stepgate:problem:gone", "title": "Gone"}


@pytest.mark.parametrize("expires_at", [2_000_000_000, 1], ids=["served", "gone"])
def test_bodies_are_compact_json_like_the_template_bodies(load_event, lambda_context, offers_table, expires_at):
    # 3b: one contract, one shape: no spaces after separators, as the mapping templates write JSON
    offers_table(expires_at)
    body = handler(load_event("offers_reader"), lambda_context)["body"]
    assert body == json.dumps(json.loads(body), separators=(",", ":"))


@pytest.mark.parametrize("parameter, value", [("carSize", "hovercraft"), ("minSupplierRating", "9"), ("upgradeClass", "platinum")])
def test_bad_filter_is_a_problem_naming_the_parameter(load_event, lambda_context, offers_table, parameter, value):
    offers_table(2_000_000_000)
    event = load_event("offers_reader")
    event["queryStringParameters"] = {parameter: value}
    response = handler(event, lambda_context)
    body = problem(response)
    assert response["statusCode"] == 400
    assert body["type"] == "urn:stepgate:problem:validation-error" and body["status"] == 400
    assert body["field"] == parameter and body["detail"].startswith(f"{parameter}: ")


def test_a_cancelled_search_is_410_job_cancelled(load_event, lambda_context, offers_table):
    # Given the tombstone a cancel leaves where the offers would go
    boto3.client("dynamodb").put_item(TableName=TABLE, Item={
        "jobId": {"S": JOB_ID}, "cancelledAt": {"S": "2026-11-22T08:00:00Z"}, "purgeAt": {"N": "2000000000"}})

    # When the offers are read
    response = handler(load_event("offers_reader"), lambda_context)

    # Then nothing is served: 410 with the job-cancelled problem
    assert response["statusCode"] == 410
    assert problem(response)["type"] == "urn:stepgate:problem:job-cancelled"
