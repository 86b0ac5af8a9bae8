"""An ended execution keeps its history compressed, not the interpreter's environment; the API reads the same."""

from __future__ import annotations

import json

from moto.stepfunctions.parser.models import stepfunctions_parser_backends

from localcloud.moto_changes.stepfunctions.ended_executions import (
    EndedWorker,
    install_ended_executions,
    uninstall_ended_executions,
)
from tests.compat.sfn_in_process import create, local_step_functions, run

# A Parallel, a Choice and a failure caught: events of several kinds, with input and output details.
MACHINE = {
    "StartAt": "Both",
    "States": {
        "Both": {"Type": "Parallel", "ResultPath": "$.branches", "Next": "Pick", "Branches": [
            {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "Result": "left", "End": True}}},
            {"StartAt": "Right", "States": {"Right": {"Type": "Pass", "Result": "right", "End": True}}}]},
        "Pick": {"Type": "Choice", "Default": "Fails",
                 "Choices": [{"Variable": "$.go", "BooleanEquals": True, "Next": "Done"}]},
        "Fails": {"Type": "Fail", "Error": "Stepgate.Test", "Cause": "taken the default"},
        "Done": {"Type": "Succeed"},
    },
}


def _execution(arn: str):
    backend = stepfunctions_parser_backends["123456789012"]["us-east-1"]
    return next(e for machine in backend.state_machines for e in machine.executions if e.execution_arn == arn)


def _comparable(events: list[dict]) -> list[dict]:
    return [{k: v for k, v in event.items() if k != "timestamp"} for event in events]


def _run_both(sfn) -> tuple[dict, dict]:
    arn = create(sfn, "compacted", MACHINE)
    return (run(sfn, arn, name="goes", input=json.dumps({"go": True})),
            run(sfn, arn, name="fails", input=json.dumps({"go": False})))


def test_an_ended_execution_keeps_only_its_history():
    with local_step_functions() as sfn:
        succeeded, failed = _run_both(sfn)
        workers = [_execution(d["executionArn"]).exec_worker for d in (succeeded, failed)]

    assert (succeeded["status"], failed["status"], failed["error"]) == ("SUCCEEDED", "FAILED", "Stepgate.Test")
    assert all(isinstance(worker, EndedWorker) for worker in workers)
    assert set(vars(workers[0])) == {"env", "event_manager", "callback_pool_manager",
                                     "map_run_record_pool_manager", "_history"}


def test_the_history_reads_as_it_did_before_the_end():
    with local_step_functions() as sfn:
        uninstall_ended_executions()  # moto's own: the environment kept, its history as it recorded it
        try:
            kept = [sfn.get_execution_history(executionArn=d["executionArn"])["events"] for d in _run_both(sfn)]
        finally:
            install_ended_executions()
        arn = create(sfn, "compacted-again", MACHINE)
        compacted = [sfn.get_execution_history(executionArn=run(sfn, arn, name=name, input=json.dumps({"go": go}))
                                               ["executionArn"])["events"] for name, go in (("goes", True),
                                                                                           ("fails", False))]

    assert [len(events) for events in compacted] == [len(events) for events in kept]
    assert [_comparable(events) for events in compacted] == [_comparable(events) for events in kept]
    assert all(event["timestamp"].tzinfo is not None for events in compacted for event in events)
