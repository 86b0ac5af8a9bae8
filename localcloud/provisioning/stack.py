"""What provisioning hands the local cloud: functions to run, tables, buckets, state machines, the API body."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from localcloud.provisioning.intrinsics import Resolver
from localcloud.lambda_runtime import FunctionSpec


@dataclass
class WebSocketApiResources:
    """An AWS::ApiGatewayV2::Api (WEBSOCKET) and its parts, each as its resolved properties by physical id."""

    api_id: str
    route_selection_expression: str = ""
    api_key_selection_expression: str | None = None
    routes: dict[str, dict[str, Any]] = field(default_factory=dict)
    integrations: dict[str, dict[str, Any]] = field(default_factory=dict)
    integration_responses: dict[str, dict[str, Any]] = field(default_factory=dict)
    route_responses: dict[str, dict[str, Any]] = field(default_factory=dict)
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class ProvisionedStack:
    """What the local cloud serves: functions to run, the state machines, the API body."""

    resolver: Resolver
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)
    buckets: dict[str, str] = field(default_factory=dict)
    state_machines: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    rest_api_body: dict[str, Any] | None = None
    stage_name: str | None = None
    stage_properties: dict[str, Any] = field(default_factory=dict)
    ignored: dict[str, str] = field(default_factory=dict)
    websocket_apis: dict[str, WebSocketApiResources] = field(default_factory=dict)

    def websocket_api(self, api_id: str) -> WebSocketApiResources:
        return self.websocket_apis.setdefault(api_id, WebSocketApiResources(api_id))

    def state_machine_arn(self, logical_prefix: str = "JobsStateMachine") -> str:
        matches = [arn for logical, arn in self.state_machines.items() if logical.startswith(logical_prefix)]
        if len(matches) != 1:
            raise KeyError(f"expected one state machine starting with {logical_prefix!r}, found {matches}")
        return matches[0]

    def table_name(self, logical_prefix: str) -> str:
        return _one(self.tables, logical_prefix, "table")

    def bucket_name(self, logical_prefix: str) -> str:
        return _one(self.buckets, logical_prefix, "bucket")

    def function(self, folder: str) -> FunctionSpec:
        """The function whose handler lives in functions/<folder>/."""
        matches = [spec for spec in self.functions.values() if spec.handler.startswith(f"{folder}.")]
        if len(matches) != 1:
            raise KeyError(f"expected one function with handler {folder}.*, found {len(matches)}")
        return matches[0]


def _one(mapping: dict[str, str], logical_prefix: str, kind: str) -> str:
    matches = [name for logical, name in mapping.items() if logical.startswith(logical_prefix)]
    if len(matches) != 1:
        raise KeyError(f"expected one {kind} starting with {logical_prefix!r}, found {matches}")
    return matches[0]
