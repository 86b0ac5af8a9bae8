"""Query on a table's key in the local cloud: one partition read, the same answers as a whole-table read."""

import boto3
import moto.dynamodb.models.table as table_module
import pytest
from moto import mock_aws

from localcloud.moto_changes.dynamodb_queries import install_partition_queries, uninstall_partition_queries

QUERIES = [
    {"KeyConditionExpression": "jobId = :j", "ExpressionAttributeValues": {":j": {"S": "job-3"}}},
    {"KeyConditionExpression": "jobId = :j", "ExpressionAttributeValues": {":j": {"S": "job-3"}},
     "ScanIndexForward": False},
    {"KeyConditionExpression": "jobId = :j AND begins_with(connectionId, :c)",
     "ExpressionAttributeValues": {":j": {"S": "job-3"}, ":c": {"S": "conn-1"}}},
    {"KeyConditionExpression": "jobId = :j", "FilterExpression": "connectionId <> :t",
     "ExpressionAttributeValues": {":j": {"S": "job-3"}, ":t": {"S": "$terminal"}}, "ProjectionExpression": "connectionId"},
    {"KeyConditionExpression": "jobId = :j", "ExpressionAttributeValues": {":j": {"S": "job-3"}}, "Limit": 2},
    {"KeyConditionExpression": "jobId = :j", "ExpressionAttributeValues": {":j": {"S": "no-such-job"}}},
    {"KeyConditionExpression": "jobId = :j", "ExpressionAttributeValues": {":j": {"S": "job-3"}}, "Select": "COUNT"},
]


def _fill(client) -> None:
    client.create_table(
        TableName="subscriptions",
        KeySchema=[{"AttributeName": "jobId", "KeyType": "HASH"}, {"AttributeName": "connectionId", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "jobId", "AttributeType": "S"},
                              {"AttributeName": "connectionId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST")
    client.create_table(TableName="results", KeySchema=[{"AttributeName": "jobId", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "jobId", "AttributeType": "S"}],
                        BillingMode="PAY_PER_REQUEST")
    for job in range(6):
        client.put_item(TableName="results", Item={"jobId": {"S": f"job-{job}"}, "n": {"N": str(job)}})
        for connection in ("conn-2", "$terminal", "conn-10", "conn-1"):
            client.put_item(TableName="subscriptions",
                            Item={"jobId": {"S": f"job-{job}"}, "connectionId": {"S": connection}})


def _answers(client) -> list[dict]:
    answers = [client.query(TableName="subscriptions", **query) for query in QUERIES]
    first_page = answers[4]
    answers.append(client.query(TableName="subscriptions", ExclusiveStartKey=first_page["LastEvaluatedKey"], **QUERIES[4]))
    answers.append(client.query(TableName="results", KeyConditionExpression="jobId = :j",
                                ExpressionAttributeValues={":j": {"S": "job-4"}}))
    return [{key: value for key, value in answer.items() if key != "ResponseMetadata"} for answer in answers]


@pytest.fixture
def client():
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        _fill(client)
        yield client
    uninstall_partition_queries()


def test_partition_queries_answer_as_whole_table_queries_do(client):
    # Given moto's own answers, read from the whole table
    expected = _answers(client)
    assert expected[0]["Count"] == 4 and expected[3]["Count"] == 3 and "LastEvaluatedKey" in expected[4]
    # When the partition read is installed, the same queries give the same answers, page keys and counts included
    install_partition_queries()
    assert _answers(client) == expected


def test_a_key_query_never_reads_the_whole_table(client, monkeypatch):
    install_partition_queries()

    def whole_table(self):
        raise AssertionError("a key query read every item of the table")

    monkeypatch.setattr(table_module.Table, "all_items", whole_table)
    answer = client.query(TableName="subscriptions", **QUERIES[0])
    assert [item["connectionId"]["S"] for item in answer["Items"]] == ["$terminal", "conn-1", "conn-10", "conn-2"]


def test_a_query_reads_no_partition_into_being(client):
    install_partition_queries()
    client.query(TableName="subscriptions", **QUERIES[5])
    assert client.scan(TableName="subscriptions", Select="COUNT")["Count"] == 24
    assert client.describe_table(TableName="subscriptions")["Table"]["ItemCount"] == 24
