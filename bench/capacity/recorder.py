"""Hooks on the in-process local cloud that meter what AWS would bill: every AWS API call (with DynamoDB's
request units), every Lambda invocation, every state entered by every execution, Standard or Express.

Installed after `LocalCloud.start()`, each hook wraps what is there (the quotas, the execution log).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moto.core.responses import BaseResponse
from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager
from moto.stepfunctions.parser.backend import execution_worker

from localcloud.lambda_runtime.invocation_log import InvocationLog

from bench.capacity.usage import (Usage, billed_express_gb_seconds, billed_lambda_ms, item_size_bytes, read_units,
                                  write_units)

log = logging.getLogger("bench.capacity")
_IAM_PREFIX = {"stepfunctions": "states"}
# The local cloud's own TTL sweeper (DynamoDB's TTL runs inside AWS, unbilled), not the stack's calls.
_LOCAL_PLUMBING = {"dynamodb:DescribeTimeToLive", "dynamodb:DescribeTable", "dynamodb:Scan"}
_END_EVENTS = {"ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"}
# Lambda's own lines beside the handler's (text log format): START, END and REPORT, as Lambda writes them.
_LAMBDA_PLATFORM_LINES = ("START RequestId: 8f5b2c1e-6d1a-4f0e-9a4b-3c2d1e0f9a8b Version: $LATEST\n",
                          "END RequestId: 8f5b2c1e-6d1a-4f0e-9a4b-3c2d1e0f9a8b\n",
                          "REPORT RequestId: 8f5b2c1e-6d1a-4f0e-9a4b-3c2d1e0f9a8b\tDuration: 12.34 ms\t"
                          "Billed Duration: 13 ms\tMemory Size: 256 MB\tMax Memory Used: 81 MB\t\n")
LOG_EVENT_OVERHEAD = 26


@dataclass
class _Execution:
    machine: str
    express: bool
    sync: bool
    log_level: str
    include_data: bool
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    scheduled_in_state: int = 0


class UsageRecorder:
    """Meters one window of activity at a time: `reset()`, drive the cloud, `take(count)`."""

    def __init__(self, machines: dict[str, str], functions: dict[str, str], tables: dict[str, str],
                 machine_logging: dict[str, tuple[str, bool]]):
        # Physical name -> logical id, for state machines (by name), functions and tables.
        self._machines, self._functions, self._tables = machines, functions, tables
        self._machine_logging = machine_logging
        self._lock = threading.Lock()
        self._executions: dict[str, _Execution] = {}
        self._usage = Usage(count=1)
        self._last_activity = time.monotonic()
        self._in_flight = 0
        self._undo: list = []
        self._finished: dict[str, float] = {}  # Standard execution name (the job id) -> when it ended

    # --- window --------------------------------------------------------------------------------
    def reset(self) -> None:
        with self._lock:
            self._usage = Usage(count=1)
            self._executions = {arn: run for arn, run in self._executions.items() if run.ended is None}

    def take(self, count: int, job_seconds: float = 0.0) -> Usage:
        with self._lock:
            usage, self._usage = self._usage, Usage(count=1)
        usage.count, usage.job_seconds = count, job_seconds
        return usage

    def finished_at(self) -> dict[str, float]:
        with self._lock:
            return dict(self._finished)

    def running(self) -> int:
        with self._lock:
            return self._in_flight + sum(1 for run in self._executions.values() if run.ended is None)

    def wait_until_quiet(self, jobs: tuple[str, ...] = (), quiet_seconds: float = 1.0, timeout: float = 180) -> None:
        """Until `jobs` ended and nothing runs (executions, Lambda, API calls) for `quiet_seconds`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ended = self.finished_at()
            if all(job in ended for job in jobs) and self.running() == 0 \
                    and time.monotonic() - self._last_activity >= quiet_seconds:
                return
            time.sleep(0.05)
        raise TimeoutError("the local cloud did not go quiet")

    # --- hooks ---------------------------------------------------------------------------------
    def install(self) -> None:
        self._wrap(BaseResponse, "call_action", self._metered_call_action)
        self._wrap(InvocationLog, "__call__", self._metered_invocation)
        self._wrap(execution_worker.ExecutionWorker, "_get_evaluation_environment", self._tagged_environment)
        self._wrap(EventManager, "_publish_history_event", self._metered_event)

    def uninstall(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()

    def _wrap(self, owner, name: str, make_wrapper) -> None:
        original = getattr(owner, name)
        setattr(owner, name, make_wrapper(original))
        self._undo.append((owner, name, original))

    def _metered_call_action(self, original):
        recorder = self

        def call_action(response: BaseResponse):
            service = _IAM_PREFIX.get(response.boto3_service_name, response.boto3_service_name)
            action = response._get_action()
            with recorder._lock:
                recorder._in_flight += 1
            try:
                result = original(response)
            finally:
                with recorder._lock:
                    recorder._in_flight -= 1
                    recorder._last_activity = time.monotonic()
            try:
                recorder._record_call(service, action, response, result)
            except Exception:  # noqa: BLE001 - metering must never fail the call it meters
                log.exception("capacity: could not meter %s:%s", service, action)
            return result
        return call_action

    def _record_call(self, service: str, action: str, response: BaseResponse, result) -> None:
        status = result[0] if isinstance(result, tuple) else 200
        name = f"{service}:{action}"
        if name in _LOCAL_PLUMBING:
            return
        if service == "states" and action == "StartExecution":
            machine_arn = _json(response.body).get("stateMachineArn", "")
            machine = self._machines.get(machine_arn.rsplit(":", 1)[-1].split("#")[0], "?")
            express = self._machine_logging.get(machine, ("", False, "STANDARD"))[2] == "EXPRESS"
            name = f"{name}:{'EXPRESS' if express else 'STANDARD'}"
        with self._lock:
            self._usage.api_calls[name] += 1
        if service == "dynamodb" and isinstance(status, int) and status < 300:
            self._record_dynamodb(action, _json(response.body), _json(result[2] if isinstance(result, tuple) else ""))

    def _record_dynamodb(self, action: str, request: dict, answer: dict) -> None:
        writes: Counter = Counter()
        reads: Counter = Counter()
        table = self._tables.get(request.get("TableName", ""), request.get("TableName", "?"))
        if action == "PutItem":
            writes[table] += write_units(item_size_bytes(request.get("Item", {})))
        elif action in ("UpdateItem", "DeleteItem"):
            # The larger of the item before and after; the answer carries it when asked, else the request's size.
            size = max(item_size_bytes(answer.get("Attributes", {})), item_size_bytes(request.get("Key", {}))
                       + sum(item_size_bytes({k: v}) for k, v in request.get("ExpressionAttributeValues", {}).items()))
            writes[table] += write_units(size)
        elif action == "TransactWriteItems":
            for entry in request.get("TransactItems", []):
                (kind, operation), = entry.items()
                target = self._tables.get(operation.get("TableName", ""), "?")
                item = operation.get("Item") or operation.get("Key", {})
                writes[target] += write_units(item_size_bytes(item), transactional=True)
        elif action == "GetItem":
            reads[table] += read_units(item_size_bytes(answer.get("Item", {})), consistent=bool(request.get("ConsistentRead")))
        elif action == "Query":
            size = sum(item_size_bytes(item) for item in answer.get("Items", []))
            reads[table] += read_units(size, consistent=bool(request.get("ConsistentRead")))
        with self._lock:
            self._usage.write_units.update(writes)
            self._usage.read_units.update(reads)

    def _metered_invocation(self, original):
        recorder = self

        def on_invocation(log: InvocationLog, spec, invocation, event):
            original(log, spec, invocation, event)
            logical = recorder._functions.get(spec.name, spec.name)
            logged = len(invocation.logs.encode()) + sum(len(line) for line in _LAMBDA_PLATFORM_LINES)
            lines = invocation.logs.count("\n") + len(_LAMBDA_PLATFORM_LINES)
            with recorder._lock:
                recorder._usage.lambda_invocations[logical] += 1
                recorder._usage.lambda_billed_ms[logical] += billed_lambda_ms(invocation.duration_ms)
                recorder._usage.log_bytes["lambda"] += logged + lines * LOG_EVENT_OVERHEAD
                recorder._last_activity = time.monotonic()
        return on_invocation

    def _tagged_environment(self, original):
        recorder = self

        def environment(worker):
            env = original(worker)
            details = worker._evaluation_details
            machine = recorder._machines.get(details.state_machine_details.name, details.state_machine_details.name)
            level, include, typ = recorder._machine_logging.get(machine, ("OFF", False, "STANDARD"))
            run = _Execution(machine, typ == "EXPRESS", isinstance(worker, execution_worker.SyncExecutionWorker),
                             level, include)
            env.event_manager.stepgate_capacity_run = (details.execution_details.arn, run)
            with recorder._lock:
                recorder._executions[details.execution_details.arn] = run
                recorder._usage.executions[machine] += 1
            return env
        return environment

    def _metered_event(self, original):
        recorder = self

        def publish(manager, event_id, source_event_id, event_type, timestamp, event_details):
            original(manager, event_id, source_event_id, event_type, timestamp, event_details)
            tagged = getattr(manager, "stepgate_capacity_run", None)
            if tagged:
                recorder._record_event(*tagged, getattr(event_type, "value", str(event_type)), timestamp,
                                       dict(event_details or {}))
        return publish

    def _record_event(self, arn: str, run: _Execution, event_type: str, timestamp, details: dict[str, Any]) -> None:
        with self._lock:
            self._last_activity = time.monotonic()
            usage = self._usage
            if event_type.endswith("StateEntered"):
                usage.transitions[run.machine] += 1
                run.scheduled_in_state = 0
            elif event_type.endswith("Scheduled"):
                run.scheduled_in_state += 1
                if run.scheduled_in_state > 1:  # a retry is billed as one more transition
                    usage.transitions[run.machine] += 1
            if run.log_level == "ALL" or (run.log_level in ("ERROR", "FATAL") and "Failed" in event_type):
                usage.log_bytes["states"] += _log_event_bytes(arn, event_type, timestamp, details, run.include_data)
            if event_type in _END_EVENTS:
                run.ended = time.monotonic()
                if not run.express:
                    self._finished[arn.rsplit(":", 1)[-1]] = run.ended
                if run.express:
                    seconds = run.ended - run.started
                    usage.express_seconds[run.machine] += seconds
                    usage.express_gb_seconds[run.machine] += billed_express_gb_seconds(seconds * 1000)
                    if run.sync:
                        usage.sync_express_seconds += seconds


def _log_event_bytes(arn: str, event_type: str, timestamp, details: dict[str, Any], include_data: bool) -> int:
    """A Step Functions log record as CloudWatch receives it: the history event, execution data only if asked."""
    if not include_data:
        details = {key: {k: v for k, v in value.items() if k not in ("input", "output", "inputDetails",
                                                                     "outputDetails", "parameters")}
                   if isinstance(value, dict) else value for key, value in details.items()}
    record = {"id": "1", "type": event_type, "details": details, "previous_event_id": "0",
              "event_timestamp": str(int(_epoch_ms(timestamp))), "execution_arn": arn}
    return len(json.dumps(record, default=str).encode()) + LOG_EVENT_OVERHEAD


def _epoch_ms(timestamp) -> float:
    if isinstance(timestamp, datetime):
        return timestamp.timestamp() * 1000
    return time.time() * 1000


def _json(body) -> dict:
    if isinstance(body, dict):  # DynamoDB's handler swaps its parsed parameters in for the body
        return body
    if isinstance(body, bytes):
        body = body.decode(errors="replace")
    try:
        parsed = json.loads(body or "{}")
    except (TypeError, ValueError):
        return {}
    return parsed if isinstance(parsed, dict) else {}
