"""UserStore over DynamoDB: one transaction writes the user and its email-uniqueness item."""

from __future__ import annotations

from botocore.exceptions import ClientError

from stepgate_jobs.aws_clients import aws_client
from stepgate_jobs.errors import JobCancelled
from stepgate_jobs.users import EmailTaken, User


def user_key(user_id: str) -> str:
    return f"USER#{user_id}"


def email_key(email: str) -> str:
    return f"EMAIL#{email}"


class DynamoDBUserStore:
    def __init__(self, table_name: str) -> None:
        self._table_name = table_name

    def insert(self, user: User) -> None:
        client = aws_client("dynamodb")
        try:
            client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table_name,
                            "Item": {
                                "pk": {"S": user_key(user.user_id)},
                                "userId": {"S": user.user_id},
                                "name": {"S": user.name},
                                "email": {"S": user.email},
                                "createdAt": {"S": user.created_at},
                            },
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {
                        "Put": {
                            "TableName": self._table_name,
                            "Item": {"pk": {"S": email_key(user.email)}, "userId": {"S": user.user_id}},
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                ]
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            if self._is_tombstone(user.user_id):
                raise JobCancelled("the job was cancelled before the user was created") from None
            raise EmailTaken(self._email_owner(user.email)) from error

    def _is_tombstone(self, user_id: str) -> bool:
        # A cancel writes a tombstone where the user would go: the transaction must not be retried.
        item = aws_client("dynamodb").get_item(
            TableName=self._table_name, Key={"pk": {"S": user_key(user_id)}}, ConsistentRead=True
        ).get("Item")
        return bool(item and "cancelledAt" in item)

    def _email_owner(self, email: str) -> str | None:
        # Consistent read: the owner may have been written by this task's previous attempt.
        item = aws_client("dynamodb").get_item(
            TableName=self._table_name, Key={"pk": {"S": email_key(email)}}, ConsistentRead=True
        ).get("Item")
        return item["userId"]["S"] if item else None
