"""What every phase shares: the deployment being served, the request, the response, the invocation."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from localcloud.apigateway.operations import Operation


@dataclass(frozen=True)
class Deployment:
    """One REST API body served at one stage: the settings every phase reads."""

    api_body: dict
    endpoint: str  # the local AWS endpoint integrations call
    api_keys: frozenset[str]
    stage: str
    region: str
    account_id: str

    @cached_property
    def binary_media_types(self) -> set[str]:
        return {t.lower() for t in self.api_body.get("x-amazon-apigateway-binary-media-types") or []}

    @cached_property
    def gateway_responses(self) -> dict:
        return self.api_body.get("x-amazon-apigateway-gateway-responses") or {}


@dataclass
class GatewayRequest:
    """The client's request as parsed from the wire."""

    method: str
    path: str  # with the stage, e.g. /v1/jobs/abc
    query: dict[str, list[str]]
    headers: dict[str, list[str]]  # lower-case names
    body: bytes
    request_id: str
    epoch_ms: int
    source_ip: str
    host: str

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[-1] if values else None

    def content_type(self) -> str:
        return (self.header("content-type") or "application/json").split(";")[0].strip().lower()


@dataclass
class GatewayResponse:
    """A status, headers and body: from an integration, a mapping, or a gateway response."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class Invocation:
    """One request on its way through the phases, once routed."""

    deployment: Deployment
    request: GatewayRequest
    operation: "Operation"
    path_params: dict[str, str]

    @cached_property
    def params(self) -> dict[str, dict[str, str]]:
        """The method request's parameters by location, the last value of each (as $input.params)."""
        return {
            "path": self.path_params,
            "querystring": {name: values[-1] for name, values in self.request.query.items()},
            "header": {name: values[-1] for name, values in self.request.headers.items()},
        }
