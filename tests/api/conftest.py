"""A moto server with the resources the API integrates with, and the local gateway in front of it."""

from __future__ import annotations

import json
import os
import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer
from werkzeug.test import Client

from localcloud.apigateway import build_gateway
from localcloud.moto_changes import install_local_behaviour, uninstall_local_behaviour
from tests.api.api_spec import ACCOUNT_ID, PLACEHOLDER_VALUES, REGION, STATE_MACHINE_NAME, api_body

API_KEY = "api-test-key"
# A trivial workflow: the gateway tests are about the HTTP side, not the jobs.
PASS_DEFINITION = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}
# The real admission workflow starts the jobs, as in the stack.
ADMISSION_ASL = Path(__file__).resolve().parents[2] / "statemachine" / "admission.asl.json"
IDEMPOTENCY_TABLE = "idempotency"


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
    install_local_behaviour(wait_time_scale=1.0)  # StartSyncExecution, service-integration casing
    # The admission's service integrations call moto back on localhost:$MOTO_PORT.
    previous_port = os.environ.get("MOTO_PORT")
    os.environ["MOTO_PORT"] = str(port)
    aws = LocalAws(endpoint)
    _create_resources(aws)
    yield aws
    server.stop()
    uninstall_local_behaviour()
    if previous_port is None:
        os.environ.pop("MOTO_PORT", None)
    else:
        os.environ["MOTO_PORT"] = previous_port


def _create_resources(aws: LocalAws) -> None:
    sfn = aws.client("stepfunctions")
    jobs_arn = sfn.create_state_machine(
        name=STATE_MACHINE_NAME, definition=json.dumps(PASS_DEFINITION),
        roleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/jobs",
    )["stateMachineArn"]
    substitutions = {
        "JobsStateMachineArn": jobs_arn,
        "JobsExecutionArnPrefix": jobs_arn.replace(":stateMachine:", ":execution:") + ":",
        "IdempotencyTableName": IDEMPOTENCY_TABLE,
        "IdempotencyKeyRetentionSeconds": "86400",
    }
    admission = re.sub(r"\$\{([^}]+)\}", lambda m: substitutions[m.group(1)], ADMISSION_ASL.read_text())
    admission_arn = sfn.create_state_machine(name="Admission", definition=admission, type="EXPRESS",
                                             roleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/admission")["stateMachineArn"]
    assert admission_arn == PLACEHOLDER_VALUES["AdmissionStateMachineArn"]
    dynamodb = aws.client("dynamodb")
    for table, key in ((PLACEHOLDER_VALUES["LabelsTableName"], "jobId"), (PLACEHOLDER_VALUES["UsersTableName"], "pk"),
                       (IDEMPOTENCY_TABLE, "pk")):
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
