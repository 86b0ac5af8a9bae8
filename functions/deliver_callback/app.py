"""DeliverCallback task (the Delivery workflow's Callback branch): POST a job's signed terminal event."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from stepgate_jobs.callbacks import deliver_callback
from stepgate_jobs.errors import CallbackNotDelivered
from stepgate_jobs.http_callbacks import HttpWebhookSender
from stepgate_jobs.payloads import DeliverCallbackTask, parse_payload
from stepgate_jobs.secretsmanager_secrets import signing_secret
from stepgate_jobs.settings import DeliverCallbackSettings
from stepgate_webhooks import signed_headers

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context(correlation_id_path="jobId")
# The event and the receiver's URL are the client's; keep them out of traces.
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    task = parse_payload(DeliverCallbackTask, event)
    settings = DeliverCallbackSettings.from_environ()
    # One message id per job: a receiver deduplicates retries by it (Standard Webhooks).
    try:
        outcome = deliver_callback(task.callback_url, f"msg_{task.job_id}", task.event,
                                   signing_secret(settings.callback_secret_arn), HttpWebhookSender(), signed_headers,
                                   task.attempt, task.max_attempts, settings.allow_loopback_callbacks)
    except CallbackNotDelivered as error:
        metrics.add_metric(name="CallbackAttemptFailed", unit=MetricUnit.Count, value=1)
        logger.info("callback attempt failed; the workflow retries", extra={"detail": str(error)})
        raise
    metrics.add_metric(name=f"Callback{outcome.status.title()}", unit=MetricUnit.Count, value=1)
    logger.info("callback finished", extra=outcome.to_dict())
    return outcome.to_dict()
