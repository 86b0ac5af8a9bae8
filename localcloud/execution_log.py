"""One log line per state transition of every execution: the local Step Functions console.

moto keeps each execution's history; a watcher thread reads the new events of executions
that are running (or just finished) and prints a line per exited state with its duration.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any

log = logging.getLogger("localcloud.sfn")

_OUTCOME_EVENTS = {
    "ExecutionSucceeded": "SUCCEEDED",
    "ExecutionFailed": "FAILED",
    "ExecutionAborted": "ABORTED",
    "ExecutionTimedOut": "TIMED_OUT",
}


class ExecutionLog:
    def __init__(self, stepfunctions_client: Any, state_machine_arns: list[str], interval: float = 0.2):
        self._sfn = stepfunctions_client
        self._state_machine_arns = state_machine_arns
        self._interval = interval
        self._seen: dict[str, int] = {}
        self._finished: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="execution-log")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.poll()
            except Exception:  # noqa: BLE001 - a logging hiccup must never stop the cloud
                log.debug("execution log poll failed", exc_info=True)

    def poll(self) -> None:
        for arn in self._state_machine_arns:
            pages = self._sfn.get_paginator("list_executions").paginate(stateMachineArn=arn)
            for page in pages:
                for execution in page["executions"]:
                    if execution["executionArn"] not in self._finished:
                        self._follow(execution)

    def _follow(self, execution: dict[str, Any]) -> None:
        arn = execution["executionArn"]
        events = self._sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
        seen = self._seen.get(arn, 0)
        entered: dict[str, datetime] = {}
        for event in events:
            details = event.get("stateEnteredEventDetails")
            if details:
                entered[details["name"]] = event["timestamp"]
        for event in events[seen:]:
            self._print(execution["name"], event, entered)
        self._seen[arn] = len(events)
        if execution["status"] != "RUNNING":
            self._finished.add(arn)

    @staticmethod
    def _print(job_id: str, event: dict[str, Any], entered: dict[str, datetime]) -> None:
        kind = event["type"]
        details = event.get("stateExitedEventDetails")
        if details:
            started = entered.get(details["name"], event["timestamp"])
            ms = (event["timestamp"] - started).total_seconds() * 1000
            log.info("job=%s state=%s outcome=exited ms=%.0f", job_id, details["name"], ms)
        elif kind.endswith("Failed") and kind != "ExecutionFailed":
            failure = next((v for k, v in event.items() if k.endswith("EventDetails")), {})
            log.info("job=%s event=%s error=%s", job_id, kind, failure.get("error"))
        elif kind in _OUTCOME_EVENTS:
            log.info("job=%s outcome=%s", job_id, _OUTCOME_EVENTS[kind])
