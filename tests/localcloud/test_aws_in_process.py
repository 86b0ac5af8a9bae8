"""Calls to the local AWS endpoint from its own process reach moto's app directly, with the same answers."""

import uuid

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from localcloud import aws_in_process
from localcloud.apigateway.integrations.aws import signed_http
from tests.local_cloud_process import free_port


@pytest.fixture
def endpoint():
    """An endpoint nothing listens on, served in this process only."""
    port = free_port()
    stop = aws_in_process.serve_in_process("127.0.0.1", port, DomainDispatcherApplication(create_backend_app))
    yield f"http://127.0.0.1:{port}", stop
    stop()


def _client(service: str, url: str):
    return aws_in_process.attach(boto3.client(
        service, endpoint_url=url, region_name="us-east-1", aws_access_key_id="local", aws_secret_access_key="local",
        config=Config(retries={"max_attempts": 0})))


def test_s3_objects_round_trip_with_awkward_keys_and_binary_bodies(endpoint):
    url, _ = endpoint
    s3 = _client("s3", url)
    bucket = f"in-process-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    body = bytes(range(256)) * 4
    s3.put_object(Bucket=bucket, Key="a b/ü+c?.png", Body=body, ContentType="image/png")
    got = s3.get_object(Bucket=bucket, Key="a b/ü+c?.png")
    assert got["Body"].read() == body and got["ContentType"] == "image/png"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="a b/")["Contents"]] == ["a b/ü+c?.png"]


def test_service_errors_come_back_as_the_service_answered_them(endpoint):
    url, _ = endpoint
    with pytest.raises(ClientError) as error:
        _client("dynamodb", url).get_item(TableName=f"missing-{uuid.uuid4().hex[:8]}", Key={"k": {"S": "x"}})
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_the_gateway_integration_call_takes_the_same_path(endpoint):
    url, _ = endpoint
    table = f"gateway-{uuid.uuid4().hex[:8]}"
    _client("dynamodb", url).create_table(
        TableName=table, KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    answer = signed_http("POST", url + "/", {"Content-Type": "application/x-amz-json-1.0",
                                             "X-Amz-Target": "DynamoDB_20120810.DescribeTable"},
                         f'{{"TableName": "{table}"}}'.encode(), "dynamodb", SigV4Auth, "us-east-1")
    assert answer.status == 200 and table.encode() in answer.body


def test_once_stopped_calls_go_to_the_network_again(endpoint):
    url, stop = endpoint
    stop()
    with pytest.raises(EndpointConnectionError):
        _client("dynamodb", url).list_tables()


def test_other_endpoints_are_left_to_the_network():
    assert aws_in_process.app_for("http://127.0.0.1:1/") is None
