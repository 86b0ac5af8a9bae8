"""Route: the stage, the resource and the HTTP method select one operation of the API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from localcloud.apigateway.context import GatewayRequest
from localcloud.apigateway.gateway_responses import GatewayError

if TYPE_CHECKING:
    from localcloud.apigateway.operations import Operation

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


class GatewayBuildError(ValueError):
    """The API body uses something the local gateway cannot serve faithfully."""


def methods_in(api_body: dict) -> Iterator[tuple[str, str, dict]]:
    """(resource path, HTTP method, operation spec) for every method of the API body."""
    for path, item in (api_body.get("paths") or {}).items():
        for method, spec in item.items():
            if method.lower() in HTTP_METHODS:
                yield path, method, spec
            elif method.lower() == "x-amazon-apigateway-any-method":
                raise GatewayBuildError(f"ANY {path}: x-amazon-apigateway-any-method is not supported locally")


def path_pattern(path: str) -> re.Pattern:
    """A resource path such as /jobs/{jobId} or /files/{key+} as a regex with named groups."""
    parts = []
    for segment in re.split(r"(\{[^}]+\})", path):
        if segment.startswith("{") and segment.endswith("+}"):
            parts.append(f"(?P<{segment[1:-2]}>.+)")
        elif segment.startswith("{"):
            parts.append(f"(?P<{segment[1:-1]}>[^/]+)")
        else:
            parts.append(re.escape(segment))
    return re.compile("^" + "".join(parts) + "$")


def route(operations: list["Operation"], stage: str, request: GatewayRequest) -> tuple["Operation", dict[str, str]]:
    """The operation and its path parameters; API Gateway answers any unknown route with a 403 type."""
    prefix = f"/{stage}"
    if not (request.path == prefix or request.path.startswith(prefix + "/")):
        raise GatewayError("MISSING_AUTHENTICATION_TOKEN")
    resource = request.path[len(prefix):] or "/"
    for operation in operations:
        match = operation.pattern.match(resource)
        if match and operation.method == request.method:
            return operation, match.groupdict()
    raise GatewayError("MISSING_AUTHENTICATION_TOKEN")
