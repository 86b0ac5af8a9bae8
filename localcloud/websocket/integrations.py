"""A route's integration run for one WebSocket event: request template, backend call, response template."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from botocore.auth import SigV4Auth

from localcloud.apigateway.integrations.aws import signed_http
from localcloud.vtl import render_template
from localcloud.websocket.api import Route

LOG = logging.getLogger("localcloud.websocket")
# Service actions the local server calls: service -> (SigV4 name, X-Amz-Target prefix, JSON version).
_ACTION_SERVICES = {
    "states": ("states", "AWSStepFunctions", "1.0"),
    "dynamodb": ("dynamodb", "DynamoDB_20120810", "1.0"),
}


@dataclass(frozen=True)
class IntegrationOutcome:
    status: int
    reply: str | None  # the frame a two-way route sends back, None for one-way routes


class IntegrationFailed(RuntimeError):
    """The integration could not run (template error, unreachable backend): API Gateway's 500/"Internal server error"."""


def run_integration(route: Route, body: str, context: dict, aws_endpoint: str, region: str) -> IntegrationOutcome:
    integration = route.integration
    try:
        request = (render_template(integration.request_template, body=body, context=context).output
                   if integration.request_template is not None else body)
    except Exception as error:
        LOG.exception("request template of route %s failed", route.key)
        raise IntegrationFailed(f"Execution failed due to configuration error: {error}") from error
    if integration.type == "MOCK":
        try:
            status = int(json.loads(request).get("statusCode", 500))
        except (ValueError, AttributeError):
            status = 500
        response_body = ""
    else:
        signing_name, target_prefix, version = _ACTION_SERVICES[integration.service]
        headers = {"Content-Type": f"application/x-amz-json-{version}",
                   "X-Amz-Target": f"{target_prefix}.{integration.action}"}
        answer = signed_http("POST", aws_endpoint + "/", headers, request.encode("utf-8"), signing_name, SigV4Auth,
                             region)
        status, response_body = answer.status, answer.body.decode("utf-8", errors="replace")
        if status >= 400:
            LOG.warning("route %s: %s.%s answered %s: %s", route.key, integration.service, integration.action,
                        status, response_body[:300])
    if not route.two_way:
        return IntegrationOutcome(status, None)
    if integration.response_template is None:
        return IntegrationOutcome(status, response_body)
    rendered = render_template(integration.response_template, body=response_body, context=context)
    return IntegrationOutcome(status, rendered.output)
