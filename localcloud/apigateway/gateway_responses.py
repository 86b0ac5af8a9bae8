"""Gateway responses: API Gateway's own answers (x-amazon-apigateway-gateway-responses).

Any phase raises `GatewayError(<response type>)`; the gateway renders the API's template for
that type (or DEFAULT_4XX / DEFAULT_5XX, or API Gateway's built-in `{"message": ...}`).
Gateway response templates are not Velocity: only `$context.*` and `$stageVariables.*` are
substituted.
"""

from __future__ import annotations

import json
import re
from typing import Any

from localcloud.apigateway.context import Deployment, GatewayRequest, GatewayResponse

# API Gateway's default status per gateway response type (supported-gateway-response-types).
DEFAULT_STATUS = {
    "ACCESS_DENIED": 403,
    "API_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_FAILURE": 500,
    "BAD_REQUEST_BODY": 400,
    "BAD_REQUEST_PARAMETERS": 400,
    "EXPIRED_TOKEN": 403,
    "INTEGRATION_FAILURE": 504,
    "INTEGRATION_TIMEOUT": 504,
    "INVALID_API_KEY": 403,
    "INVALID_SIGNATURE": 403,
    "MISSING_AUTHENTICATION_TOKEN": 403,
    "QUOTA_EXCEEDED": 429,
    "REQUEST_TOO_LARGE": 413,
    "RESOURCE_NOT_FOUND": 404,
    "THROTTLED": 429,
    "UNAUTHORIZED": 401,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "WAF_FILTERED": 403,
}
GATEWAY_RESPONSE_TYPES = frozenset(DEFAULT_STATUS) | {"DEFAULT_4XX", "DEFAULT_5XX"}
# $context.error.message per type, as API Gateway words it.
DEFAULT_MESSAGE = {
    "MISSING_AUTHENTICATION_TOKEN": "Missing Authentication Token",
    "INVALID_API_KEY": "Forbidden",
    "BAD_REQUEST_BODY": "Invalid request body",
    "REQUEST_TOO_LARGE": "Request Too Long",
    "UNSUPPORTED_MEDIA_TYPE": "Unsupported Media Type",
    "API_CONFIGURATION_ERROR": "Internal server error",
    "INTEGRATION_FAILURE": "Internal server error",
    "INTEGRATION_TIMEOUT": "Endpoint request timed out",
}


class GatewayError(Exception):
    """A gateway response instead of the integration's answer."""

    def __init__(self, response_type: str, message: str | None = None, validation_error: str = ""):
        super().__init__(response_type)
        self.response_type = response_type
        self.message = message or DEFAULT_MESSAGE.get(response_type, response_type)
        self.validation_error = validation_error


def render_gateway_response(deployment: Deployment, error: GatewayError, request: GatewayRequest,
                            resource_path: str = "") -> GatewayResponse:
    default_status = DEFAULT_STATUS.get(error.response_type, 500)
    responses = deployment.gateway_responses
    spec = responses.get(error.response_type) or responses.get("DEFAULT_4XX" if default_status < 500 else "DEFAULT_5XX")
    if not spec:
        return GatewayResponse(default_status, {"Content-Type": "application/json"},
                               json.dumps({"message": error.message}).encode())
    context = {
        "requestId": request.request_id,
        "stage": deployment.stage,
        "httpMethod": request.method,
        "path": request.path,
        "resourcePath": resource_path,
        "error": {
            "message": error.message,
            "messageString": json.dumps(error.message),
            "responseType": error.response_type,
            # API Gateway hands this string over JSON-escaped, ready for a "..." template slot.
            "validationErrorString": json.dumps(error.validation_error)[1:-1],
        },
    }
    status = int(spec.get("statusCode") or default_status)
    templates = spec.get("responseTemplates") or {}
    template = templates.get("application/json") or next(iter(templates.values()), "")
    body = _substitute_variables(template, {"context": context, "stageVariables": {}})
    headers = {"Content-Type": "application/json"}
    for target, source in (spec.get("responseParameters") or {}).items():
        if target.startswith("gatewayresponse.header.") and source.startswith("'"):
            headers[target[len("gatewayresponse.header."):]] = source.strip("'")
    return GatewayResponse(status, headers, body.encode("utf-8"))


def _substitute_variables(template: str, variables: dict) -> str:
    def lookup(match: re.Match) -> str:
        value: Any = variables
        for part in match.group(1).split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return "" if value is None else str(value)

    return re.sub(r"\$((?:context|stageVariables)(?:\.[A-Za-z0-9_]+)+)", lookup, template)
