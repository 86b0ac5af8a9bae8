"""Parameter mapping: integration request parameters and method response parameters.

Request: `integration.request.{path|querystring|header}.<name>` from `method.request.*`,
a `'literal'`, `context.*` or `stageVariables.*`. Response: `method.response.header.<name>`
from `integration.response.header.*`, `integration.response.body[.path]`, a literal,
`context.*` or `method.request.*`. Sources outside these fail at build time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from localcloud.apigateway.context import GatewayResponse
from localcloud.apigateway.resource_router import GatewayBuildError
from localcloud.vtl import json_path

_REQUEST_TARGET = re.compile(r"^integration\.request\.(path|header|querystring)\.(.+)$")
_REQUEST_SOURCE = re.compile(
    r"^(?:'(?P<literal>[^']*)'|method\.request\.(?P<location>path|querystring|header)\.(?P<name>.+)"
    r"|context\.(?P<context>[A-Za-z0-9_.]+)|stageVariables\.(?P<stage_variable>.+))$"
)
_RESPONSE_TARGET = "method.response.header."
_RESPONSE_SOURCE = re.compile(
    r"^(?:'(?P<literal>[^']*)'|integration\.response\.header\.(?P<header>.+)|integration\.response\.body(?P<body_path>\..+)?"
    r"|context\.(?P<context>[A-Za-z0-9_.]+)|method\.request\.(?P<location>path|querystring|header)\.(?P<name>.+))$"
)


def request_parameters(integration: dict) -> Iterator[tuple[str, str, str]]:
    """(location, name, source) of each integration request parameter."""
    for target, source in (integration.get("requestParameters") or {}).items():
        match = _REQUEST_TARGET.match(target)
        if not match:
            raise GatewayBuildError(f"unsupported integration request parameter {target!r}")
        yield match.group(1), match.group(2), source


def check_parameter_sources(where: str, integration: dict) -> None:
    for _, _, source in request_parameters(integration):
        if not _REQUEST_SOURCE.match(source):
            raise GatewayBuildError(f"{where}: unsupported integration request parameter source {source!r}")
    for response in (integration.get("responses") or {}).values():
        for target, source in (response.get("responseParameters") or {}).items():
            if not target.startswith(_RESPONSE_TARGET) or not _RESPONSE_SOURCE.match(source):
                raise GatewayBuildError(f"{where}: unsupported response parameter {target} = {source!r}")


def parameter(params: dict, location: str, name: str) -> str | None:
    """A method request parameter; header names are case-insensitive."""
    values = params["header" if location == "header" else location]
    return values.get(name.lower()) if location == "header" else values.get(name)


def mapped_request_parameters(integration: dict, params: dict, context: dict) -> dict[str, dict[str, str]]:
    """The integration request's path, querystring and header values."""
    mapped: dict[str, dict[str, str]] = {"path": {}, "querystring": {}, "header": {}}
    for location, name, source in request_parameters(integration):
        value = _request_value(source, params, context)
        if value is not None:
            mapped[location][name] = value
    return mapped


def _request_value(source: str, params: dict, context: dict) -> str | None:
    match = _REQUEST_SOURCE.match(source)
    if match.group("literal") is not None:
        return match.group("literal")
    if match.group("location"):
        return parameter(params, match.group("location"), match.group("name"))
    if match.group("context"):
        value = context.get(match.group("context"))
        return None if value is None else str(value)
    return None  # stage variables: none locally


def response_header_values(spec: dict, backend: GatewayResponse, params: dict, context: dict) -> dict[str, str]:
    """method.response.header.* values of one integration response."""
    headers = {}
    for target, source in (spec.get("responseParameters") or {}).items():
        value = _response_value(source, backend, params, context)
        if value is not None:
            headers[target[len(_RESPONSE_TARGET):]] = value
    return headers


def _response_value(source: str, backend: GatewayResponse, params: dict, context: dict) -> str | None:
    match = _RESPONSE_SOURCE.match(source)
    if match.group("literal") is not None:
        return match.group("literal")
    if match.group("header"):
        wanted = match.group("header").lower()
        return next((v for k, v in backend.headers.items() if k.lower() == wanted), None)
    if match.group("location"):
        return parameter(params, match.group("location"), match.group("name"))
    if match.group("context"):
        value: Any = context
        for part in match.group("context").split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return None if value is None else str(value)
    document = json.loads(backend.body or b"null")
    value = json_path(document, "$" + (match.group("body_path") or ""))
    return value if isinstance(value, str) else json.dumps(value)
