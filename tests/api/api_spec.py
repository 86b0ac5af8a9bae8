"""The real api/openapi.yaml with its placeholders filled the way the stack's Fn::Sub would."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from stacks.openapi_spec import deployable_spec
from stacks.polling import retry_after_table_json, status_retry_after_seconds
from stacks.settings import Settings

OPENAPI_FILE = Path(__file__).resolve().parents[2] / "api" / "openapi.yaml"
CDK_JSON = Path(__file__).resolve().parents[2] / "cdk.json"
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
STATE_MACHINE_NAME = "Jobs"



class _Context:
    def __init__(self, context: dict) -> None:
        self._context = context

    def try_get_context(self, key: str):
        return self._context.get(key)


# cdk.json's knobs, with a slow supplier so that a search's Retry-After differs from the other kinds'.
SETTINGS = Settings.from_context(_Context({**json.loads(CDK_JSON.read_text())["context"],
                                           "retryAfterSeconds": 5, "searchLatencyMs": 6500}))

PLACEHOLDER_VALUES = {
    "AWS::Partition": "aws",
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT_ID,
    "ApiRoleArn": f"arn:aws:iam::{ACCOUNT_ID}:role/StepgateApiRole",
    "AdmissionStateMachineArn": f"arn:aws:states:{REGION}:{ACCOUNT_ID}:stateMachine:Admission",
    "JobsStateMachineName": STATE_MACHINE_NAME,
    "OffersReaderFunctionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:offers-reader",
    "CancelJobFunctionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:cancel-job",
    "LabelsTableName": "labels",
    "UsersTableName": "users",
    "JobsTableName": "jobs",
    "UploadsBucketName": "stepgate-uploads",
    "RetryAfterSeconds": "5",
    "RetryAfterByKind": retry_after_table_json(SETTINGS),
    "StatusRetryAfterSeconds": str(status_retry_after_seconds(SETTINGS)),
    "EventsUrl": "wss://events.execute-api.us-east-1.amazonaws.com/v1",
}

_PLACEHOLDER = re.compile(r"\$\{([^}!]*)\}")


def fill_placeholders(node: Any, values: dict[str, str]) -> Any:
    """Fn::Sub semantics: every ${Name} is replaced; an unknown name is an error, as at synth."""
    if isinstance(node, dict):
        return {key: fill_placeholders(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [fill_placeholders(value, values) for value in node]
    if isinstance(node, str):
        return _PLACEHOLDER.sub(lambda match: values[match.group(1)], node)
    return node


@lru_cache(maxsize=None)
def _raw_spec() -> dict:
    return yaml.safe_load(OPENAPI_FILE.read_text())


def api_body(**overrides: str) -> dict:
    """The deployable body, placeholders filled (overrides e.g. a moto state machine's name)."""
    return fill_placeholders(deployable_spec(_raw_spec()), {**PLACEHOLDER_VALUES, **overrides})


def integration(path: str, method: str, **overrides: str) -> dict:
    return api_body(**overrides)["paths"][path][method.lower()]["x-amazon-apigateway-integration"]
