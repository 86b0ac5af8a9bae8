"""DescribeFailure task (Jobs' failure path): a recorded failure as Delivery's input.

ASL cannot map an error name to a problem type or read a Lambda error's JSON cause, so this
shapes the terminal event (COMMON D1) the status document would show, and where it goes.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from stepgate_jobs.callbacks import failure_event
from stepgate_jobs.payloads import DescribeFailureTask, parse_payload

logger = Logger()
tracer = Tracer()


@logger.inject_lambda_context(correlation_id_path="jobId")
# The cause may quote the client's request; keep it out of traces.
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict, context: LambdaContext) -> dict:
    task = parse_payload(DescribeFailureTask, event)
    # callbackUrl as submitted (validated or not): DeliverCallback checks it again and never posts to a bad one.
    return {"callbackUrl": task.request.get("callbackUrl"),
            "event": failure_event(task.job_id, task.kind, task.finished_at, task.error, task.cause)}
