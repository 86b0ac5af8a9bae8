"""One log line per state transition of every execution: the local Step Functions console.

The interpreter publishes each history event through its execution's `EventManager`; we tag
each execution's manager with its name (`job=<jobId>`, or `admission=<requestId>` for the
synchronous admission runs) and log from there as events happen, so nothing polls or
re-reads histories however many executions pile up.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any

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


class ExecutionLog:
    """Logs state exits with their duration, task failures and each execution's outcome."""

    def __init__(self) -> None:
        self._entered: dict[tuple[str, str], datetime] = {}
        self._lock = threading.Lock()

    def on_event(self, subject: str, event_type: str, timestamp: str, details: dict[str, Any]) -> None:
        when = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
        if entered := details.get("stateEnteredEventDetails"):
            with self._lock:
                self._entered[(subject, entered["name"])] = when
        elif exited := details.get("stateExitedEventDetails"):
            with self._lock:
                started = self._entered.pop((subject, exited["name"]), when)
            ms = (when - started).total_seconds() * 1000
            log.info("%s state=%s outcome=exited ms=%.0f", subject, exited["name"], ms)
        elif event_type in _OUTCOME_EVENTS:
            log.info("%s outcome=%s", subject, _OUTCOME_EVENTS[event_type])
        elif event_type.endswith("Failed"):
            failure = next((v for k, v in details.items() if k.endswith("EventDetails")), {})
            log.info("%s event=%s error=%s", subject, event_type, failure.get("error"))

    def start(self) -> None:
        def environment_tagged_with_job(worker):
            environment = _ORIGINAL_ENVIRONMENT(worker)
            name = worker._evaluation_details.execution_details.name
            # Synchronous (express) runs are admissions of a POST, named by its request id, not jobs.
            label = "admission" if isinstance(worker, execution_worker.SyncExecutionWorker) else "job"
            environment.event_manager.stepgate_subject = f"{label}={name}"
            return environment

        def publish_and_log(manager, event_id, source_event_id, event_type, timestamp, event_details):
            _ORIGINAL_PUBLISH(manager, event_id, source_event_id, event_type, timestamp, event_details)
            subject = getattr(manager, "stepgate_subject", None)
            if subject:
                kind = getattr(event_type, "value", str(event_type))
                self.on_event(subject, kind, str(timestamp), dict(event_details or {}))

        execution_worker.ExecutionWorker._get_evaluation_environment = environment_tagged_with_job
        EventManager._publish_history_event = publish_and_log

    def stop(self) -> None:
        execution_worker.ExecutionWorker._get_evaluation_environment = _ORIGINAL_ENVIRONMENT
        EventManager._publish_history_event = _ORIGINAL_PUBLISH
