"""Mocked responses counted across Map iterations as Step Functions Local counts them, and a
stopped execution whose stopDate stays what StopExecution answered."""

import json
import time

import pytest

from tests.compat.sfn_in_process import create, local_step_functions, run

MAP_MACHINE = {
    "StartAt": "EachItem",
    "States": {"EachItem": {
        "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1, "End": True,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Lookup", "States": {"Lookup": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "OutputPath": "$.Payload", "End": True,
            "Parameters": {"FunctionName": "LookupFunction", "Payload.$": "$"}}}}}},
}


def returns(n: int) -> dict:
    return {"Return": {"StatusCode": 200, "Payload": {"answer": n}}}


@pytest.fixture
def sfn(tmp_path, monkeypatch):
    mock_config = {
        "StateMachines": {"MapCounting": {"TestCases": {"ThreeAnswers": {"Lookup": "Answers"}}}},
        "MockedResponses": {"Answers": {"0": returns(0), "1-2": returns(12), "3": returns(3)}},
    }
    (tmp_path / "MockConfigFile.json").write_text(json.dumps(mock_config))
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(tmp_path / "MockConfigFile.json"))
    with local_step_functions() as client:
        yield client


def test_map_iterations_share_one_invocation_counter(sfn):
    # Given a Map with MaxConcurrency 1 whose inner task is mocked "0", "1-2", "3"
    arn = create(sfn, "MapCounting", MAP_MACHINE)

    # When four items run through it
    result = run(sfn, f"{arn}#ThreeAnswers", name="four-items", input=json.dumps({"items": ["a", "b", "c", "d"]}))

    # Then the n-th iteration got response n (Developer Guide, sfn-local-mock-cfg-file: one counter per
    # state, which is why concurrent iterations make the assignment unpredictable)
    assert result["status"] == "SUCCEEDED", result
    assert json.loads(result["output"]) == [{"answer": 0}, {"answer": 12}, {"answer": 12}, {"answer": 3}]


def test_an_invocation_without_a_mocked_response_fails_the_execution(sfn):
    # Developer Guide: "If you do not specify a mocked response, the state machine execution will fail."
    arn = create(sfn, "MapCounting", MAP_MACHINE)

    result = run(sfn, f"{arn}#ThreeAnswers", name="five-items", input=json.dumps({"items": [1, 2, 3, 4, 5]}))

    assert result["status"] == "FAILED"


def test_a_stopped_execution_keeps_the_stop_date_stop_execution_answered():
    with local_step_functions(wait_time_scale=1.0) as sfn:
        # Given an execution busy in a task that returns only after two seconds (SQS long polling)
        import boto3

        queue = boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="quiet")["QueueUrl"]
        arn = create(sfn, "Busy", {"StartAt": "Poll", "States": {"Poll": {
            "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sqs:receiveMessage", "End": True,
            "Parameters": {"QueueUrl": queue, "WaitTimeSeconds": 2}}}})
        execution = sfn.start_execution(stateMachineArn=arn, name="busy")["executionArn"]
        while not any(e["type"] == "TaskStarted" for e in sfn.get_execution_history(executionArn=execution)["events"]):
            time.sleep(0.02)

        # When it is stopped, and its task returns later
        stopped = sfn.stop_execution(executionArn=execution, error="Cancelled", cause="by the client")
        while not any(e["type"] == "ExecutionAborted" for e in sfn.get_execution_history(executionArn=execution)["events"]):
            time.sleep(0.05)
        time.sleep(0.2)

        # Then it reads ABORTED with the stopDate StopExecution returned, now and later
        described = sfn.describe_execution(executionArn=execution)
        assert (described["status"], described["error"], described["cause"]) == ("ABORTED", "Cancelled", "by the client")
        assert described["stopDate"] == stopped["stopDate"]
