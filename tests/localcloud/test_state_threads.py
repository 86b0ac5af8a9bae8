"""A state or program without TimeoutSeconds runs on its caller's thread; one with a timeout still gets a thread
and times out."""

from __future__ import annotations

import json
import threading

import boto3
import pytest

from moto.stepfunctions.parser.asl.component.program.program import Program

from localcloud.moto_changes.stepfunctions.interpreter_threads import _StateThread
from tests.compat.sfn_in_process import create, local_step_functions, run


@pytest.fixture
def state_threads_started(monkeypatch) -> list[str]:
    """Names of the states' threads that really started (a spy on Thread.start; the start still happens)."""
    started: list[str] = []
    real_start = threading.Thread.start

    def spy(thread: threading.Thread) -> None:
        if isinstance(thread, _StateThread):
            started.append(thread.name)
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", spy)
    return started


@pytest.fixture
def program_threads_started(monkeypatch) -> list[Program]:
    """Programs (executions, branches, iterations) that got a thread of their own (a spy on Thread.start)."""
    started: list[Program] = []
    real_start = threading.Thread.start

    def spy(thread: threading.Thread) -> None:
        target = getattr(thread, "_target", None)
        if isinstance(getattr(target, "__self__", None), Program):
            started.append(target.__self__)
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", spy)
    return started


def _waits_for_a_token(queue_url: str, timeout_seconds: int | None) -> dict:
    task = {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": queue_url, "MessageBody": {"token.$": "$$.Task.Token"}}, "End": True}
    if timeout_seconds:
        task["TimeoutSeconds"] = timeout_seconds
    return {"StartAt": "Wait", "States": {"Wait": task}}


def test_a_task_without_a_timeout_runs_on_its_callers_thread(state_threads_started):
    with local_step_functions() as sfn:
        sqs = boto3.client("sqs", region_name="us-east-1")
        queue_url = sqs.create_queue(QueueName="messages")["QueueUrl"]
        definition = {"StartAt": "Send", "States": {"Send": {
            "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
            "Parameters": {"QueueUrl": queue_url, "MessageBody": "sent"}, "End": True}}}
        described = run(sfn, create(sfn, "untimed", definition))
        received = sqs.receive_message(QueueUrl=queue_url)["Messages"]

    assert described["status"] == "SUCCEEDED"
    assert [message["Body"] for message in received] == ["sent"]
    assert state_threads_started == []


def test_a_task_with_a_timeout_still_times_out_on_a_thread_of_its_own(state_threads_started):
    with local_step_functions() as sfn:
        queue_url = boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="tokens")["QueueUrl"]
        timed = run(sfn, create(sfn, "timed", _waits_for_a_token(queue_url, timeout_seconds=1)))

    assert timed["status"] == "FAILED" and timed["error"] == "States.Timeout"
    assert len(state_threads_started) == 1


def test_programs_without_a_timeout_run_on_their_callers_thread(program_threads_started):
    branch = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}
    definition = {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "Branches": [branch, branch], "End": True}}}
    with local_step_functions() as sfn:
        described = run(sfn, create(sfn, "untimed-program", definition), input='{"n": 1}')

    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == [{"n": 1}, {"n": 1}]
    assert program_threads_started == []  # neither the execution's program nor its two branches


def test_a_program_with_a_timeout_still_times_out_on_a_thread_of_its_own(program_threads_started):
    with local_step_functions() as sfn:
        queue_url = boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="program-tokens")["QueueUrl"]
        definition = {**_waits_for_a_token(queue_url, timeout_seconds=None), "TimeoutSeconds": 1}
        timed = run(sfn, create(sfn, "timed-program", definition))

    assert timed["status"] == "TIMED_OUT"
    assert len(program_threads_started) == 1
