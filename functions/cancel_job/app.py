"""DELETE /jobs/{jobId}: cancel a running job (API Gateway proxy event)."""

from __future__ import annotations

import time

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from botocore.exceptions import ClientError

from stepgate_jobs.aws_clients import is_throttling
from stepgate_jobs.cancellation import CancellationRecord, JobAlreadyFinished, JobNotFound, cancel_job, cancelled_event
from stepgate_jobs.dynamodb_cancellations import DynamoDBCancellationStore
from stepgate_jobs.problems import json_response, problem_response, throttled_response
from stepgate_jobs.settings import CancelJobSettings
from stepgate_jobs.sfn_executions import DeliveryStarter, StepFunctionsExecutions

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context(correlation_id_path="pathParameters.jobId")
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_source(data_class=APIGatewayProxyEvent)
def handler(event: APIGatewayProxyEvent, context: LambdaContext) -> dict:
    job_id = (event.path_parameters or {}).get("jobId", "")
    settings = CancelJobSettings.from_environ()
    store = DynamoDBCancellationStore(settings.offers_table_name, settings.labels_table_name,
                                      settings.users_table_name, settings.jobs_table_name)
    try:
        record = cancel_job(job_id, StepFunctionsExecutions(settings.jobs_state_machine_arn), store,
                            int(time.time()), settings.cancellation_retention_seconds,
                            event.request_context.request_id)
    except ClientError as error:
        if not is_throttling(error):
            raise
        # Safe to repeat: a tombstone already written is this cancel's own, and the retry completes it.
        metrics.add_metric(name="CancelThrottled", unit=MetricUnit.Count, value=1)
        return throttled_response(settings.retry_after_seconds, "The job could not be cancelled now; retry later.")
    except JobNotFound as error:
        metrics.add_metric(name="CancelUnknownJob", unit=MetricUnit.Count, value=1)
        return problem_response(404, "not-found", "Not Found", str(error))
    except JobAlreadyFinished as error:
        metrics.add_metric(name="CancelTooLate", unit=MetricUnit.Count, value=1)
        return problem_response(409, "conflict", "Job already finished", str(error))
    metrics.add_metric(name="JobCancelled", unit=MetricUnit.Count, value=1)
    logger.info("job cancelled", extra={"kind": record.kind})
    _announce(record, settings.delivery_state_machine_arn)
    status_url = f"/{event.request_context.stage}/jobs/{record.job_id}"
    return json_response(202, {"jobId": record.job_id, "status": "ABORTED", "statusUrl": status_url,
                               "cancelledAt": record.cancelled_at}, {"Location": status_url})


def _announce(record: CancellationRecord, delivery_state_machine_arn: str | None) -> None:
    """The ABORTED terminal event to WebSocket subscribers; the cancel stands even if this fails."""
    if not delivery_state_machine_arn:
        return
    try:
        DeliveryStarter(delivery_state_machine_arn).start(record.job_id, cancelled_event(record), record.expires_at)
    except ClientError:
        metrics.add_metric(name="CancelNotAnnounced", unit=MetricUnit.Count, value=1)
        logger.warning("the cancelled job's terminal event could not be handed to Delivery", exc_info=True)
