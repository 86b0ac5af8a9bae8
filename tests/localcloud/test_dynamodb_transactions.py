"""TransactWriteItems in the local cloud: all or nothing, without copying whole tables; conditional writes atomic."""

import threading
import time

import boto3
import moto.dynamodb.models.table as table_module
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from localcloud.moto_changes.dynamodb_transactions import (
    install_transaction_without_table_copies,
    uninstall_transaction_without_table_copies,
)


@pytest.fixture
def dynamodb():
    install_transaction_without_table_copies()
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(TableName="users", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                            BillingMode="PAY_PER_REQUEST")
        yield client
    uninstall_transaction_without_table_copies()


def _create(client, user: str, email: str):
    client.transact_write_items(TransactItems=[
        {"Put": {"TableName": "users", "Item": {"pk": {"S": f"USER#{user}"}},
                 "ConditionExpression": "attribute_not_exists(pk)"}},
        {"Put": {"TableName": "users", "Item": {"pk": {"S": f"EMAIL#{email}"}, "userId": {"S": user}},
                 "ConditionExpression": "attribute_not_exists(pk)"}},
    ])


def _keys(client) -> set[str]:
    return {item["pk"]["S"] for item in client.scan(TableName="users")["Items"]}


def test_a_transaction_writes_all_its_items(dynamodb):
    _create(dynamodb, "u1", "a@example.com")
    assert _keys(dynamodb) == {"USER#u1", "EMAIL#a@example.com"}


def test_a_failed_condition_cancels_the_whole_transaction_with_reasons_in_order(dynamodb):
    # Given a taken email
    _create(dynamodb, "u1", "a@example.com")

    # When another user claims it in a transaction
    with pytest.raises(ClientError) as cancelled:
        _create(dynamodb, "u2", "a@example.com")

    # Then nothing of the second transaction was written, and the reasons say which item failed
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = [reason["Code"] for reason in cancelled.value.response["CancellationReasons"]]
    assert reasons == ["None", "ConditionalCheckFailed"]
    assert _keys(dynamodb) == {"USER#u1", "EMAIL#a@example.com"}


def test_two_operations_on_one_item_are_refused(dynamodb):
    item = {"Put": {"TableName": "users", "Item": {"pk": {"S": "USER#same"}}}}
    with pytest.raises(ClientError) as refused:
        dynamodb.transact_write_items(TransactItems=[item, item])
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert _keys(dynamodb) == set()


def test_racing_conditional_puts_let_exactly_one_claim_win(dynamodb, monkeypatch):
    # Given a condition check slow enough that every racer evaluates it before anyone writes
    original = table_module.get_filter_expression

    class SlowCondition:
        def __init__(self, condition):
            self.condition = condition

        def expr(self, item):
            time.sleep(0.05)
            return self.condition.expr(item)

    monkeypatch.setattr(table_module, "get_filter_expression", lambda *a, **k: SlowCondition(original(*a, **k)))

    # When eight clients claim one key with attribute_not_exists
    outcomes: list[str] = []

    def claim(n: int) -> None:
        try:
            dynamodb.put_item(TableName="users", Item={"pk": {"S": "KEY#k"}, "owner": {"S": str(n)}},
                              ConditionExpression="attribute_not_exists(pk)")
            outcomes.append("won")
        except ClientError as error:
            outcomes.append(error.response["Error"]["Code"])

    racers = [threading.Thread(target=claim, args=(n,)) for n in range(8)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()

    # Then one put won and seven were refused, as DynamoDB's atomic conditional writes do
    assert sorted(outcomes) == ["ConditionalCheckFailedException"] * 7 + ["won"]
