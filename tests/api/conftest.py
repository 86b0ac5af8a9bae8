"""A moto server with the resources the API integrates with, and the local gateway in front of it."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass

import boto3
import pytest
from moto.server import ThreadedMotoServer
from werkzeug.test import Client

from localcloud.gateway import build_gateway
from tests.api.api_spec import ACCOUNT_ID, PLACEHOLDER_VALUES, REGION, STATE_MACHINE_NAME, api_body

API_KEY = "api-test-key"
# A trivial workflow: the gateway tests are about the HTTP side, not the jobs.
PASS_DEFINITION = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}


@dataclass
class LocalAws:
    endpoint: str

    def client(self, service: str):
        return boto3.client(service, endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id="local", aws_secret_access_key="local")


@pytest.fixture(scope="session")
def local_aws():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    # moto keeps executions RUNNING unless its interpreter is switched on.
    config = json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode()
    urllib.request.urlopen(urllib.request.Request(endpoint + "/moto-api/config", data=config, method="POST"))
    aws = LocalAws(endpoint)
    _create_resources(aws)
    yield aws
    server.stop()


def _create_resources(aws: LocalAws) -> None:
    aws.client("stepfunctions").create_state_machine(
        name=STATE_MACHINE_NAME, definition=json.dumps(PASS_DEFINITION),
        roleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/jobs",
    )
    dynamodb = aws.client("dynamodb")
    for table, key in ((PLACEHOLDER_VALUES["LabelsTableName"], "jobId"), (PLACEHOLDER_VALUES["UsersTableName"], "pk")):
        dynamodb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                              KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}])
    aws.client("s3").create_bucket(Bucket=PLACEHOLDER_VALUES["UploadsBucketName"])


@pytest.fixture(scope="session")
def gateway(local_aws):
    app = build_gateway(api_body(), aws_endpoint_url=local_aws.endpoint, api_keys={API_KEY},
                        stage="v1", region=REGION, account_id=ACCOUNT_ID)
    return Client(app)


@pytest.fixture
def call(gateway):
    """One request to the gateway under /v1, with the API key unless told otherwise."""

    def send(method: str, path: str, *, key: str | None = API_KEY, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if key is not None:
            headers["x-api-key"] = key
        return gateway.open(f"/v1{path}", method=method, headers=headers, **kwargs)

    return send
