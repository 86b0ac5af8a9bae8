"""The local cloud's execution lines: a line per step of a job, only failures for the plumbing around it."""

from __future__ import annotations

import logging

from localcloud.moto_changes.stepfunctions.execution_log import ExecutionLog, labels_for

ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:"
MACHINES = {
    "JobsStateMachine8A834C58": ARN + "Stepgate-JobsStateMachine-1",
    "DeliveryStateMachine42A1B7C0": ARN + "Stepgate-DeliveryStateMachine-2",
    "AdmissionStateMachineD00D": ARN + "Stepgate-AdmissionStateMachine-3",
}
JOBS = MACHINES["JobsStateMachine8A834C58"]


def _run(execution_log: ExecutionLog, subject, succeeded: bool) -> None:
    execution_log.on_event(subject, "TaskStateEntered", "2026-12-03T10:00:00.000Z",
                           {"stateEnteredEventDetails": {"name": "Work"}})
    if not succeeded:
        execution_log.on_event(subject, "TaskFailed", "2026-12-03T10:00:00.010Z",
                               {"taskFailedEventDetails": {"error": "States.Timeout"}})
    execution_log.on_event(subject, "TaskStateExited", "2026-12-03T10:00:00.025Z",
                           {"stateExitedEventDetails": {"name": "Work"}})
    execution_log.on_event(subject, "ExecutionSucceeded" if succeeded else "ExecutionFailed",
                           "2026-12-03T10:00:00.030Z", {})


def test_labels_name_each_machine_of_the_stack_and_jobs_as_job():
    assert labels_for(MACHINES, JOBS) == {
        ARN + "Stepgate-JobsStateMachine-1": "job",
        ARN + "Stepgate-DeliveryStateMachine-2": "delivery",
        ARN + "Stepgate-AdmissionStateMachine-3": "admission",
    }


def test_a_job_gets_a_line_per_state_and_its_outcome(caplog):
    execution_log = ExecutionLog(labels_for(MACHINES, JOBS))
    # A version ARN names the same machine
    subject = execution_log.subject(ARN + "Stepgate-JobsStateMachine-1:4", "job-1", synchronous=False)

    with caplog.at_level(logging.INFO, logger="localcloud.sfn"):
        _run(execution_log, subject, succeeded=True)

    assert caplog.messages == ["job=job-1 state=Work outcome=exited ms=25", "job=job-1 outcome=SUCCEEDED"]


def test_plumbing_that_succeeded_logs_nothing_and_what_failed_is_logged(caplog):
    execution_log = ExecutionLog(labels_for(MACHINES, JOBS))
    delivery = execution_log.subject(ARN + "Stepgate-DeliveryStateMachine-2", "job-2-terminal", synchronous=False)
    admission = execution_log.subject(ARN + "Stepgate-AdmissionStateMachine-3", "request-3", synchronous=True)

    with caplog.at_level(logging.INFO, logger="localcloud.sfn"):
        _run(execution_log, delivery, succeeded=True)
        _run(execution_log, admission, succeeded=True)
        assert caplog.messages == []
        _run(execution_log, delivery, succeeded=False)

    assert caplog.messages == ["delivery=job-2-terminal event=TaskFailed error=States.Timeout",
                               "delivery=job-2-terminal outcome=FAILED"]
