"""api/websocket.yaml's subscribe template: what the Subscribe machine receives for each kind of message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from localcloud.vtl import render_template

SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "api" / "websocket.yaml").read_text())
SUBSCRIBE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:Subscribe"
TEMPLATE = SPEC["routes"]["subscribe"]["integration"]["requestTemplates"]["$default"].replace(
    "${SubscribeStateMachineArn}", SUBSCRIBE_ARN)
CONTEXT = {"connectionId": "L0SM9cOFvHcCIhw=", "requestTimeEpoch": 1795334195123, "routeKey": "subscribe"}


def machine_input(message: dict | str) -> dict:
    body = message if isinstance(message, str) else json.dumps(message)
    start = json.loads(render_template(TEMPLATE, body=body, context=CONTEXT).output)
    assert start["stateMachineArn"] == SUBSCRIBE_ARN
    return json.loads(start["input"])


def test_a_valid_subscription_passes_the_ids_the_connection_and_the_epoch_in_seconds():
    assert machine_input({"action": "subscribe", "jobIds": ["a-1", "B_2"]}) == {
        "connectionId": "L0SM9cOFvHcCIhw=", "requestEpoch": 1795334195, "jobIds": ["a-1", "B_2"],
        "invalidField": None}


def test_twenty_five_ids_are_accepted():
    ids = [f"job-{n}" for n in range(25)]
    assert machine_input({"action": "subscribe", "jobIds": ids})["jobIds"] == ids


@pytest.mark.parametrize("job_ids", [
    [], [f"job-{n}" for n in range(26)], "job-1", None, [1], ["has space"], ["a" * 81], ["x:y"], ['"quoted"'],
    ["ok", {"jobId": "x"}],
], ids=["empty", "26 ids", "a string", "null", "a number", "space", "81 chars", "colon", "quote", "object"])
def test_anything_else_is_flagged_and_never_embedded(job_ids):
    assert machine_input({"action": "subscribe", "jobIds": job_ids}) == {
        "connectionId": "L0SM9cOFvHcCIhw=", "requestEpoch": 1795334195, "jobIds": None, "invalidField": "jobIds"}


def test_a_message_without_job_ids_is_flagged():
    assert machine_input({"action": "subscribe"})["invalidField"] == "jobIds"
