"""What the console shows, read through the Step Functions API of the local AWS endpoint, as the AWS console reads it.

Only ListStateMachines, DescribeStateMachine, ListExecutions and GetExecutionHistory: none of them is
under a default API quota (`LOCALCLOUD_AWS_QUOTAS`), so an open console never throttles the API's own
DescribeExecution calls. An execution's status, input and output come from its history.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from localcloud.console.graph import workflow_graph
from localcloud.console.outcomes import TERMINAL_EVENTS, execution_status, state_outcomes

STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
MAX_LISTED = 1000  # ListExecutions' own maxResults ceiling


class NotFound(LookupError):
    pass


class ExecutionsReader:
    def __init__(self, stepfunctions_client):
        self._sfn = stepfunctions_client

    def state_machines(self) -> list[dict[str, Any]]:
        machines = []
        for page in self._sfn.get_paginator("list_state_machines").paginate():
            machines += [{"name": m["name"], "arn": m["stateMachineArn"], "type": m["type"]} for m in page["stateMachines"]]
        return sorted(machines, key=lambda machine: machine["name"])

    def executions(self, state_machine_arn: str, status: str | None, limit: int) -> list[dict[str, Any]]:
        """Newest first, as ListExecutions answers."""
        arguments: dict[str, Any] = {"stateMachineArn": state_machine_arn, "maxResults": min(limit, MAX_LISTED)}
        if status:
            arguments["statusFilter"] = status
        try:
            listed = self._sfn.list_executions(**arguments)["executions"]
        except self._sfn.exceptions.StateMachineDoesNotExist:
            raise NotFound(f"no state machine {state_machine_arn}") from None
        return [{"name": e["name"], "arn": e["executionArn"], "status": e["status"],
                 "startDate": _iso(e["startDate"]), "stopDate": _iso(e.get("stopDate"))} for e in listed[:limit]]

    def execution(self, execution_arn: str) -> dict[str, Any]:
        """The execution page: summary, graph with each state's outcome, and the whole event history."""
        events = self._history(execution_arn)
        machine_arn = execution_arn.replace(":execution:", ":stateMachine:").rsplit(":", 1)[0]
        definition = json.loads(self._sfn.describe_state_machine(stateMachineArn=machine_arn)["definition"])
        outcomes = state_outcomes(events, _state_types(definition["States"]))
        return {"execution": _summary(execution_arn, machine_arn, events), "graph": workflow_graph(definition),
                "states": outcomes, "events": events}

    def _history(self, execution_arn: str) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        arguments: dict[str, Any] = {"executionArn": execution_arn, "maxResults": 1000}
        try:
            while True:
                page = self._sfn.get_execution_history(**arguments)
                events += [_jsonable(event) for event in page["events"]]
                if not page.get("nextToken"):
                    return events
                arguments["nextToken"] = page["nextToken"]
        except self._sfn.exceptions.ExecutionDoesNotExist:
            raise NotFound(f"no execution {execution_arn}") from None


def _summary(execution_arn: str, machine_arn: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    started = next((e for e in events if e["type"] == "ExecutionStarted"), None)
    ended = next((e for e in reversed(events) if e["type"] in TERMINAL_EVENTS), None)
    ended_details = next((v for k, v in (ended or {}).items() if k.endswith("EventDetails")), {}) or {}
    return {
        "name": execution_arn.rsplit(":", 1)[1], "arn": execution_arn, "stateMachineArn": machine_arn,
        "status": execution_status(events),
        "startDate": started and started["timestamp"], "stopDate": ended and ended["timestamp"],
        "input": started and started["executionStartedEventDetails"].get("input"),
        "output": ended_details.get("output"), "error": ended_details.get("error"), "cause": ended_details.get("cause"),
        "stateTransitions": sum(1 for e in events if "stateEnteredEventDetails" in e),
    }


def _state_types(states: dict[str, Any]) -> dict[str, str]:
    """Every state's Type by name, nested Parallel branches and Map processors included."""
    types = {}
    for name, state in states.items():
        types[name] = state["Type"]
        for inner in state.get("Branches", []) + [state.get("ItemProcessor") or state.get("Iterator") or {"States": {}}]:
            types.update(_state_types(inner["States"]))
    return types


def _jsonable(event: dict[str, Any]) -> dict[str, Any]:
    return {key: _iso(value) if isinstance(value, datetime) else value for key, value in event.items()}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="milliseconds") if value else None
