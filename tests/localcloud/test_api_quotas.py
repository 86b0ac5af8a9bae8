"""The opt-in AWS quotas: AWS's default values, token-bucket arithmetic, and AWS's throttling answers."""

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto import mock_aws

from localcloud.moto_changes.api_quotas import (
    DEFAULT_BUCKETS,
    TokenBucket,
    install_api_quotas,
    parse_quotas,
    uninstall_api_quotas,
)


def test_defaults_are_aws_published_values():
    # Given the Step Functions quotas page (API action throttling, us-east-1/us-west-2/eu-west-1 column)
    assert DEFAULT_BUCKETS == {
        "states:StartExecution": (1300, 300.0),
        "states:DescribeExecution": (300, 15.0),
        "states:StopExecution": (1000, 200.0),
    }
    quotas = parse_quotas("default")
    assert quotas.lambda_concurrency == 1000
    assert quotas.buckets["states:DescribeExecution"].capacity == 300


def test_off_unless_asked_and_overrides_apply():
    assert parse_quotas(None) is None and parse_quotas("") is None and parse_quotas("off") is None
    quotas = parse_quotas("default,states:DescribeExecution=3/0.5,dynamodb:GetItem=1/0,lambda:concurrency=2")
    assert (quotas.buckets["states:DescribeExecution"].capacity, quotas.buckets["states:DescribeExecution"].refill_per_second) == (3, 0.5)
    assert quotas.buckets["dynamodb:GetItem"].capacity == 1
    assert quotas.lambda_concurrency == 2
    with pytest.raises(ValueError, match="bucket/refill"):
        parse_quotas("states:DescribeExecution")


def test_token_bucket_spends_its_burst_then_refills():
    now = [0.0]
    bucket = TokenBucket(2, 1.0, clock=lambda: now[0])
    assert [bucket.take(), bucket.take(), bucket.take()] == [True, True, False]
    now[0] = 1.0
    assert [bucket.take(), bucket.take()] == [True, False]


@pytest.fixture
def throttled_moto():
    with mock_aws():
        install_api_quotas("states:DescribeExecution=1/0,dynamodb:GetItem=1/0")
        try:
            yield
        finally:
            uninstall_api_quotas()


def _client(service):
    return boto3.client(service, region_name="us-east-1", config=Config(retries={"max_attempts": 1}))


def test_step_functions_answers_throttling_exception_as_aws_does(throttled_moto):
    # Given a one-token DescribeExecution bucket that never refills
    sfn = _client("stepfunctions")
    arn = "arn:aws:states:us-east-1:123456789012:execution:Jobs:nope"
    with pytest.raises(ClientError) as first:
        sfn.describe_execution(executionArn=arn)
    assert first.value.response["Error"]["Code"] == "ExecutionDoesNotExist"
    # Then the second call is throttled: HTTP 400, code ThrottlingException
    with pytest.raises(ClientError) as second:
        sfn.describe_execution(executionArn=arn)
    assert second.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert second.value.response["Error"]["Code"] == "ThrottlingException"
    assert second.value.response["ResponseMetadata"]["RequestId"]
    # And other actions are not limited
    sfn.list_state_machines()


def test_dynamodb_answers_its_throttling_exception(throttled_moto):
    ddb = _client("dynamodb")
    ddb.create_table(TableName="t", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    ddb.get_item(TableName="t", Key={"pk": {"S": "a"}})
    with pytest.raises(ClientError) as throttled:
        ddb.get_item(TableName="t", Key={"pk": {"S": "a"}})
    assert throttled.value.response["Error"]["Code"] == "ThrottlingException"
