"""Provisioning a template into the local AWS: what it cannot serve stops start-up, by name."""


import boto3
import pytest
from moto import mock_aws

from localcloud.provisioning.assembly import Assembly
from localcloud.provisioning.intrinsics import UnsupportedTemplate
from localcloud.provisioning import Provisioner
from localcloud.moto_changes.ttl_sweeper import TtlSweeper

REGION = "us-east-1"


def _provisioner(resources: dict, tmp_path) -> Provisioner:
    assembly = Assembly(tmp_path, {"Resources": resources}, {})
    return Provisioner(assembly, lambda service: boto3.client(service, region_name=REGION), REGION, "123456789012")


def test_an_unservable_resource_type_fails_before_anything_is_created(tmp_path):
    # Given a template with a queue, which the local cloud does not serve
    resources = {"Orders": {"Type": "AWS::SQS::Queue", "Properties": {}},
                 "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
                     "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                     "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                     "BillingMode": "PAY_PER_REQUEST"}}}

    # When it is provisioned / Then start-up fails naming the resource, and no table was made
    with mock_aws():
        with pytest.raises(UnsupportedTemplate, match=r"Orders \(AWS::SQS::Queue\)"):
            _provisioner(resources, tmp_path).provision()
        assert boto3.client("dynamodb", region_name=REGION).list_tables()["TableNames"] == []


def test_a_state_machine_stored_in_s3_is_refused(tmp_path):
    resources = {"Machine": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
        "DefinitionS3Location": {"Bucket": "b", "Key": "k"}, "RoleArn": "arn:aws:iam::123456789012:role/r"}}}
    with mock_aws(), pytest.raises(UnsupportedTemplate, match="must be inline"):
        _provisioner(resources, tmp_path).provision()


def test_tables_get_their_keys_and_ttl_and_the_sweeper_removes_expired_items(tmp_path):
    # Given a table with TTL on expiresAt, provisioned from a template
    resources = {"Results": {"Type": "AWS::DynamoDB::Table", "Properties": {
        "KeySchema": [{"AttributeName": "jobId", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "jobId", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
        "TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": True}}}}
    with mock_aws():
        stack = _provisioner(resources, tmp_path).provision()
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        table = stack.table_name("Results")
        dynamodb.put_item(TableName=table, Item={"jobId": {"S": "old"}, "expiresAt": {"N": "1000"}})
        dynamodb.put_item(TableName=table, Item={"jobId": {"S": "new"}, "expiresAt": {"N": "3000"}})

        # When the sweeper runs at t=2000
        deleted = TtlSweeper(dynamodb, [table]).sweep(now=2000)

        # Then only the expired item is gone
        assert deleted == 1
        remaining = [item["jobId"]["S"] for item in dynamodb.scan(TableName=table)["Items"]]
        assert remaining == ["new"]
