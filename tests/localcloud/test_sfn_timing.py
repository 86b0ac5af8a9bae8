"""SFN_WAIT_TIME_SCALE: Wait states and Retry backoff take a fraction of their declared time."""

import json
import time

import boto3
import pytest
from moto import mock_aws

from localcloud.moto_changes.stepfunctions.timing import install_wait_time_scale, scale_from_environment, uninstall_wait_time_scale

WAIT_THEN_PASS = {
    "StartAt": "Wait",
    "States": {"Wait": {"Type": "Wait", "Seconds": 20, "Next": "Done"}, "Done": {"Type": "Pass", "End": True}},
}


def test_a_wait_state_is_scaled():
    # Given a 20 s Wait state and a scale of 0.01
    install_wait_time_scale(0.01)
    try:
        with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
            sfn = boto3.client("stepfunctions", region_name="us-east-1")
            arn = sfn.create_state_machine(name="waits", definition=json.dumps(WAIT_THEN_PASS),
                                           roleArn="arn:aws:iam::123456789012:role/r")["stateMachineArn"]

            # When an execution runs
            started = time.monotonic()
            execution = sfn.start_execution(stateMachineArn=arn, name="w", input="{}")["executionArn"]
            while sfn.describe_execution(executionArn=execution)["status"] == "RUNNING":
                assert time.monotonic() - started < 10, "the wait was not scaled"
                time.sleep(0.02)

            # Then it finished in about 0.2 s instead of 20 s
            assert sfn.describe_execution(executionArn=execution)["status"] == "SUCCEEDED"
            assert time.monotonic() - started < 5
    finally:
        uninstall_wait_time_scale()


@pytest.mark.parametrize("raw", ["-0.1", "1.5", "fast"])
def test_a_scale_outside_zero_to_one_is_refused(monkeypatch, raw):
    monkeypatch.setenv("SFN_WAIT_TIME_SCALE", raw)
    with pytest.raises(ValueError, match="SFN_WAIT_TIME_SCALE"):
        scale_from_environment()
