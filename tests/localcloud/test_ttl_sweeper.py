"""The local TTL sweeper deletes by the TTL attribute each table was provisioned with, nothing else."""

import boto3
from moto import mock_aws

from localcloud.moto_changes.ttl_sweeper import TtlSweeper

NOW = 1_800_000_000


def _table_with_ttl(dynamodb, name: str, attribute: str) -> None:
    dynamodb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                          KeySchema=[{"AttributeName": "jobId", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "jobId", "AttributeType": "S"}])
    dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification={"AttributeName": attribute, "Enabled": True})


def test_an_expired_result_is_kept_until_its_purge_time():
    with mock_aws():
        # Given a results table whose TTL attribute is purgeAt, as the stack provisions it
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        _table_with_ttl(dynamodb, "offers", "purgeAt")
        items = {"expired-kept": (NOW - 60, NOW + 60), "purged": (NOW - 120, NOW - 1)}
        for job_id, (expires_at, purge_at) in items.items():
            dynamodb.put_item(TableName="offers", Item={"jobId": {"S": job_id}, "expiresAt": {"N": str(expires_at)},
                                                        "purgeAt": {"N": str(purge_at)}})

        # When the sweeper runs
        deleted = TtlSweeper(dynamodb, ["offers"]).sweep(NOW)

        # Then only the item past purgeAt is gone; the expired one stays so readers can answer 410
        remaining = {item["jobId"]["S"] for item in dynamodb.scan(TableName="offers")["Items"]}
        assert deleted == 1 and remaining == {"expired-kept"}
