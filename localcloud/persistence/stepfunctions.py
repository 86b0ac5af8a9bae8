"""Standard executions with their event histories; one still running when the process died ends as interrupted.

An execution is saved as a record: its describe fields, its history and the definition it ran
(stored once per distinct definition). A finished execution's record never changes, so it is
written once; a running one is rewritten as its history grows. Express executions are not kept:
Step Functions itself keeps no history of them (Admission and Delivery are Express).

At restore the records go back into their state machines as ended executions whose history is
the saved one. An execution saved as RUNNING cannot be resumed (its interpreter thread, its
Lambda calls and their waits died with the process): it ends FAILED with `JobInterrupted`, at the
last moment the dead process was known to be alive, with an `ExecutionFailed` event closing its
history. Its cause is a report `{"cause","finishedAt"}`, as every Stepgate failure's is, so the
status document reads it like any other failure.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import re
import threading
from typing import Any

from moto.stepfunctions.parser.api import ExecutionStatus, GetExecutionHistoryOutput
from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration.itemprocessor.map_run_record import (
    MapRunRecordPoolManager,
)
from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackPoolManager
from moto.stepfunctions.parser.backend.execution import Execution
from moto.stepfunctions.responses import get_backend

from localcloud.persistence.files import StateDirectory

FOLDER = "stepfunctions"
INTERRUPTED_ERROR = "JobInterrupted"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


class StandardExecutionsState:
    def __init__(self, state: StateDirectory, account_id: str, region: str):
        self._state, self._account_id, self._region = state, account_id, region
        self._finished: set[str] = set()  # execution ARNs whose final record is on disk
        self._definitions: set[str] = set()
        self._records = threading.Lock()  # a start's first record must never land over a final one

    def save(self) -> None:
        for state_machine in list(get_backend(self._account_id, self._region).state_machines):
            if state_machine.type != "STANDARD":
                continue
            for execution in list(state_machine.executions):
                self.save_execution(execution)

    def save_execution(self, execution: Execution) -> None:
        """Write one execution's record unless its final one is on disk already."""
        with self._records:
            if execution.execution_arn in self._finished or execution.exec_status is None:
                return
            record = self._record(execution)
            self._state.write_json(_record_path(execution.state_machine.name, execution.name), record)
            if record["status"] != "RUNNING":
                self._finished.add(execution.execution_arn)

    def _record(self, execution: Execution) -> dict[str, Any]:
        status = execution.exec_status.value  # read first: a record never says RUNNING with a final history
        if isinstance(execution, RestoredExecution):
            history = execution.history
        else:
            environment = execution.exec_worker.env if execution.exec_worker else None
            history = environment.event_manager.get_event_history() if environment else []
        definition = execution.state_machine.definition
        digest = hashlib.sha256(definition.encode()).hexdigest()
        if digest not in self._definitions:
            self._state.write_json(f"{FOLDER}/definitions/{digest}.json", {"definition": definition})
            self._definitions.add(digest)
        return {
            "name": execution.name, "executionArn": execution.execution_arn,
            "stateMachineArn": execution.state_machine_arn, "status": status,
            "startDate": _iso(execution.start_date), "stopDate": _iso(execution.stop_date) if status != "RUNNING" else None,
            "input": execution.execution_input, "output": execution.output if status == "SUCCEEDED" else None,
            "error": execution.error, "cause": execution.cause, "traceHeader": execution.trace_header,
            "definition": digest, "history": json.loads(json.dumps(history, default=str)),
        }

    def restore(self, last_alive: str | None) -> tuple[int, list[dict[str, Any]]]:
        """Puts saved executions back; returns how many, and the records of those that were interrupted."""
        backend = get_backend(self._account_id, self._region)
        machines = {machine.arn: machine for machine in backend.state_machines}
        clones: dict[tuple[str, str], Any] = {}
        restored, interrupted = 0, []
        for relative in self._state.files(f"{FOLDER}/executions"):
            record = self._state.read_json(relative)
            machine = machines.get(record["stateMachineArn"])
            if machine is None or any(e.execution_arn == record["executionArn"] for e in machine.executions):
                continue  # its state machine is no longer in the stack, or it exists already
            if record["status"] == "RUNNING":
                events = [event["timestamp"] for event in record["history"] if isinstance(event.get("timestamp"), str)]
                record = interrupted_record(record, max([last_alive or "", record["startDate"], *events]))
                interrupted.append(record)
            else:
                self._state.remember(relative)
                self._finished.add(record["executionArn"])
            key = (machine.arn, record["definition"])
            if key not in clones:
                saved = self._state.read_json(f"{FOLDER}/definitions/{record['definition']}.json")
                clones[key] = _snapshot_of(machine, saved["definition"] if saved else machine.definition)
                self._definitions.add(record["definition"])
            machine.executions.append(RestoredExecution.from_record(record, clones[key], backend))
            restored += 1
        return restored, interrupted


