"""Method request, first step: the API key (x-api-key) of methods whose security requires one."""

from __future__ import annotations

import hashlib

from localcloud.apigateway.context import Deployment, GatewayRequest
from localcloud.apigateway.gateway_responses import GatewayError


def requires_api_key(spec: dict, api_body: dict) -> bool:
    """True when the method's (or the API's) security names an apiKey scheme."""
    security = spec.get("security", api_body.get("security")) or []
    schemes = (api_body.get("components") or {}).get("securitySchemes") or {}
    return any((schemes.get(name) or {}).get("type") == "apiKey" for requirement in security for name in requirement)


def check_api_key(deployment: Deployment, required: bool, request: GatewayRequest) -> None:
    if required and request.header("x-api-key") not in deployment.api_keys:
        raise GatewayError("INVALID_API_KEY")


def api_key_id(deployment: Deployment, required: bool, request: GatewayRequest) -> str:
    """A stable 10-character id per key, like API Gateway's; empty where no key was checked."""
    key = request.header("x-api-key")
    if not required or key not in deployment.api_keys:
        return ""
    return hashlib.sha256(key.encode()).hexdigest()[:10]
