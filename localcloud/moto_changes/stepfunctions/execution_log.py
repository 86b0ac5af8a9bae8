"""Log lines for executions as they happen: the job's steps, what failed, how each run ended.

The interpreter publishes each history event through its execution's `EventManager`; we tag
each execution's manager with a label and its name (`job=<jobId>` for the Jobs machine,
`admission=<requestId>` for the synchronous admission runs, `delivery=<name>` and so on for
the others) and log from there as events happen, so nothing polls or re-reads histories.

Only the Jobs machine's executions get a line per state: their states are the steps operators
follow. Admission, Delivery and Subscribe runs are plumbing around every request; a line per
state of theirs was about 45 of a user job's 55 lines, so they log only what failed and an
outcome other than SUCCEEDED.
"""

from __future__ import annotations

import logging
import re
import threading
from datetime import datetime
from typing import Any, NamedTuple

from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager
from moto.stepfunctions.parser.backend import execution_worker

log = logging.getLogger("localcloud.sfn")

_ORIGINAL_ENVIRONMENT = execution_worker.ExecutionWorker._get_evaluation_environment
_ORIGINAL_PUBLISH = EventManager._publish_history_event

_OUTCOME_EVENTS = {
    "ExecutionSucceeded": "SUCCEEDED",
    "ExecutionFailed": "FAILED",
    "ExecutionAborted": "ABORTED",
    "ExecutionTimedOut": "TIMED_OUT",
}


class Subject(NamedTuple):
    """Who an execution's lines are about (`job=<jobId>`), and whether each of its states gets one."""
    text: str
    steps: bool


def labels_for(state_machines: dict[str, str], jobs_arn: str) -> dict[str, str]:
    """{state machine ARN: label} from the stack's {logical id: ARN}: `job` for Jobs, else the lower-cased name."""
    labels = {}
    for logical, arn in state_machines.items():
        name = re.match(r"[A-Za-z]+?(?=StateMachine)", logical)
        labels[arn] = "job" if arn == jobs_arn else (name.group(0) if name else logical).lower()
    return labels


def machine_arn(arn: str) -> str:
    """A version or alias ARN (`...:stateMachine:Name:1`) names the same machine as its unqualified ARN."""
    return ":".join(arn.split(":")[:7])


class ExecutionLog:
    """Logs the job's state exits with their duration, task failures and outcomes."""

    def __init__(self, labels: dict[str, str] | None = None) -> None:
        self._labels = labels or {}
        self._entered: dict[tuple[str, str], datetime] = {}
        self._lock = threading.Lock()

    def subject(self, machine: str, name: str, synchronous: bool) -> Subject:
        # Synchronous (express) runs are admissions of a POST, named by its request id, not jobs.
        label = "admission" if synchronous else self._labels.get(machine_arn(machine), "job")
        return Subject(f"{label}={name}", steps=label == "job")

    def on_event(self, subject: Subject, event_type: str, timestamp: str, details: dict[str, Any]) -> None:
        if subject.steps and (entered := details.get("stateEnteredEventDetails")):
            with self._lock:
                self._entered[(subject.text, entered["name"])] = _when(timestamp)
        elif subject.steps and (exited := details.get("stateExitedEventDetails")):
            when = _when(timestamp)
            with self._lock:
                started = self._entered.pop((subject.text, exited["name"]), when)
            ms = (when - started).total_seconds() * 1000
            log.info("%s state=%s outcome=exited ms=%.0f", subject.text, exited["name"], ms)
        elif event_type in _OUTCOME_EVENTS:
            if subject.steps or event_type != "ExecutionSucceeded":
                log.info("%s outcome=%s", subject.text, _OUTCOME_EVENTS[event_type])
        elif event_type.endswith("Failed"):
            failure = next((v for k, v in details.items() if k.endswith("EventDetails")), {})
            log.info("%s event=%s error=%s", subject.text, event_type, failure.get("error"))

    def start(self) -> None:
        def environment_with_subject(worker):
            environment = _ORIGINAL_ENVIRONMENT(worker)
            details = worker._evaluation_details
            environment.event_manager.stepgate_subject = self.subject(
                details.state_machine_details.arn, details.execution_details.name,
                isinstance(worker, execution_worker.SyncExecutionWorker))
            return environment

        def publish_and_log(manager, event_id, source_event_id, event_type, timestamp, event_details):
            _ORIGINAL_PUBLISH(manager, event_id, source_event_id, event_type, timestamp, event_details)
            subject = getattr(manager, "stepgate_subject", None)
            if subject:
                kind = getattr(event_type, "value", str(event_type))
                self.on_event(subject, kind, str(timestamp), event_details or {})

        execution_worker.ExecutionWorker._get_evaluation_environment = environment_with_subject
        EventManager._publish_history_event = publish_and_log

    def stop(self) -> None:
        execution_worker.ExecutionWorker._get_evaluation_environment = _ORIGINAL_ENVIRONMENT
        EventManager._publish_history_event = _ORIGINAL_PUBLISH


def _when(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
