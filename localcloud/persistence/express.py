"""Express executions started asynchronously (Delivery): one still running when the process died runs again.

Step Functions keeps no history of Express executions, and neither does the local state. But an
asynchronous one (StartExecution: nobody waits for its answer) that a crash or a stop cut short
would leave its work undone for good: for Delivery, a callback never sent and an outcome that
reads `pending` forever. So while such an execution runs, its input is kept; after the restart it
is started again, from the beginning, under the same name. Delivery is at-least-once by contract
(receivers deduplicate on `webhook-id`, WebSocket clients on jobId), so a second run is safe.
Synchronous ones (StartSyncExecution: admission) are not kept: their caller's connection died with
the process, and running them again would start jobs nobody was told about.
"""

from __future__ import annotations

import hashlib
import re
import threading
from typing import Any

from moto.stepfunctions.parser.backend.execution import Execution, SyncExecution
from moto.stepfunctions.responses import get_backend

from localcloud.persistence.files import StateDirectory

FOLDER = "stepfunctions/express-unfinished"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


class UnfinishedExpressState:
    def __init__(self, state: StateDirectory, account_id: str, region: str):
        self._state, self._account_id, self._region = state, account_id, region
        self._kept: set[str] = set()  # execution ARNs whose input is on disk
        self._ended: set[str] = set()  # ... and those that ended: never kept again
        self._lock = threading.Lock()

    def save(self) -> None:
        for state_machine in list(get_backend(self._account_id, self._region).state_machines):
            if state_machine.type == "EXPRESS":
                for execution in list(state_machine.executions):
                    self.save_execution(execution)

    def save_execution(self, execution: Execution) -> None:
        if isinstance(execution, SyncExecution) or execution.exec_status is None:
            return
        arn = execution.execution_arn
        with self._lock:
            if arn in self._ended:
                return
            path = _path(execution.state_machine.name, execution.name)
            if execution.exec_status.value != "RUNNING":
                self._ended.add(arn)
                if arn in self._kept:
                    self._state.delete(path)
                    self._kept.discard(arn)
            elif arn not in self._kept:
                self._state.write_json(path, {"name": execution.name, "stateMachineArn": execution.state_machine_arn,
                                              "input": execution.execution_input})
                self._kept.add(arn)

    def restore(self) -> list[dict[str, Any]]:
        """The unfinished executions' records: the caller starts each again under its name."""
        machines = {machine.arn for machine in get_backend(self._account_id, self._region).state_machines}
        unfinished = []
        for relative in self._state.files(FOLDER):
            record = self._state.read_json(relative)
            if record["stateMachineArn"] in machines:
                unfinished.append(record)  # its file stays until the new run (same name, same file) ends
            else:
                self._state.delete(relative)
        return unfinished


def _path(machine_name: str, execution_name: str) -> str:
    safe = execution_name if _SAFE_NAME.match(execution_name) else hashlib.sha256(execution_name.encode()).hexdigest()
    return f"{FOLDER}/{machine_name}/{safe}.json"
