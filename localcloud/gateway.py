"""The local API Gateway: a WSGI app that serves a REST API's OpenAPI body (x-amazon-apigateway-*).

It does what API Gateway does for the integrations Stepgate uses: route matching, API keys,
request validators with JSON-schema models, mapping templates (localcloud.vtl), AWS service
integrations (states/dynamodb actions, s3 paths) called over HTTP against a local AWS endpoint
with SigV4 signatures, Lambda proxy integrations, integration response selection, response
parameters, $context.responseOverride and gateway responses. Anything else in the body fails
build_gateway() with a message naming it, never a request.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import http
import json
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import boto3
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from jsonschema import Draft4Validator

from localcloud.vtl import RenderResult, render_template, request_context

__all__ = ["GATEWAY_RESPONSE_TYPES", "GatewayBuildError", "build_gateway"]

LOG = logging.getLogger("localcloud.gateway")

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway REST APIs reject larger payloads (413)
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_FAKE_CREDENTIALS = Credentials("local", "local")

# Service actions the local gateway can call: service in the URI -> (SigV4 name, X-Amz-Target prefix, JSON version).
_ACTION_SERVICES = {
    "states": ("states", "AWSStepFunctions", "1.0"),
    "dynamodb": ("dynamodb", "DynamoDB_20120810", "1.0"),
}
_AWS_URI = re.compile(r"^arn:[^:]+:apigateway:[^:]*:(?P<service>[a-z0-9-]+):(?P<kind>action|path)/(?P<rest>.+)$")
_LAMBDA_URI = re.compile(r"^arn:[^:]+:apigateway:[^:]*:lambda:path/2015-03-31/functions/(?P<function>.+)/invocations$")
_REQUEST_PARAMETER_SOURCE = re.compile(
    r"^(?:'(?P<literal>[^']*)'|method\.request\.(?P<location>path|querystring|header)\.(?P<name>.+)"
    r"|context\.(?P<context>[A-Za-z0-9_.]+)|stageVariables\.(?P<stage_variable>.+))$"
)
_RESPONSE_PARAMETER_SOURCE = re.compile(
    r"^(?:'(?P<literal>[^']*)'|integration\.response\.header\.(?P<header>.+)|integration\.response\.body(?P<body_path>\..+)?"
    r"|context\.(?P<context>[A-Za-z0-9_.]+)|method\.request\.(?P<location>path|querystring|header)\.(?P<name>.+))$"
)
# API Gateway's default status per gateway response type (supported-gateway-response-types).
_GATEWAY_DEFAULT_STATUS = {
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
GATEWAY_RESPONSE_TYPES = frozenset(_GATEWAY_DEFAULT_STATUS) | {"DEFAULT_4XX", "DEFAULT_5XX"}
_GATEWAY_DEFAULT_MESSAGE = {
    "MISSING_AUTHENTICATION_TOKEN": "Missing Authentication Token",
    "INVALID_API_KEY": "Forbidden",
    "BAD_REQUEST_BODY": "Invalid request body",
    "REQUEST_TOO_LARGE": "Request Too Long",
    "UNSUPPORTED_MEDIA_TYPE": "Unsupported Media Type",
    "API_CONFIGURATION_ERROR": "Internal server error",
    "INTEGRATION_FAILURE": "Internal server error",
    "INTEGRATION_TIMEOUT": "Endpoint request timed out",
}


class GatewayBuildError(ValueError):
    """The API body uses something the local gateway cannot serve faithfully."""


# ---------------------------------------------------------------- the served request / response


@dataclass
class _Request:
    method: str
    path: str  # below the stage, e.g. /jobs/abc
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
class _Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class _GatewayError(Exception):
    """A gateway response (x-amazon-apigateway-gateway-responses) instead of the integration."""

    def __init__(self, response_type: str, message: str | None = None, validation_error: str = ""):
        super().__init__(response_type)
        self.response_type = response_type
        self.message = message or _GATEWAY_DEFAULT_MESSAGE.get(response_type, response_type)
        self.validation_error = validation_error


# ---------------------------------------------------------------- build time


@dataclass
class _Operation:
    method: str
    resource_path: str
    pattern: re.Pattern
    spec: dict
    integration: dict
    requires_api_key: bool
    validate_body: bool
    validate_parameters: bool
    required_parameters: list[tuple[str, str]]
    body_validators: dict[str, Draft4Validator]
    call: Callable[["Gateway", _Request, dict, bytes | str, RenderResult | None], _Response]


def build_gateway(
    api_body: dict,
    aws_endpoint_url: str,
    api_keys: set[str],
    stage: str,
    region: str,
    account_id: str,
) -> "Gateway":
    """A WSGI app serving `api_body` (placeholders already resolved) at /<stage>/..."""
    return Gateway(api_body, aws_endpoint_url.rstrip("/"), set(api_keys), stage, region, account_id)


class Gateway:
    def __init__(self, api_body: dict, endpoint: str, api_keys: set[str], stage: str, region: str, account_id: str):
        self.api_body = api_body
        self.endpoint = endpoint
        self.api_keys = api_keys
        self.stage = stage
        self.region = region
        self.account_id = account_id
        self.binary_media_types = {t.lower() for t in api_body.get("x-amazon-apigateway-binary-media-types") or []}
        self.gateway_responses = api_body.get("x-amazon-apigateway-gateway-responses") or {}
        self.operations = [self._operation(path, method, spec) for path, method, spec in _operations(api_body)]
        self._lambda_client = None

    # -- build helpers

    def _operation(self, path: str, method: str, spec: dict) -> _Operation:
        where = f"{method.upper()} {path}"
        integration = spec.get("x-amazon-apigateway-integration")
        if not integration:
            raise GatewayBuildError(f"{where}: no x-amazon-apigateway-integration")
        validators = self.api_body.get("x-amazon-apigateway-request-validators") or {}
        validator_name = spec.get("x-amazon-apigateway-request-validator") or self.api_body.get(
            "x-amazon-apigateway-request-validator"
        )
        if validator_name and validator_name not in validators:
            raise GatewayBuildError(f"{where}: unknown request validator {validator_name!r}")
        validator = validators.get(validator_name) or {}
        security = spec.get("security", self.api_body.get("security")) or []
        schemes = (self.api_body.get("components") or {}).get("securitySchemes") or {}
        requires_api_key = any(
            (schemes.get(name) or {}).get("type") == "apiKey" for requirement in security for name in requirement
        )
        required = [
            (p["in"], p["name"]) for p in spec.get("parameters") or [] if p.get("required") and p["in"] != "path"
        ]
        body_validators = {
            content_type.lower(): Draft4Validator(_inline_refs(media["schema"], self.api_body))
            for content_type, media in ((spec.get("requestBody") or {}).get("content") or {}).items()
            if "schema" in media and "json" in content_type
        }
        for _, _, source in _request_parameters(integration):
            if not _REQUEST_PARAMETER_SOURCE.match(source):
                raise GatewayBuildError(f"{where}: unsupported integration request parameter source {source!r}")
        for pattern, response in (integration.get("responses") or {}).items():
            for target, source in (response.get("responseParameters") or {}).items():
                if not target.startswith("method.response.header.") or not _RESPONSE_PARAMETER_SOURCE.match(source):
                    raise GatewayBuildError(f"{where}: unsupported response parameter {target} = {source!r}")
            if pattern != "default":
                re.compile(pattern)
        return _Operation(
            method=method.upper(),
            resource_path=path,
            pattern=_path_pattern(path),
            spec=spec,
            integration=integration,
            requires_api_key=requires_api_key,
            validate_body=bool(validator.get("validateRequestBody")),
            validate_parameters=bool(validator.get("validateRequestParameters")),
            required_parameters=required,
            body_validators=body_validators,
            call=self._integration_call(where, integration),
        )

    def _integration_call(self, where: str, integration: dict) -> Callable:
        kind = (integration.get("type") or "").lower()
        uri = integration.get("uri") or ""
        if kind == "aws_proxy":
            match = _LAMBDA_URI.match(uri)
            if not match:
                raise GatewayBuildError(f"{where}: aws_proxy integrations must invoke a Lambda function, got {uri!r}")
            function_arn = match.group("function")
            return lambda gateway, request, params, body, rendered: gateway._invoke_lambda_proxy(
                function_arn, request, params
            )
        if kind != "aws":
            raise GatewayBuildError(f"{where}: integration type {kind!r} is not supported locally (aws, aws_proxy)")
        match = _AWS_URI.match(uri)
        if not match:
            raise GatewayBuildError(f"{where}: unsupported AWS integration uri {uri!r}")
        service, uri_kind, rest = match.group("service", "kind", "rest")
        if uri_kind == "action" and service in _ACTION_SERVICES:
            return lambda gateway, request, params, body, rendered: gateway._call_action(service, rest, body)
        if uri_kind == "path" and service == "s3":
            http_method = (integration.get("httpMethod") or "").upper()
            return lambda gateway, request, params, body, rendered: gateway._call_s3(
                http_method, rest, integration, request, params, body, rendered
            )
        raise GatewayBuildError(f"{where}: AWS integration {service}:{uri_kind} is not supported locally ({uri!r})")

    # -- WSGI

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        request = _request_from_environ(environ)
        response = self.handle(request)
        LOG.info(
            "%s %s -> %d in %.1f ms (request %s)",
            request.method, environ.get("PATH_INFO", ""), response.status,
            (time.perf_counter() - started) * 1000, request.request_id,
        )
        reason = http.HTTPStatus(response.status).phrase if response.status in http.HTTPStatus._value2member_map_ else ""
        headers = {**response.headers, "x-amzn-RequestId": request.request_id}
        start_response(f"{response.status} {reason}".strip(), [(k, v) for k, v in headers.items()] + [
            ("Content-Length", str(len(response.body)))
        ])
        return [response.body]

    def handle(self, request: _Request) -> _Response:
        operation, path_params = None, {}
        try:
            operation, path_params = self._route(request)
            return self._serve(operation, path_params, request)
        except _GatewayError as error:
            return self._gateway_response(error, request, operation)
        except Exception:  # noqa: BLE001 - a local bug still answers as API Gateway would: DEFAULT_5XX
            LOG.exception("request %s failed inside the local gateway", request.request_id)
            return self._gateway_response(_GatewayError("DEFAULT_5XX", "Internal server error"), request, operation)

    # -- request pipeline

    def _route(self, request: _Request) -> tuple[_Operation, dict]:
        prefix = f"/{self.stage}"
        if not (request.path == prefix or request.path.startswith(prefix + "/")):
            raise _GatewayError("MISSING_AUTHENTICATION_TOKEN")
        resource = request.path[len(prefix):] or "/"
        for operation in self.operations:
            match = operation.pattern.match(resource)
            if match and operation.method == request.method:
                return operation, match.groupdict()
        raise _GatewayError("MISSING_AUTHENTICATION_TOKEN")

    def _serve(self, operation: _Operation, path_params: dict, request: _Request) -> _Response:
        if operation.requires_api_key and request.header("x-api-key") not in self.api_keys:
            raise _GatewayError("INVALID_API_KEY")
        if len(request.body) > MAX_PAYLOAD_BYTES:
            raise _GatewayError("REQUEST_TOO_LARGE")
        params = {
            "path": path_params,
            "querystring": {name: values[-1] for name, values in request.query.items()},
            "header": {name: values[-1] for name, values in request.headers.items()},
        }
        if operation.validate_parameters:
            missing = [name for location, name in operation.required_parameters
                       if _param(params, location, name) is None]
            if missing:
                raise _GatewayError("BAD_REQUEST_PARAMETERS",
                                    f"Missing required request parameters: [{', '.join(missing)}]")
        content_type = request.content_type()
        if operation.validate_body:
            self._validate_body(operation, content_type, request.body)
        context = self._context(operation, request, path_params)
        if operation.integration.get("type", "").lower() == "aws_proxy":
            return operation.call(self, request, params, request.body, None)

        is_binary = content_type in self.binary_media_types
        templates = operation.integration.get("requestTemplates") or {}
        template = templates.get(content_type)
        passthrough = (operation.integration.get("passthroughBehavior") or "when_no_match").lower()
        if template is None and (passthrough == "never" or (passthrough == "when_no_templates" and templates)):
            raise _GatewayError("UNSUPPORTED_MEDIA_TYPE")
        rendered = None
        if template is None:
            integration_body: bytes | str = request.body
        else:
            # Binary payloads reach a template base64-encoded, as in API Gateway.
            template_body = base64.b64encode(request.body).decode() if is_binary else request.body.decode("utf-8")
            rendered = self._render(template, template_body, params, context)
            integration_body = rendered.output
            if (operation.integration.get("contentHandling") or "").upper() == "CONVERT_TO_BINARY":
                try:
                    integration_body = base64.b64decode("".join(rendered.output.split()), validate=True)
                except ValueError:
                    raise _GatewayError("API_CONFIGURATION_ERROR", "Unable to base64-decode the request template output")
        backend = operation.call(self, request, params, integration_body, rendered)
        return self._integration_response(operation, backend, params, context)

    def _validate_body(self, operation: _Operation, content_type: str, body: bytes) -> None:
        validator = operation.body_validators.get(content_type)
        if validator is None:
            return
        try:
            document = json.loads(body.decode("utf-8") or "null")
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise _GatewayError("BAD_REQUEST_BODY", validation_error=f"body: not valid JSON ({error.msg})")
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            raise _GatewayError("BAD_REQUEST_BODY", validation_error="; ".join(_describe(e) for e in errors))

    def _context(self, operation: _Operation, request: _Request, path_params: dict) -> dict:
        return request_context(
            request_id=request.request_id,
            epoch_ms=request.epoch_ms,
            stage=self.stage,
            http_method=request.method,
            resource_path=operation.resource_path,
            path=request.path,
            source_ip=request.source_ip,
            api_key=request.header("x-api-key") or "",
            api_key_id=self._api_key_id(operation, request),
            user_agent=request.header("user-agent") or "",
            domain_name=request.host,
            account_id=self.account_id,
        )

    def _api_key_id(self, operation: _Operation, request: _Request) -> str:
        """A stable 10-character id per key, like API Gateway's; empty where no key was checked."""
        key = request.header("x-api-key")
        if not operation.requires_api_key or key not in self.api_keys:
            return ""
        return hashlib.sha256(key.encode()).hexdigest()[:10]

    def _render(self, template: str, body: str, params: dict, context: dict) -> RenderResult:
        try:
            return render_template(
                template, body=body, path_params=params["path"], query_params=params["querystring"],
                headers=params["header"], context=context,
            )
        except Exception as error:  # a template bug is the API's configuration error, as in API Gateway
            LOG.exception("mapping template failed for request %s", context.get("requestId"))
            raise _GatewayError("API_CONFIGURATION_ERROR", f"Execution failed due to configuration error: {error}")

    # -- integrations

    def _call_action(self, service: str, action: str, body: bytes | str) -> _Response:
        signing_name, target_prefix, json_version = _ACTION_SERVICES[service]
        headers = {
            "Content-Type": f"application/x-amz-json-{json_version}",
            "X-Amz-Target": f"{target_prefix}.{action}",
        }
        return self._signed_http("POST", self.endpoint + "/", headers, _as_bytes(body), signing_name, SigV4Auth)

    def _call_s3(self, http_method: str, path_template: str, integration: dict, request: _Request,
                 params: dict, body: bytes | str, rendered: RenderResult | None) -> _Response:
        context = self._context_for_parameters(request)
        path_values, headers, query = {}, {}, {}
        for location, name, source in _request_parameters(integration):
            value = _parameter_value(source, params, context)
            if value is not None:
                {"path": path_values, "header": headers, "querystring": query}[location][name] = value
        if rendered is not None:
            path_values.update(rendered.request_overrides["path"])
            headers.update(rendered.request_overrides["header"])
            query.update(rendered.request_overrides["querystring"])

        def fill(match: re.Match) -> str:
            name = match.group(1).rstrip("+")
            if name not in path_values:
                raise _GatewayError("API_CONFIGURATION_ERROR", f"integration path parameter {name!r} is not mapped")
            return urllib.parse.quote(path_values[name], safe="")

        url = self.endpoint + "/" + re.sub(r"\{([^}]+)\}", fill, path_template)
        if query:
            url += "?" + urllib.parse.urlencode(query)
        return self._signed_http(http_method, url, headers, _as_bytes(body), "s3", S3SigV4Auth)

    def _signed_http(self, method: str, url: str, headers: dict, body: bytes, service: str, signer) -> _Response:
        aws_request = AWSRequest(method=method, url=url, data=body, headers=headers)
        signer(_FAKE_CREDENTIALS, service, self.region).add_auth(aws_request)
        prepared = urllib.request.Request(url, data=body if method not in ("GET", "HEAD") else None,
                                          headers=dict(aws_request.headers.items()), method=method)
        try:
            with urllib.request.urlopen(prepared, timeout=29) as reply:  # API Gateway's integration timeout
                return _Response(reply.status, dict(reply.headers.items()), reply.read())
        except urllib.error.HTTPError as reply:
            return _Response(reply.code, dict(reply.headers.items()), reply.read())
        except TimeoutError:
            raise _GatewayError("INTEGRATION_TIMEOUT")
        except urllib.error.URLError as error:
            raise _GatewayError("INTEGRATION_FAILURE", f"Integration unreachable: {error.reason}")

    def _invoke_lambda_proxy(self, function_arn: str, request: _Request, params: dict) -> _Response:
        operation, path_params = self._route(request)
        event = self._proxy_event(operation, path_params, request)
        if self._lambda_client is None:
            self._lambda_client = boto3.client(
                "lambda", endpoint_url=self.endpoint, region_name=self.region,
                aws_access_key_id="local", aws_secret_access_key="local",
                config=Config(retries={"max_attempts": 1}, read_timeout=29),
            )
        try:
            reply = self._lambda_client.invoke(FunctionName=function_arn, Payload=json.dumps(event).encode())
        except Exception as error:  # noqa: BLE001 - unreachable or unknown function: the integration failed
            LOG.error("Lambda proxy %s could not be invoked: %s", function_arn, error)
            raise _GatewayError("INTEGRATION_FAILURE", "Lambda invocation failed")
        payload = reply["Payload"].read()
        try:
            result = json.loads(payload)
            if reply.get("FunctionError") or not isinstance(result, dict) or "statusCode" not in result:
                raise ValueError("not a proxy response")
        except ValueError:
            LOG.error("Lambda proxy %s returned an unusable response: %.500r", function_arn, payload)
            raise _GatewayError("INTEGRATION_FAILURE", "Malformed Lambda proxy response")
        headers = {k: str(v) for k, v in (result.get("headers") or {}).items()}
        for name, values in (result.get("multiValueHeaders") or {}).items():
            headers[name] = ",".join(str(v) for v in values)
        body = result.get("body") or ""
        data = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
        headers.setdefault("Content-Type", "application/json")
        return _Response(int(result["statusCode"]), headers, data)

    def _proxy_event(self, operation: _Operation, path_params: dict, request: _Request) -> dict:
        content_type = request.content_type()
        is_binary = bool(request.body) and content_type in self.binary_media_types
        context = self._context(operation, request, path_params)
        return {
            "resource": operation.resource_path,
            "path": request.path[len(self.stage) + 1:] or "/",
            "httpMethod": request.method,
            "headers": {name: values[-1] for name, values in request.headers.items()} or None,
            "multiValueHeaders": dict(request.headers) or None,
            "queryStringParameters": {name: values[-1] for name, values in request.query.items()} or None,
            "multiValueQueryStringParameters": dict(request.query) or None,
            "pathParameters": path_params or None,
            "stageVariables": None,
            "requestContext": {
                "accountId": self.account_id,
                "apiId": context["apiId"],
                "resourcePath": operation.resource_path,
                "httpMethod": request.method,
                "requestId": request.request_id,
                "extendedRequestId": request.request_id,
                "requestTime": context["requestTime"],
                "requestTimeEpoch": request.epoch_ms,
                "path": request.path,
                "stage": self.stage,
                "protocol": "HTTP/1.1",
                "domainName": request.host,
                "identity": {
                    "sourceIp": request.source_ip,
                    "userAgent": request.header("user-agent"),
                    "apiKey": request.header("x-api-key"),
                    "apiKeyId": self._api_key_id(operation, request) or None,
                },
            },
            "body": (base64.b64encode(request.body).decode() if is_binary else request.body.decode("utf-8"))
            if request.body else None,
            "isBase64Encoded": is_binary,
        }

    def _context_for_parameters(self, request: _Request) -> dict:
        return {"requestId": request.request_id, "stage": self.stage, "httpMethod": request.method,
                "requestTimeEpoch": str(request.epoch_ms)}

    # -- responses

    def _integration_response(self, operation: _Operation, backend: _Response, params: dict, context: dict) -> _Response:
        if operation.integration.get("type", "").lower() == "aws_proxy":
            return backend
        responses = operation.integration.get("responses") or {}
        status_text = str(backend.status)
        chosen = next(
            (spec for pattern, spec in responses.items() if pattern != "default" and re.fullmatch(pattern, status_text)),
            responses.get("default"),
        )
        if chosen is None:
            LOG.error("no integration response matches backend status %s", status_text)
            raise _GatewayError("API_CONFIGURATION_ERROR", "No integration response matched")
        status = int(chosen.get("statusCode", 200))
        headers: dict[str, str] = {}
        body = backend.body
        templates = chosen.get("responseTemplates") or {}
        rendered = None
        if templates:
            content_type = "application/json" if "application/json" in templates else next(iter(templates))
            rendered = self._render(templates[content_type], backend.body.decode("utf-8", errors="replace"),
                                    params, context)
            body = rendered.output.encode("utf-8")
            headers["Content-Type"] = content_type
        else:
            headers["Content-Type"] = "application/json"
        for target, source in (chosen.get("responseParameters") or {}).items():
            value = _response_parameter_value(source, backend, params, context)
            if value is not None:
                headers[target[len("method.response.header."):]] = value
        if rendered is not None:
            headers.update(rendered.header_overrides)
            if rendered.status_override is not None:
                status = rendered.status_override
        return _Response(status, headers, body)

    def gateway_response_for(self, response_type: str, message: str | None = None,
                             validation_error: str = "") -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) of one gateway response type, for responses no local request can
        trigger (THROTTLED, WAF_FILTERED, ...): the same rendering as a triggered one."""
        if response_type not in GATEWAY_RESPONSE_TYPES:
            raise ValueError(f"{response_type!r} is not an API Gateway gateway response type")
        request = _Request("GET", f"/{self.stage}/", {}, {}, b"", str(uuid.uuid4()), int(time.time() * 1000),
                           "127.0.0.1", "localhost")
        response = self._gateway_response(_GatewayError(response_type, message, validation_error), request, None)
        return response.status, response.headers, response.body

    def _gateway_response(self, error: _GatewayError, request: _Request, operation: _Operation | None) -> _Response:
        default_status = _GATEWAY_DEFAULT_STATUS.get(error.response_type, 500)
        spec = self.gateway_responses.get(error.response_type) or self.gateway_responses.get(
            "DEFAULT_4XX" if default_status < 500 else "DEFAULT_5XX"
        )
        context = {
            "requestId": request.request_id,
            "stage": self.stage,
            "httpMethod": request.method,
            "path": request.path,
            "resourcePath": operation.resource_path if operation else "",
            "error": {
                "message": error.message,
                "messageString": json.dumps(error.message),
                "responseType": error.response_type,
                # API Gateway hands this string over JSON-escaped, ready for a "..." template slot.
                "validationErrorString": json.dumps(error.validation_error)[1:-1],
            },
        }
        if not spec:
            return _Response(default_status, {"Content-Type": "application/json"},
                             json.dumps({"message": error.message}).encode())
        status = int(spec.get("statusCode") or default_status)
        templates = spec.get("responseTemplates") or {}
        template = templates.get("application/json") or next(iter(templates.values()), "")
        body = _substitute_variables(template, {"context": context, "stageVariables": {}})
        headers = {"Content-Type": "application/json"}
        for target, source in (spec.get("responseParameters") or {}).items():
            if target.startswith("gatewayresponse.header.") and source.startswith("'"):
                headers[target[len("gatewayresponse.header."):]] = source.strip("'")
        return _Response(status, headers, body.encode("utf-8"))


# ---------------------------------------------------------------- helpers


def _operations(api_body: dict):
    for path, item in (api_body.get("paths") or {}).items():
        for method, spec in item.items():
            if method.lower() in HTTP_METHODS:
                yield path, method, spec
            elif method.lower() == "x-amazon-apigateway-any-method":
                raise GatewayBuildError(f"ANY {path}: x-amazon-apigateway-any-method is not supported locally")


def _path_pattern(path: str) -> re.Pattern:
    parts = []
    for segment in re.split(r"(\{[^}]+\})", path):
        if segment.startswith("{") and segment.endswith("+}"):
            parts.append(f"(?P<{segment[1:-2]}>.+)")
        elif segment.startswith("{"):
            parts.append(f"(?P<{segment[1:-1]}>[^/]+)")
        else:
            parts.append(re.escape(segment))
    return re.compile("^" + "".join(parts) + "$")


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


def _describe(error) -> str:
    """One validation error as '<field>: <problem>', the field as a dotted path."""
    location = ".".join(str(part) for part in error.absolute_path)
    if error.validator == "required":
        missing = re.match(r"'([^']+)'", error.message)
        name = missing.group(1) if missing else "?"
        return f"{location + '.' if location else ''}{name}: is required"
    if error.validator == "additionalProperties":
        extra = re.findall(r"'([^']+)'", error.message.split("(")[-1])
        return "; ".join(f"{location + '.' if location else ''}{name}: is not allowed" for name in extra)
    return f"{location or 'body'}: {error.message}"


def _request_parameters(integration: dict):
    for target, source in (integration.get("requestParameters") or {}).items():
        match = re.match(r"^integration\.request\.(path|header|querystring)\.(.+)$", target)
        if not match:
            raise GatewayBuildError(f"unsupported integration request parameter {target!r}")
        yield match.group(1), match.group(2), source


def _param(params: dict, location: str, name: str) -> str | None:
    values = params["header" if location == "header" else location]
    if location == "header":
        return values.get(name.lower())
    return values.get(name)


def _parameter_value(source: str, params: dict, context: dict) -> str | None:
    match = _REQUEST_PARAMETER_SOURCE.match(source)
    if match.group("literal") is not None:
        return match.group("literal")
    if match.group("location"):
        return _param(params, match.group("location"), match.group("name"))
    if match.group("context"):
        value = context.get(match.group("context"))
        return None if value is None else str(value)
    return None  # stage variables: none locally


def _response_parameter_value(source: str, backend: _Response, params: dict, context: dict) -> str | None:
    match = _RESPONSE_PARAMETER_SOURCE.match(source)
    if match.group("literal") is not None:
        return match.group("literal")
    if match.group("header"):
        wanted = match.group("header").lower()
        return next((v for k, v in backend.headers.items() if k.lower() == wanted), None)
    if match.group("location"):
        return _param(params, match.group("location"), match.group("name"))
    if match.group("context"):
        value: Any = context
        for part in match.group("context").split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return None if value is None else str(value)
    if source.startswith("integration.response.body"):
        from localcloud.vtl import json_path

        document = json.loads(backend.body or b"null")
        value = json_path(document, "$" + (match.group("body_path") or ""))
        return value if isinstance(value, str) else json.dumps(value)
    return None


def _substitute_variables(template: str, variables: dict) -> str:
    """Gateway response templates: plain $context.x / $stageVariables.x substitution, no Velocity."""

    def lookup(match: re.Match) -> str:
        value: Any = variables
        for part in match.group(1).split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return "" if value is None else str(value)

    return re.sub(r"\$((?:context|stageVariables)(?:\.[A-Za-z0-9_]+)+)", lookup, template)


def _as_bytes(body: bytes | str) -> bytes:
    return body if isinstance(body, bytes) else body.encode("utf-8")


def _request_from_environ(environ: dict) -> _Request:
    # PEP 3333 hands the decoded path over as latin-1 code points of the raw bytes.
    path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", errors="replace")
    headers: dict[str, list[str]] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers.setdefault(key[5:].replace("_", "-").lower(), []).append(value)
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = [environ["CONTENT_TYPE"]]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    return _Request(
        method=environ.get("REQUEST_METHOD", "GET").upper(),
        path=path,
        query=urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True),
        headers=headers,
        body=body,
        request_id=str(uuid.uuid4()),
        epoch_ms=int(time.time() * 1000),
        source_ip=environ.get("REMOTE_ADDR", "127.0.0.1"),
        host=(headers.get("host") or ["localhost"])[-1],
    )
