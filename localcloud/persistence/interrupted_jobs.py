"""Jobs the restart ended as interrupted get their terminal event delivered, as the workflow's failure path would.

Every job that ends hands its terminal event to the Delivery workflow (callback, push: COMMON D1);
a job that was running when the process died never reached that step, so a client waiting for
its callback would wait forever. After a restore each interrupted job goes the workflow's way, in
the background: the stack's DescribeFailure function shapes the event from the `JobInterrupted`
error (the same problem the status document shows), then Delivery is started without waiting,
with the input `StartFailureDelivery` gives it.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("localcloud.state")


@dataclass
class InterruptedJobsDelivery:
    lambda_client: Any
    stepfunctions_client: Any
    describe_failure_function: str
    delivery_state_machine_arn: str
    result_ttl_seconds: int

    def start(self, records: list[dict[str, Any]]) -> threading.Thread:
        thread = threading.Thread(target=self.deliver_all, args=(records,), daemon=True, name="interrupted-delivery")
        thread.start()
        return thread

    def deliver_all(self, records: list[dict[str, Any]]) -> None:
        for record in records:
            try:
                self.deliver(record)
            except Exception:  # noqa: BLE001 - one job's delivery never stops the others'
                log.warning("job=%s: its interruption could not be delivered", record["name"], exc_info=True)

    def deliver(self, record: dict[str, Any]) -> None:
        job = json.loads(record["input"])
        report = json.loads(record["cause"])
        answer = self.lambda_client.invoke(FunctionName=self.describe_failure_function, Payload=json.dumps({
            "jobId": record["name"], "kind": job.get("kind"), "error": record["error"], "cause": report["cause"],
            "finishedAt": report["finishedAt"], "request": job.get("request") or {},
        }).encode())
        described = json.loads(answer["Payload"].read())
        if answer.get("FunctionError"):
            raise RuntimeError(f"DescribeFailure failed: {described}")
        self.stepfunctions_client.start_execution(
            stateMachineArn=self.delivery_state_machine_arn, name=f"{record['name']}-interrupted"[:80],
            input=json.dumps({
                "jobId": record["name"], "callbackUrl": described.get("callbackUrl"),
                "recordExpiresEpoch": int(job.get("submittedEpoch", 0)) + self.result_ttl_seconds,
                "event": described["event"],
                "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": record["executionArn"],
            }))
        log.info("job=%s: interruption handed to Delivery", record["name"])