def interrupted_record(record: dict[str, Any], last_alive: str) -> dict[str, Any]:
    """The record of a RUNNING execution whose process died: FAILED JobInterrupted, its history closed."""
    cause = json.dumps({
        "cause": (f"The local cloud stopped while this job was running (last known alive at {last_alive}); "
                  "the job was not resumed after the restart. Submit it again."),
        "finishedAt": last_alive,
    }, separators=(",", ":"))
    history = list(record["history"])
    last_id = history[-1]["id"] if history else 0
    history.append({"id": last_id + 1, "previousEventId": last_id, "type": "ExecutionFailed", "timestamp": last_alive,
                    "executionFailedEventDetails": {"error": INTERRUPTED_ERROR, "cause": cause}})
    return {**record, "status": "FAILED", "stopDate": last_alive, "error": INTERRUPTED_ERROR, "cause": cause,
            "output": None, "history": history}


class _EndedWorker:
    """What moto's backend reads from an execution's worker (task tokens, map runs), for one that has ended."""

    def __init__(self) -> None:
        self.env = self
        self.callback_pool_manager = CallbackPoolManager(activity_store={})
        self.map_run_record_pool_manager = MapRunRecordPoolManager()

    def stop(self, **_: Any) -> None:
        """An ended execution has nothing to stop (StopExecution on it is a no-op, as on AWS)."""


class RestoredExecution(Execution):
    history: list[dict[str, Any]]

    @classmethod
    def from_record(cls, record: dict[str, Any], state_machine, backend) -> "RestoredExecution":
        execution = cls(
            name=record["name"], sm_type=state_machine.type, role_arn=state_machine.roleArn,
            exec_arn=record["executionArn"], account_id=backend.account_id, region_name=backend.region_name,
            state_machine=state_machine, start_date=_datetime(record["startDate"]),
            cloud_watch_logging_session=None, activity_store={}, input_data=record["input"],
            trace_header=record.get("traceHeader"),
        )
        execution.exec_status = ExecutionStatus(record["status"])
        execution.stop_date = _datetime(record["stopDate"]) if record["stopDate"] else None
        execution.output = record["output"]
        execution.error, execution.cause = record["error"], record["cause"]
        execution.history = record["history"]
        execution.exec_worker = _EndedWorker()
        return execution

    def to_history_output(self) -> GetExecutionHistoryOutput:
        return GetExecutionHistoryOutput(events=copy.deepcopy(self.history))


def _snapshot_of(machine, definition: str):
    """The state machine as these executions ran it (as moto's StartExecution keeps a copy per execution)."""
    snapshot = copy.copy(machine)
    snapshot.definition = definition
    snapshot.executions = []
    return snapshot


def _record_path(machine_name: str, execution_name: str) -> str:
    safe = execution_name if _SAFE_NAME.match(execution_name) else hashlib.sha256(execution_name.encode()).hexdigest()
    return f"{FOLDER}/executions/{machine_name}/{safe}.json"


def _iso(moment: datetime.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _datetime(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
