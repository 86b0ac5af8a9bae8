"""moto's Step Functions in process with every local change installed, for API-level tests."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator

import boto3
from moto import mock_aws

from localcloud.moto_changes import install_local_behaviour, uninstall_local_behaviour

ROLE = "arn:aws:iam::123456789012:role/DummyRole"
TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}


@contextlib.contextmanager
def local_step_functions(wait_time_scale: float = 0.0) -> Iterator:
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        install_local_behaviour(wait_time_scale)
        try:
            yield boto3.client("stepfunctions", region_name="us-east-1")
        finally:
            uninstall_local_behaviour()


def create(sfn, name: str, definition: dict) -> str:
    return sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE)["stateMachineArn"]


def run(sfn, state_machine_arn: str, name: str | None = None, input: str = "{}", timeout: float = 30) -> dict:
    kwargs = {"name": name} if name else {}
    arn = sfn.start_execution(stateMachineArn=state_machine_arn, input=input, **kwargs)["executionArn"]
    deadline = time.monotonic() + timeout
    while (described := sfn.describe_execution(executionArn=arn))["status"] not in TERMINAL:
        assert time.monotonic() < deadline, f"{arn} still running"
        time.sleep(0.02)
    return described


def passes(count: int) -> dict:
    """A machine of `count` Pass states in a row: 2 + 2 * count history events."""
    states = {f"P{i}": {"Type": "Pass", "Next": f"P{i + 1}"} for i in range(count)}
    states[f"P{count - 1}"] = {"Type": "Pass", "End": True}
    return {"StartAt": "P0", "States": states}
