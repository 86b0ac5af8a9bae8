"""GET /searches/{jobId}/offers: a finished search's offers, filtered at read time."""

from __future__ import annotations

import time

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from botocore.exceptions import ClientError

from stepgate_jobs.aws_clients import is_throttling
from stepgate_jobs.dynamodb_offers import DynamoDBOffersStore
from stepgate_jobs.errors import ValidationError
from stepgate_jobs.offers import OffersCancelled, OffersExpired, OffersNotFound, read_offers
from stepgate_jobs.problems import json_response, problem_response, throttled_response
from stepgate_jobs.settings import OffersReaderSettings

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context(correlation_id_path="pathParameters.jobId")
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
@event_source(data_class=APIGatewayProxyEvent)
def handler(event: APIGatewayProxyEvent, context: LambdaContext) -> dict:
    job_id = (event.path_parameters or {}).get("jobId", "")
    settings = OffersReaderSettings.from_environ()
    store = DynamoDBOffersStore(settings.offers_table_name)
    try:
        document = read_offers(job_id, event.query_string_parameters, store, time.time())
    except ClientError as error:
        if not is_throttling(error):
            raise
        metrics.add_metric(name="OffersReadThrottled", unit=MetricUnit.Count, value=1)
        return throttled_response(settings.retry_after_seconds, "The offers could not be read now; retry later.")
    except ValidationError as error:
        metrics.add_metric(name="OffersFilterRejected", unit=MetricUnit.Count, value=1)
        return problem_response(400, "validation-error", "Invalid query parameter", str(error), error.field)
    except OffersNotFound as error:
        metrics.add_metric(name="OffersNotFound", unit=MetricUnit.Count, value=1)
        return problem_response(404, "not-found", "Not Found", str(error))
    except OffersCancelled as error:
        metrics.add_metric(name="OffersCancelled", unit=MetricUnit.Count, value=1)
        return problem_response(410, "job-cancelled", "Job cancelled", str(error))
    except OffersExpired as error:
        metrics.add_metric(name="OffersExpired", unit=MetricUnit.Count, value=1)
        return problem_response(410, "gone", "Gone", str(error))
    metrics.add_metric(name="OffersRead", unit=MetricUnit.Count, value=1)
    return json_response(200, document.body, {"Expires": document.expires_http_date})
