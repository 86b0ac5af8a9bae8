"""Tombstones in the result tables and cancellation records in the jobs table."""

from __future__ import annotations

from botocore.exceptions import ClientError

from stepgate_jobs.aws_clients import aws_client
from stepgate_jobs.cancellation import CancellationRecord, Tombstone
from stepgate_jobs.dynamodb_users import user_key

# A result already stored wins (too late to cancel); a tombstone may be written again (a repeated cancel).
NO_RESULT_YET = "attribute_not_exists(#key) OR attribute_exists(cancelledAt)"


class DynamoDBCancellationStore:
    def __init__(self, offers_table: str, labels_table: str, users_table: str, jobs_table: str) -> None:
        self._result_tables = {"search": offers_table, "recognition": labels_table}
        self._users_table = users_table
        self._jobs_table = jobs_table

    def bury(self, tombstone: Tombstone) -> bool:
        marks = {"cancelledAt": {"S": tombstone.cancelled_at}, "purgeAt": {"N": str(tombstone.purge_at)}}
        if tombstone.kind == "user" and tombstone.user_id:
            table, key = self._users_table, {"pk": {"S": user_key(tombstone.user_id)}}
            item = {**key, **marks, "jobId": {"S": tombstone.job_id}}
        elif tombstone.kind in self._result_tables:
            table, key = self._result_tables[tombstone.kind], {"jobId": {"S": tombstone.job_id}}
            item = {**key, **marks}
        else:
            return True  # a kind with no result slot has nothing to protect
        try:
            aws_client("dynamodb").put_item(
                TableName=table, Item=item, ConditionExpression=NO_RESULT_YET,
                ExpressionAttributeNames={"#key": next(iter(key))},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def record(self, record: CancellationRecord) -> None:
        aws_client("dynamodb").put_item(TableName=self._jobs_table, Item={
            "jobId": {"S": record.job_id},
            "kind": {"S": record.kind},
            "status": {"S": "ABORTED"},
            "error": {"S": record.error},
            "cause": {"S": record.cause},
            "cancelledAt": {"S": record.cancelled_at},
            "expiresAt": {"N": str(record.expires_at)},
        })
