"""SearchOffers task: prices car-rental offers for a validated search."""

from __future__ import annotations

import time

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from stepgate_jobs.payloads import SearchTask, parse_payload
from stepgate_jobs.search import FleetOfferProvider, search_offers
from stepgate_jobs.settings import SearchSettings

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context(correlation_id_path="jobId")
# The offers are large and already stored; keep them out of the trace.
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    task = parse_payload(SearchTask, event)
    settings = SearchSettings.from_environ()
    provider = FleetOfferProvider(latency_ms=settings.search_latency_ms)
    result = search_offers(task.request, provider, int(time.time()), settings.result_ttl_seconds)
    metrics.add_metric(name="OffersPriced", unit=MetricUnit.Count, value=result["offerCount"])
    logger.info("offers priced", extra={"offerCount": result["offerCount"]})
    return result
