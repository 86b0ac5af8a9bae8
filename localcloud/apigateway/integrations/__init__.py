"""Integrations: what a method calls once its request is mapped (x-amazon-apigateway-integration)."""

from __future__ import annotations

from localcloud.apigateway.integrations.aws import aws_integration
from localcloud.apigateway.integrations.aws_proxy import LambdaProxy
from localcloud.apigateway.integrations.mock import MockIntegration
from localcloud.apigateway.resource_router import GatewayBuildError

SUPPORTED_TYPES = ("aws", "aws_proxy", "mock")


def integration_for(where: str, integration: dict):
    """The integration of one method; anything the local gateway cannot serve fails here, at build time."""
    kind = (integration.get("type") or "").lower()
    if kind == "aws_proxy":
        return LambdaProxy(where, integration)
    if kind == "aws":
        return aws_integration(where, integration)
    if kind == "mock":
        return MockIntegration()
    raise GatewayBuildError(f"{where}: integration type {kind!r} is not supported locally ({', '.join(SUPPORTED_TYPES)})")
