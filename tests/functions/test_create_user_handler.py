"""create_user handler: one DynamoDB transaction in moto."""

import boto3
import pytest

from create_user.app import handler
from stepgate_jobs.errors import UserAlreadyExists
from stepgate_jobs.users import user_id_for_job

TABLE = "stepgate-users-test"


@pytest.fixture
def users_table(aws, monkeypatch):
    monkeypatch.setenv("USERS_TABLE_NAME", TABLE)
    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return dynamodb


def items(dynamodb):
    return {item["pk"]["S"]: item for item in dynamodb.scan(TableName=TABLE)["Items"]}


def test_user_and_email_items_are_written(load_event, lambda_context, users_table):
    event = load_event("create_user")
    # When the user is created
    user = handler(event, lambda_context)
    # Then the output and both items carry the job's deterministic user id
    user_id = user_id_for_job(event["jobId"])
    assert user == {"userId": user_id, "name": "Ada Lovelace", "email": "ada.lovelace@example.com", "createdAt": "2026-11-22T07:56:35Z"}
    stored = items(users_table)
    assert set(stored) == {f"USER#{user_id}", "EMAIL#ada.lovelace@example.com"}
    assert stored["EMAIL#ada.lovelace@example.com"]["userId"]["S"] == user_id
    assert stored[f"USER#{user_id}"]["email"]["S"] == "ada.lovelace@example.com"


def test_retried_job_succeeds_with_the_same_user(load_event, lambda_context, users_table):
    # Given the task already ran once
    first = handler(load_event("create_user"), lambda_context)
    # When Step Functions retries it / Then it succeeds with the same user, and nothing is duplicated
    assert handler(load_event("create_user"), lambda_context) == first
    assert len(items(users_table)) == 2


def test_duplicate_email_from_another_job_is_rejected(load_event, lambda_context, users_table):
    handler(load_event("create_user"), lambda_context)
    # Given another job registering the same email
    other = load_event("create_user")
    other["jobId"] = "another-job"
    other["request"]["name"] = "Someone Else"
    # When created / Then UserAlreadyExists names the email field and no second user is written
    with pytest.raises(UserAlreadyExists, match=r"^email: "):
        handler(other, lambda_context)
    assert len(items(users_table)) == 2
