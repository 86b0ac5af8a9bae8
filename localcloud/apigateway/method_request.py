"""Method request: payload size, then the request validator (required parameters, body model).

API Gateway's validators (x-amazon-apigateway-request-validators) check that required query
strings and headers are present, and that a JSON body matches the method's model (draft 4).
A body that is not UTF-8, not JSON, or nested deeper than the parser can follow is an invalid
body (BAD_REQUEST_BODY, 400), never a crash. An empty body is validated as `{}`, as API
Gateway's `$input.body` of an empty request is.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft4Validator

from localcloud.apigateway.context import Invocation
from localcloud.apigateway.gateway_responses import GatewayError
from localcloud.apigateway.parameters_mapping import parameter
from localcloud.apigateway.resource_router import GatewayBuildError
from localcloud.apigateway.validation_messages import describe_all

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway REST APIs reject larger payloads (413)


@dataclass
class RequestValidator:
    """What one method's validator checks, compiled from the OpenAPI body."""

    validate_body: bool = False
    validate_parameters: bool = False
    required_parameters: list[tuple[str, str]] = field(default_factory=list)  # (location, name)
    body_models: dict[str, Draft4Validator] = field(default_factory=dict)  # content type -> model

    @classmethod
    def for_method(cls, where: str, spec: dict, api_body: dict) -> "RequestValidator":
        validators = api_body.get("x-amazon-apigateway-request-validators") or {}
        name = spec.get("x-amazon-apigateway-request-validator") or api_body.get("x-amazon-apigateway-request-validator")
        if name and name not in validators:
            raise GatewayBuildError(f"{where}: unknown request validator {name!r}")
        settings = validators.get(name) or {}
        content = (spec.get("requestBody") or {}).get("content") or {}
        return cls(
            validate_body=bool(settings.get("validateRequestBody")),
            validate_parameters=bool(settings.get("validateRequestParameters")),
            required_parameters=[(p["in"], p["name"]) for p in spec.get("parameters") or []
                                 if p.get("required") and p["in"] != "path"],
            body_models={content_type.lower(): Draft4Validator(_inline_refs(media["schema"], api_body))
                         for content_type, media in content.items() if "schema" in media and "json" in content_type},
        )


def validate_method_request(invocation: Invocation) -> None:
    request, validator = invocation.request, invocation.operation.validator
    if len(request.body) > MAX_PAYLOAD_BYTES:
        raise GatewayError("REQUEST_TOO_LARGE")
    if validator.validate_parameters:
        missing = [name for location, name in validator.required_parameters
                   if parameter(invocation.params, location, name) is None]
        if missing:
            raise GatewayError("BAD_REQUEST_PARAMETERS", f"Missing required request parameters: [{', '.join(missing)}]")
    model = validator.body_models.get(request.content_type()) if validator.validate_body else None
    if model is not None:
        document = parse_json_body(request.body)
        try:
            errors = list(model.iter_errors(document))
        except RecursionError:
            raise _invalid_body("body: is nested too deeply") from None
        if errors:
            raise _invalid_body(describe_all(errors))


def parse_json_body(body: bytes) -> Any:
    """The body as JSON, or the BAD_REQUEST_BODY gateway response saying why it is not."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _invalid_body(f"body: is not valid UTF-8 (byte 0x{body[error.start]:02x} at offset {error.start})") from None
    try:
        return json.loads(text or "{}")
    except json.JSONDecodeError as error:
        raise _invalid_body(f"body: is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})") from None
    except RecursionError:
        raise _invalid_body("body: is nested too deeply") from None


def _invalid_body(detail: str) -> GatewayError:
    return GatewayError("BAD_REQUEST_BODY", validation_error=detail)


def _inline_refs(schema: Any, api_body: dict) -> Any:
    """A model with its #/components/... references inlined (API Gateway models are self-contained)."""
    if isinstance(schema, list):
        return [_inline_refs(item, api_body) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        target: Any = api_body
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return _inline_refs(copy.deepcopy(target), api_body)
    return {key: _inline_refs(value, api_body) for key, value in schema.items() if key != "nullable"}
