"""Integration request: choose the request template by content type, render it, map parameters.

Passthrough behaviour follows API Gateway: with no template for the content type, WHEN_NO_MATCH
passes the body on, WHEN_NO_TEMPLATES only when the method has no templates at all, NEVER
answers 415. Binary media types reach a template base64-encoded; CONVERT_TO_BINARY decodes the
template's output. Lambda proxy integrations skip this phase.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from localcloud.apigateway.context import Invocation
from localcloud.apigateway.gateway_responses import GatewayError
from localcloud.apigateway.parameters_mapping import mapped_request_parameters
from localcloud.apigateway.template_mapping import render
from localcloud.vtl import RenderResult


@dataclass
class IntegrationRequest:
    body: bytes
    parameters: dict[str, dict[str, str]]  # path / querystring / header values for the backend
    rendered: RenderResult | None = None


def build_integration_request(invocation: Invocation, context: dict) -> IntegrationRequest:
    request, integration = invocation.request, invocation.operation.integration
    content_type = request.content_type()
    templates = integration.get("requestTemplates") or {}
    template = templates.get(content_type)
    passthrough = (integration.get("passthroughBehavior") or "when_no_match").lower()
    if template is None and (passthrough == "never" or (passthrough == "when_no_templates" and templates)):
        raise GatewayError("UNSUPPORTED_MEDIA_TYPE")
    parameters = mapped_request_parameters(integration, invocation.params, context)
    if template is None:
        return IntegrationRequest(request.body, parameters)
    if content_type in invocation.deployment.binary_media_types:
        template_body = base64.b64encode(request.body).decode()
    else:
        # Text that is not UTF-8 reaches the template with replacement characters, not a crash.
        template_body = request.body.decode("utf-8", errors="replace")
    rendered = render(template, template_body, invocation.params, context)
    for location, values in rendered.request_overrides.items():
        parameters[location].update(values)
    body = rendered.output.encode("utf-8")
    if (integration.get("contentHandling") or "").upper() == "CONVERT_TO_BINARY":
        try:
            body = base64.b64decode("".join(rendered.output.split()), validate=True)
        except ValueError:
            raise GatewayError("API_CONFIGURATION_ERROR", "Unable to base64-decode the request template output")
    return IntegrationRequest(body, parameters, rendered)
