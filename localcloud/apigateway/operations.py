"""The API's methods, each compiled once from the OpenAPI body with everything its phases need."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from localcloud.apigateway.api_key_validation import requires_api_key
from localcloud.apigateway.integration_response import check_selection_patterns
from localcloud.apigateway.integrations import integration_for
from localcloud.apigateway.method_request import RequestValidator
from localcloud.apigateway.parameters_mapping import check_parameter_sources
from localcloud.apigateway.resource_router import GatewayBuildError, methods_in, path_pattern
from localcloud.apigateway.stage_cache import check_cache_key_parameters


@dataclass
class Operation:
    method: str
    resource_path: str
    pattern: re.Pattern
    spec: dict
    integration: dict
    requires_api_key: bool
    validator: RequestValidator
    backend: Any  # an integration from localcloud.apigateway.integrations

    @property
    def is_proxy(self) -> bool:
        return (self.integration.get("type") or "").lower() == "aws_proxy"


def compile_operations(api_body: dict) -> list[Operation]:
    return [compile_operation(path, method, spec, api_body) for path, method, spec in methods_in(api_body)]


def compile_operation(path: str, method: str, spec: dict, api_body: dict) -> Operation:
    where = f"{method.upper()} {path}"
    integration = spec.get("x-amazon-apigateway-integration")
    if not integration:
        raise GatewayBuildError(f"{where}: no x-amazon-apigateway-integration")
    check_parameter_sources(where, integration)
    check_selection_patterns(where, integration)
    check_cache_key_parameters(where, integration)
    return Operation(
        method=method.upper(),
        resource_path=path,
        pattern=path_pattern(path),
        spec=spec,
        integration=integration,
        requires_api_key=requires_api_key(spec, api_body),
        validator=RequestValidator.for_method(where, spec, api_body),
        backend=integration_for(where, integration),
    )
