"""$context of one request, as mapping templates and parameter mappings see it."""

from __future__ import annotations

from localcloud.apigateway.api_key_validation import api_key_id
from localcloud.apigateway.context import Invocation
from localcloud.vtl import request_context


def context_variables(invocation: Invocation) -> dict:
    request, deployment, operation = invocation.request, invocation.deployment, invocation.operation
    return request_context(
        request_id=request.request_id,
        epoch_ms=request.epoch_ms,
        stage=deployment.stage,
        http_method=request.method,
        resource_path=operation.resource_path,
        path=request.path,
        source_ip=request.source_ip,
        api_key=request.header("x-api-key") or "",
        api_key_id=api_key_id(deployment, operation.requires_api_key, request),
        user_agent=request.header("user-agent") or "",
        domain_name=request.host,
        account_id=deployment.account_id,
    )
