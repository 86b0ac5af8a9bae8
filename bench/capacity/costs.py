"""A job's cost by service, at the list prices of prices.py: pure arithmetic over measured usage."""

from __future__ import annotations

import re

from bench.capacity import prices
from bench.capacity.clients import ClientDemand
from bench.capacity.template_facts import TemplateFacts

GB = 1024 ** 3
# Typical lengths of the access log's $context values (ids, times, paths): the format is the template's.
_CONTEXT_VALUE_LENGTH = {"requestId": 36, "extendedRequestId": 16, "requestTime": 26, "httpMethod": 4,
                         "resourcePath": 16, "path": 44, "status": 3, "protocol": 8, "responseLength": 3,
                         "responseLatency": 2, "integrationStatus": 3, "integrationLatency": 2,
                         "identity.apiKeyId": 10, "identity.sourceIp": 13, "identity.userAgent": 24,
                         "xrayTraceId": 40}


def access_log_bytes(log_format: str | None) -> int:
    """One access log line with typical values in place of each $context variable (1 byte for `-`)."""
    if not log_format:
        return 0
    line = re.sub(r"\$context\.([A-Za-z.]+)", lambda m: "x" * _CONTEXT_VALUE_LENGTH.get(m.group(1), 1), log_format)
    return len(line.encode()) + prices.CLOUDWATCH_LOG_EVENT_OVERHEAD_BYTES


def job_cost(client: ClientDemand, facts: TemplateFacts, rate_per_second: float,
             access_log_line_bytes: int = 0) -> dict[str, float]:
    """USD for one job of this client mode, by service (the cache's hourly price spread over the rate)."""
    usage = client.usage
    standard = {m for m, f in facts.machines.items() if f.type == "STANDARD"}
    costs = {
        "Step Functions Standard": sum(n for m, n in usage.transitions.items() if m in standard)
        * prices.SFN_STANDARD_PER_TRANSITION,
        "Step Functions Express": sum(n for m, n in usage.executions.items() if m not in standard)
        * prices.SFN_EXPRESS_PER_REQUEST + sum(usage.express_gb_seconds.values()) * prices.SFN_EXPRESS_PER_GB_SECOND,
        "Lambda": sum(usage.lambda_invocations.values()) * prices.LAMBDA_PER_REQUEST + _lambda_duration(usage, facts),
        "DynamoDB": sum(usage.write_units.values()) * prices.DYNAMODB_PER_WRITE_UNIT
        + sum(usage.read_units.values()) * prices.DYNAMODB_PER_READ_UNIT,
        "API Gateway REST": client.rest_requests * prices.APIGW_REST_PER_REQUEST,
        "API Gateway WebSocket": client.websocket_messages * prices.APIGW_WEBSOCKET_PER_MESSAGE
        + client.websocket_connection_minutes * prices.APIGW_WEBSOCKET_PER_CONNECTION_MINUTE,
        "CloudWatch Logs": (sum(usage.log_bytes.values()) + client.rest_requests * access_log_line_bytes)
        / GB * prices.CLOUDWATCH_LOGS_PER_GB,
        "Secrets Manager": usage.api_calls.get("secretsmanager:GetSecretValue", 0) * prices.SECRETS_MANAGER_PER_CALL,
        "Rekognition": usage.api_calls.get("rekognition:DetectLabels", 0) * prices.REKOGNITION_DETECT_LABELS_PER_IMAGE,
        "API Gateway cache": _cache_share(client, facts, rate_per_second),
    }
    return costs


def _lambda_duration(usage, facts: TemplateFacts) -> float:
    total = 0.0
    for function, billed_ms in usage.lambda_billed_ms.items():
        spec = facts.functions.get(function)
        memory, architecture = (spec.memory_mb, spec.architecture) if spec else (128, "x86_64")
        total += billed_ms / 1000 * memory / 1024 * prices.LAMBDA_PER_GB_SECOND[architecture]
    return total


def _cache_share(client: ClientDemand, facts: TemplateFacts, rate_per_second: float) -> float:
    """A cache bills by the hour whatever the traffic: per job, an hour's price / jobs in an hour."""
    if not client.cache_used or not facts.cache_cluster_size or rate_per_second <= 0:
        return 0.0
    return prices.APIGW_CACHE_PER_HOUR[facts.cache_cluster_size] / (rate_per_second * 3600)
