"""The variables API Gateway gives a mapping template: $input, $util, $context (with its overrides)."""

from __future__ import annotations

import base64
import copy
import json
import urllib.parse
from datetime import datetime, timezone
from typing import Any

from localcloud.vtl.escaping import escape_javascript
from localcloud.vtl.java import ContextMap, to_string
from localcloud.vtl.jsonpath import json_path

# $context keys and $context.identity keys, in the order keySet() lists them (AWS recorded).
CONTEXT_KEYS = ("resourceId", "resourcePath", "httpMethod", "extendedRequestId", "requestTime", "path", "accountId",
                "protocol", "requestOverride", "stage", "domainPrefix", "requestTimeEpoch", "requestId", "identity",
                "domainName", "deploymentId", "responseOverride", "apiId")
IDENTITY_KEYS = ("cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller", "sourceIp", "principalOrgId",
                 "accessKey", "cognitoAuthenticationType", "cognitoAuthenticationProvider", "userArn", "userAgent",
                 "user")


class Input:
    """$input: the request (or integration response) payload and the method request parameters."""

    def __init__(self, body: str, path_params: dict, query_params: dict, headers: dict):
        # An empty payload reads as the empty JSON object, as text and as a document (AWS recorded).
        self.body = body if body else "{}"
        self._params = {"path": dict(path_params), "querystring": dict(query_params), "header": dict(headers)}

    def _document(self) -> Any:
        if not self.body.strip():
            return {}
        return json.loads(self.body)

    def json(self, path: str = "$") -> str:
        return json.dumps(json_path(self._document(), path), ensure_ascii=False, separators=(",", ":"))

    def path(self, path: str = "$") -> Any:
        return json_path(self._document(), path)

    def params(self, name: str | None = None) -> Any:
        if name is None:
            return self._params
        for location in ("path", "querystring"):
            if name in self._params[location]:
                return self._params[location][name]
        # Header names are case-insensitive on the wire.
        for header, value in self._params["header"].items():
            if header.lower() == name.lower():
                return value
        return ""


def _text(value: Any) -> str:
    return "" if value is None else to_string(value)


class Util:
    """$util as documented for API Gateway REST mapping templates."""

    @staticmethod
    def escapeJavaScript(value: Any) -> str:
        return escape_javascript(value)

    @staticmethod
    def parseJson(text: str) -> Any:
        return json.loads(text)

    @staticmethod
    def urlEncode(text: Any) -> str:
        # java.net.URLEncoder: space -> '+', unreserved = A-Z a-z 0-9 . - * _ ; null -> "" (AWS recorded)
        return urllib.parse.quote_plus(_text(text), safe="*")

    @staticmethod
    def urlDecode(text: Any) -> str:
        return urllib.parse.unquote_plus(_text(text))

    @staticmethod
    def base64Encode(text: Any) -> str:
        return base64.b64encode(_text(text).encode("utf-8")).decode("ascii")

    @staticmethod
    def base64Decode(text: Any) -> str:
        return base64.b64decode(_text(text)).decode("utf-8", errors="replace")


def request_context(
    *,
    request_id: str,
    epoch_ms: int,
    stage: str,
    http_method: str,
    resource_path: str,
    path: str,
    source_ip: str = "127.0.0.1",
    api_key: str = "",
    api_key_id: str = "",
    user_agent: str = "",
    domain_name: str = "localhost",
    account_id: str = "123456789012",
    api_id: str = "local",
    resource_id: str = "local0",
    deployment_id: str = "local0",
    is_canary_request: bool | None = None,
) -> dict:
    """The $context of one request, with API Gateway's names, formats and key order (AWS recorded)."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=timezone.utc)
    identity = dict.fromkeys(IDENTITY_KEYS)
    identity.update(sourceIp=source_ip, userAgent=user_agent)
    if api_key_id:  # present only where the method checked an API key (AWS lists neither otherwise)
        identity.update(apiKey=api_key, apiKeyId=api_key_id)
    context = {
        "resourceId": resource_id,
        "resourcePath": resource_path,
        "httpMethod": http_method,
        "extendedRequestId": request_id,
        "requestTime": moment.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "path": path,
        "accountId": account_id,
        "protocol": "HTTP/1.1",
        "stage": stage,
        "domainPrefix": domain_name.split(".")[0],
        "requestTimeEpoch": epoch_ms,
        "requestId": request_id,
        "identity": identity,
        "domainName": domain_name,
        "deploymentId": deployment_id,
        "apiId": api_id,
    }
    if is_canary_request is not None:  # only a stage with canary settings has the key (AWS recorded)
        context["isCanaryRequest"] = is_canary_request
    return context


def template_context(context: dict, carried: dict | None) -> dict:
    """A private copy of `context` for one rendering, with the override maps in API Gateway's shape.

    `carried` holds the requestOverride/responseOverride a request template set: the response
    template of the same request sees them (AWS recorded).
    """
    values = copy.deepcopy(context)
    values.update(copy.deepcopy(carried) if carried else {
        "requestOverride": {"path": {}, "header": {}, "querystring": {}},
        "responseOverride": {"header": {}},
    })
    ordered = [key for key in CONTEXT_KEYS if key in values] + [key for key in values if key not in CONTEXT_KEYS]
    return ContextMap((key, _context_value(values[key])) for key in ordered)


def _context_value(value: Any) -> Any:
    if isinstance(value, dict):
        return ContextMap((key, _context_value(item)) for key, item in value.items())
    return value
