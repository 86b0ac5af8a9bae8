"""ValidateJob task: business rules beyond the API's JSON schema."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from stepgate_jobs.errors import ValidationError
from stepgate_jobs.jobs import validate_job
from stepgate_jobs.payloads import JobPayload, parse_payload
from stepgate_jobs.s3_image_objects import S3ImageObjects
from stepgate_jobs.settings import ValidationSettings

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context(correlation_id_path="jobId")
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    try:
        job = parse_payload(JobPayload, event)
        validated = validate_job(job, ValidationSettings.from_environ(), S3ImageObjects())
    except ValidationError as error:
        logger.info("job rejected", extra={"field": error.field, "detail": error.detail})
        metrics.add_metric(name="JobRejected", unit=MetricUnit.Count, value=1)
        raise
    metrics.add_dimension(name="kind", value=job.kind)
    metrics.add_metric(name="JobValidated", unit=MetricUnit.Count, value=1)
    return validated
