"""The state directory and the Step Functions records, in-process: the lock, atomic writes, and an
execution saved and put back (finished as it was; running as interrupted)."""

import json
import time

import boto3
import pytest
from moto import mock_aws

from localcloud.persistence.files import StateDirectory, StateDirectoryBusy
from localcloud.persistence.stepfunctions import StandardExecutionsState

ACCOUNT, REGION = "123456789012", "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/local"
# One quick state, then a wait long enough to stay RUNNING for the whole test.
DEFINITION = json.dumps({"StartAt": "Pick", "States": {
    "Pick": {"Type": "Pass", "Result": {"picked": True}, "Next": "Choose"},
    "Choose": {"Type": "Choice", "Choices": [{"Variable": "$$.Execution.Input.slow", "BooleanEquals": True,
                                               "Next": "Slow"}], "Default": "Done"},
    "Slow": {"Type": "Wait", "Seconds": 3600, "Next": "Done"},
    "Done": {"Type": "Succeed"}}})


def test_one_directory_takes_one_lock_holder(tmp_path):
    first, second = StateDirectory(tmp_path), StateDirectory(tmp_path)
    first.lock()
    with pytest.raises(StateDirectoryBusy, match=f"in use by local cloud pid {__import__('os').getpid()}"):
        second.lock()
    first.release()
    second.lock()  # released: free again
    second.release()


def test_writes_replace_whole_files_and_skip_unchanged_content(tmp_path):
    state = StateDirectory(tmp_path)
    assert state.write_json("a/b.json", {"x": 1}) is True
    assert state.write_json("a/b.json", {"x": 1}) is False  # same content: not rewritten
    assert state.write_json("a/b.json", {"x": 2}) is True
    assert state.read_json("a/b.json") == {"x": 2}
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["b.json"]  # no temporary file left behind


def test_a_damaged_file_stops_the_start_naming_it(tmp_path):
    (tmp_path / "secretsmanager.json").write_text("{not json")
    with pytest.raises(RuntimeError, match="secretsmanager.json is not valid JSON"):
        StateDirectory(tmp_path).read_json("secretsmanager.json")


def _sfn():
    return boto3.client("stepfunctions", region_name=REGION)


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def test_executions_come_back_finished_as_they_were_and_running_ones_interrupted(tmp_path):
    state = StateDirectory(tmp_path)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        machine = _sfn().create_state_machine(name="Jobs", definition=DEFINITION, roleArn=ROLE)["stateMachineArn"]
        done = _sfn().start_execution(stateMachineArn=machine, name="done", input="{}")["executionArn"]
        slow = _sfn().start_execution(stateMachineArn=machine, name="slow", input='{"slow": true}')["executionArn"]
        _wait_for(lambda: _sfn().describe_execution(executionArn=done)["status"] == "SUCCEEDED", "done finished")
        _wait_for(lambda: any(e["type"] == "WaitStateEntered"
                              for e in _sfn().get_execution_history(executionArn=slow)["events"]), "slow waiting")
        before = _sfn().describe_execution(executionArn=done)
        history_before = _sfn().get_execution_history(executionArn=done)["events"]
        running_history = _sfn().get_execution_history(executionArn=slow)["events"]
        StandardExecutionsState(state, ACCOUNT, REGION).save()
        _sfn().stop_execution(executionArn=slow)  # ends its interpreter thread; the saved record stays RUNNING

    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        _sfn().create_state_machine(name="Jobs", definition=DEFINITION, roleArn=ROLE)
        restored, interrupted = StandardExecutionsState(state, ACCOUNT, REGION).restore("2030-01-01T00:00:00.000Z")

        assert (restored, [record["name"] for record in interrupted]) == (2, ["slow"])
        after = _sfn().describe_execution(executionArn=done)
        assert {k: after[k] for k in ("status", "input", "output", "startDate", "stopDate")} == \
            {k: before[k] for k in ("status", "input", "output", "startDate", "stopDate")}
        assert _sfn().get_execution_history(executionArn=done)["events"] == history_before
        ended = _sfn().describe_execution(executionArn=slow)
        assert ended["status"] == "FAILED" and ended["error"] == "JobInterrupted"
        report = json.loads(ended["cause"])
        assert report["finishedAt"] == "2030-01-01T00:00:00.000Z" and "local cloud stopped" in report["cause"]
        history = _sfn().get_execution_history(executionArn=slow)["events"]
        assert history[:-1] == running_history and history[-1]["type"] == "ExecutionFailed"
        assert history[-1]["executionFailedEventDetails"]["error"] == "JobInterrupted"
        # A restored execution keeps its name: starting another with it is refused, as on AWS
        with pytest.raises(_sfn().exceptions.ExecutionAlreadyExists):
            _sfn().start_execution(stateMachineArn=after["stateMachineArn"], name="done", input="{}")
        assert {e["name"] for e in _sfn().list_executions(stateMachineArn=after["stateMachineArn"])["executions"]} \
            == {"done", "slow"}
