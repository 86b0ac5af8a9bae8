"""What happened to each state of an execution, read from its event history as the console's graph view shows it.

Outcomes, named after the graph view's legend: `succeeded`, `failed`, `caught` (an error that a Catch
handled: AWS records the failure, then the state's exit, e.g. LocalStack's AWS-recorded
`test_raise_exception_catch` history), `running` (in progress), `cancelled` (stopped by the execution's
end, not by its own error) and `not-reached`. Retries are counted on the side (`retries`), as the console
shows them in a state's Retry tab, not as a colour.
Every event names the event before it in its own thread (`previousEventId`), so events of concurrent
Parallel branches or Map iterations are credited to the right state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TERMINAL_EVENTS = {"ExecutionSucceeded": "SUCCEEDED", "ExecutionFailed": "FAILED",
                   "ExecutionAborted": "ABORTED", "ExecutionTimedOut": "TIMED_OUT"}
_ATTEMPT_EVENTS = {"TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled"}
_SUCCESS_EVENTS = {"TaskSucceeded", "LambdaFunctionSucceeded", "ActivitySucceeded",
                   "MapStateSucceeded", "ParallelStateSucceeded"}


@dataclass
class Visit:
    entered_at: str
    input: str | None
    exited_at: str | None = None
    output: str | None = None
    attempts: int = 0
    last_result: str | None = None  # "success" | "failure": the latest attempt's
    error: str | None = None
    cause: str | None = None
    event_ids: list[int] = field(default_factory=list)


def execution_status(events: list[dict[str, Any]]) -> str:
    return next((TERMINAL_EVENTS[e["type"]] for e in reversed(events) if e["type"] in TERMINAL_EVENTS), "RUNNING")


def state_outcomes(events: list[dict[str, Any]], state_types: dict[str, str]) -> dict[str, dict[str, Any]]:
    """One entry per state of the definition (`state_types`: name → Type), reached or not."""
    status = execution_status(events)
    visits = _visits(events, state_types)
    outcomes = {}
    for name, state_type in state_types.items():
        runs = visits.get(name, [])
        if not runs:
            outcomes[name] = {"status": "not-reached", "visits": 0, "retries": 0}
            continue
        last = runs[-1]
        outcomes[name] = {
            "status": _outcome(last, state_type, status),
            "visits": len(runs),
            "retries": sum(max(run.attempts - 1, 0) for run in runs),
            "enteredAt": last.entered_at, "exitedAt": last.exited_at,
            "input": last.input, "output": last.output,
            "error": last.error, "cause": last.cause,
            "eventIds": [event_id for run in runs for event_id in run.event_ids],
        }
    return outcomes


def _outcome(visit: Visit, state_type: str, execution: str) -> str:
    if visit.exited_at is not None:
        return "caught" if visit.last_result == "failure" else "succeeded"
    if execution == "RUNNING":
        return "running"
    if visit.last_result == "failure" or state_type == "Fail" or execution == "TIMED_OUT":
        return "failed"
    return "cancelled"  # stopped (StopExecution) or cut short by another branch's failure


def _visits(events: list[dict[str, Any]], state_types: dict[str, str]) -> dict[str, list[Visit]]:
    visits: dict[str, list[Visit]] = {}
    owner: dict[int, str | None] = {}
    open_containers: list[str] = []  # Parallel/Map states entered and not yet exited, innermost last
    for event in sorted(events, key=lambda e: e["id"]):
        kind = event["type"]
        if entered := event.get("stateEnteredEventDetails"):
            name = entered["name"]
            visits.setdefault(name, []).append(Visit(event["timestamp"], entered.get("input")))
            if state_types.get(name) in ("Parallel", "Map"):
                open_containers.append(name)
        elif exited := event.get("stateExitedEventDetails"):
            name = exited["name"]
            if name in open_containers:
                open_containers.remove(name)
        elif kind.startswith(("ParallelState", "MapState")) and open_containers:
            # e.g. ParallelStateFailed follows the failing branch state's event, yet is the Parallel's own
            name = next((c for c in reversed(open_containers) if kind.startswith(state_types[c])), open_containers[-1])
        else:
            name = owner.get(event.get("previousEventId") or 0)
        owner[event["id"]] = name
        if name is None or name not in visits:
            continue
        visit = visits[name][-1]
        visit.event_ids.append(event["id"])
        if exited := event.get("stateExitedEventDetails"):
            visit.exited_at, visit.output = event["timestamp"], exited.get("output")
        elif kind in _ATTEMPT_EVENTS:
            visit.attempts += 1
        elif kind in _SUCCESS_EVENTS:
            visit.last_result = "success"
        elif _is_failure(kind):
            details = next((v for k, v in event.items() if k.endswith("EventDetails")), {}) or {}
            visit.last_result, visit.error, visit.cause = "failure", details.get("error"), details.get("cause")
    return visits


def _is_failure(kind: str) -> bool:
    # MapIterationFailed is the iteration's own state failing: that state is credited with it already.
    return (kind.endswith(("Failed", "TimedOut")) and not kind.startswith(("Execution", "MapIteration")))
