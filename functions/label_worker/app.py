"""DetectLabels task: Amazon Rekognition DetectLabels on an uploaded image, post-processed."""

from __future__ import annotations

import time

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from stepgate_jobs.errors import ImageUnreadable, RekognitionThrottled
from stepgate_jobs.payloads import DetectLabelsTask, parse_payload
from stepgate_jobs.recognition import detect_labels
from stepgate_jobs.rekognition_labels import RekognitionLabelDetector
from stepgate_jobs.settings import ResultSettings

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context(correlation_id_path="jobId")
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    task = parse_payload(DetectLabelsTask, event)
    settings = ResultSettings.from_environ()
    try:
        result = detect_labels(task.request, RekognitionLabelDetector(), int(time.time()), settings.result_ttl_seconds)
    except (ImageUnreadable, RekognitionThrottled) as error:
        metrics.add_metric(name=type(error).__name__, unit=MetricUnit.Count, value=1)
        raise
    metrics.add_metric(name="LabelsDetected", unit=MetricUnit.Count, value=result["labelCount"])
    logger.info("labels detected", extra={"labelCount": result["labelCount"], "source": result["source"]})
    return result
