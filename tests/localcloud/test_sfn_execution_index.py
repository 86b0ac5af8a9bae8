"""Executions found by ARN and name without walking every execution: the same answers as Step Functions gives."""

import json

import moto.stepfunctions.parser.utils as parser_utils
import pytest
from botocore.exceptions import ClientError

from localcloud.moto_changes.stepfunctions.execution_index import IndexedExecutions
from tests.compat.sfn_in_process import create, local_step_functions, run

WAIT_FOR_GATE = {"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 30, "End": True}}}
DONE = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}


@pytest.fixture
def sfn():
    with local_step_functions(wait_time_scale=1.0) as client:
        yield client


def test_each_of_many_executions_is_described_as_itself(sfn):
    machine = create(sfn, "Many", DONE)
    started = [run(sfn, machine, name=f"run-{n}", input=json.dumps({"n": n}))["executionArn"] for n in range(40)]
    for n in (0, 17, 39):
        described = sfn.describe_execution(executionArn=started[n])
        assert (described["name"], json.loads(described["input"])) == (f"run-{n}", {"n": n})
    assert len(sfn.list_executions(stateMachineArn=machine)["executions"]) == 40


def test_an_unknown_execution_is_still_execution_does_not_exist(sfn):
    machine = create(sfn, "Known", DONE)
    unknown = machine.replace(":stateMachine:", ":execution:") + ":never-started"
    with pytest.raises(ClientError) as error:
        sfn.describe_execution(executionArn=unknown)
    assert error.value.response["Error"]["Code"] == "ExecutionDoesNotExist"


def test_a_name_is_idempotent_while_running_with_the_same_input_and_taken_otherwise(sfn):
    # StartExecution API reference: same name and input of a running execution returns it; else ExecutionAlreadyExists.
    machine = create(sfn, "Held", WAIT_FOR_GATE)
    first = sfn.start_execution(stateMachineArn=machine, name="job-1", input='{"a": 1}')
    again = sfn.start_execution(stateMachineArn=machine, name="job-1", input='{"a": 1}')
    assert again["executionArn"] == first["executionArn"]
    with pytest.raises(ClientError) as error:
        sfn.start_execution(stateMachineArn=machine, name="job-1", input='{"a": 2}')
    assert error.value.response["Error"]["Code"] == "ExecutionAlreadyExists"
    sfn.stop_execution(executionArn=first["executionArn"])
    assert sfn.describe_execution(executionArn=first["executionArn"])["status"] == "ABORTED"
    with pytest.raises(ClientError) as error:
        sfn.start_execution(stateMachineArn=machine, name="job-1", input='{"a": 1}')
    assert error.value.response["Error"]["Code"] == "ExecutionAlreadyExists"


def test_the_index_follows_a_list_changed_behind_its_back():
    class Run:
        def __init__(self, arn):
            self.execution_arn = arn

    executions = IndexedExecutions()
    executions.append(Run("a"))
    executions[:] = [Run("b")]  # as a restore replaces them
    assert executions.by_arn("a") is None and executions.by_arn("b").execution_arn == "b"


def test_the_interpreter_keeps_no_thread_of_an_ended_run(sfn):
    machine = create(sfn, "Threads", {"StartAt": "Both", "States": {"Both": {
        "Type": "Parallel", "End": True,
        "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
                     {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}]}}})
    for n in range(5):
        run(sfn, machine, name=f"t-{n}")
    assert len(parser_utils.TMP_THREADS) == 0
