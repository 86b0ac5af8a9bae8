"""Mapping templates (request and response), rendered by localcloud.vtl with API Gateway's variables."""

from __future__ import annotations

import logging

from localcloud.apigateway.gateway_responses import GatewayError
from localcloud.vtl import RenderResult, render_template

LOG = logging.getLogger("localcloud.gateway")


def render(template: str, body: str, params: dict, context: dict, carried: RenderResult | None = None) -> RenderResult:
    """`carried`: the request template's result, whose overrides the response template sees (AWS recorded)."""
    try:
        return render_template(template, body=body, path_params=params["path"], query_params=params["querystring"],
                               headers=params["header"], context=context, carried=carried)
    except Exception as error:  # a template bug is the API's configuration error, as in API Gateway
        LOG.exception("mapping template failed for request %s", context.get("requestId"))
        raise GatewayError("API_CONFIGURATION_ERROR", f"Execution failed due to configuration error: {error}")
