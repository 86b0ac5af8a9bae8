"""Executions of the Jobs state machine, addressed by job id (the execution name)."""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

from stepgate_jobs.aws_clients import aws_client
from stepgate_jobs.cancellation import ExecutionSummary

MISSING_EXECUTION = {"ExecutionDoesNotExist", "InvalidArn"}


class StepFunctionsExecutions:
    def __init__(self, state_machine_arn: str) -> None:
        # arn:...:stateMachine:Jobs -> arn:...:execution:Jobs:<jobId>: never another state machine's execution.
        self._execution_prefix = state_machine_arn.replace(":stateMachine:", ":execution:", 1) + ":"

    def describe(self, job_id: str) -> ExecutionSummary | None:
        try:
            execution = aws_client("stepfunctions").describe_execution(executionArn=self._execution_prefix + job_id)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in MISSING_EXECUTION:
                return None
            raise
        try:
            kind = json.loads(execution.get("input") or "{}").get("kind")
        except (ValueError, AttributeError):
            kind = None
        return ExecutionSummary(status=execution["status"], kind=kind if isinstance(kind, str) else None)

    def stop(self, job_id: str, error: str, cause: str) -> None:
        aws_client("stepfunctions").stop_execution(executionArn=self._execution_prefix + job_id, error=error, cause=cause)


class DeliveryStarter:
    """Starts the Delivery workflow (EXPRESS) with one event, as Jobs does: WebSocket subscribers get it."""

    def __init__(self, state_machine_arn: str) -> None:
        self._state_machine_arn = state_machine_arn

    def start(self, job_id: str, event: dict, record_expires_epoch: int) -> None:
        delivery_input = {"jobId": job_id, "callbackUrl": None, "recordExpiresEpoch": record_expires_epoch,
                          "event": event, "events": [event]}
        aws_client("stepfunctions").start_execution(stateMachineArn=self._state_machine_arn,
                                                    input=json.dumps(delivery_input, separators=(",", ":")))
