"""Integration response: the selection pattern picks a response, whose template and parameters shape it.

Patterns are matched against the backend's HTTP status (AWS integrations) as whole-string
regexes; `default` takes the rest. A response template may override the status and headers
through `$context.responseOverride`.
"""

from __future__ import annotations

import logging
import re

from localcloud.apigateway.context import GatewayResponse, Invocation
from localcloud.apigateway.gateway_responses import GatewayError
from localcloud.apigateway.parameters_mapping import response_header_values
from localcloud.apigateway.resource_router import GatewayBuildError
from localcloud.apigateway.template_mapping import render
from localcloud.vtl import RenderResult

LOG = logging.getLogger("localcloud.gateway")


def check_selection_patterns(where: str, integration: dict) -> None:
    for pattern in integration.get("responses") or {}:
        if pattern != "default":
            try:
                re.compile(pattern)
            except re.error as error:
                raise GatewayBuildError(f"{where}: invalid selection pattern {pattern!r}: {error}") from None


def integration_response(invocation: Invocation, backend: GatewayResponse, context: dict,
                         request_rendered: RenderResult | None = None) -> GatewayResponse:
    """The method's answer; `request_rendered` is the request template's result, whose responseOverride counts too."""
    responses = invocation.operation.integration.get("responses") or {}
    selected = str(backend.status)
    chosen = next((spec for pattern, spec in responses.items()
                   if pattern != "default" and re.fullmatch(pattern, selected)), responses.get("default"))
    if chosen is None:
        LOG.error("no integration response matches backend status %s", selected)
        raise GatewayError("API_CONFIGURATION_ERROR", "No integration response matched")
    status = int(chosen.get("statusCode", 200))
    headers = {"Content-Type": "application/json"}
    body = backend.body
    templates = chosen.get("responseTemplates") or {}
    rendered = None
    if templates:
        content_type = "application/json" if "application/json" in templates else next(iter(templates))
        rendered = render(templates[content_type], backend.body.decode("utf-8", errors="replace"),
                          invocation.params, context, carried=request_rendered)
        body = rendered.output.encode("utf-8")
        headers["Content-Type"] = content_type
    headers.update(response_header_values(chosen, backend, invocation.params, context))
    # An override set in the request template applies even without a response template (AWS recorded).
    for result in (request_rendered, rendered):
        if result is not None:
            headers.update(result.header_overrides)
            if result.status_override is not None:
                status = result.status_override
    return GatewayResponse(status, headers, body)
