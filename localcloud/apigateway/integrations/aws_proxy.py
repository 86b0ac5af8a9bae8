"""Lambda proxy integrations (AWS_PROXY): the request as a proxy event, the function's answer as the response."""

from __future__ import annotations

import base64
import json
import logging
import re
import threading

import boto3
from botocore.config import Config

from localcloud.apigateway.api_key_validation import api_key_id
from localcloud.apigateway.context import GatewayResponse, Invocation
from localcloud.apigateway.gateway_responses import GatewayError
from localcloud.apigateway.resource_router import GatewayBuildError

LOG = logging.getLogger("localcloud.gateway")
_LAMBDA_URI = re.compile(r"^arn:[^:]+:apigateway:[^:]*:lambda:path/2015-03-31/functions/(?P<function>.+)/invocations$")


class LambdaProxy:
    def __init__(self, where: str, integration: dict):
        uri = integration.get("uri") or ""
        match = _LAMBDA_URI.match(uri)
        if not match:
            raise GatewayBuildError(f"{where}: aws_proxy integrations must invoke a Lambda function, got {uri!r}")
        self.function_arn = match.group("function")
        self._client = None
        self._lock = threading.Lock()

    def invoke(self, invocation: Invocation, context: dict) -> GatewayResponse:
        event = proxy_event(invocation, context)
        try:
            reply = self._lambda(invocation).invoke(FunctionName=self.function_arn, Payload=json.dumps(event).encode())
        except Exception as error:  # noqa: BLE001 - unreachable or unknown function: the integration failed
            LOG.error("Lambda proxy %s could not be invoked: %s", self.function_arn, error)
            raise GatewayError("INTEGRATION_FAILURE", "Lambda invocation failed")
        payload = reply["Payload"].read()
        try:
            result = json.loads(payload)
            if reply.get("FunctionError") or not isinstance(result, dict) or "statusCode" not in result:
                raise ValueError("not a proxy response")
            status = int(result["statusCode"])
        except (ValueError, TypeError):
            LOG.error("Lambda proxy %s returned an unusable response: %.500r", self.function_arn, payload)
            raise GatewayError("INTEGRATION_FAILURE", "Malformed Lambda proxy response")
        headers = {k: str(v) for k, v in (result.get("headers") or {}).items()}
        for name, values in (result.get("multiValueHeaders") or {}).items():
            headers[name] = ",".join(str(v) for v in values)
        body = result.get("body") or ""
        data = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode("utf-8")
        headers.setdefault("Content-Type", "application/json")
        return GatewayResponse(status, headers, data)

    def _lambda(self, invocation: Invocation):
        with self._lock:
            if self._client is None:
                deployment = invocation.deployment
                self._client = boto3.client(
                    "lambda", endpoint_url=deployment.endpoint, region_name=deployment.region,
                    aws_access_key_id="local", aws_secret_access_key="local",
                    config=Config(retries={"max_attempts": 1}, read_timeout=29),
                )
            return self._client


def proxy_event(invocation: Invocation, context: dict) -> dict:
    """API Gateway's REST proxy event (payload format 1.0)."""
    request, operation, deployment = invocation.request, invocation.operation, invocation.deployment
    is_binary = bool(request.body) and request.content_type() in deployment.binary_media_types
    if not request.body:
        body = None
    elif is_binary:
        body = base64.b64encode(request.body).decode()
    else:
        body = request.body.decode("utf-8", errors="replace")  # text that is not UTF-8 is not a crash
    return {
        "resource": operation.resource_path,
        "path": request.path[len(deployment.stage) + 1:] or "/",
        "httpMethod": request.method,
        "headers": {name: values[-1] for name, values in request.headers.items()} or None,
        "multiValueHeaders": dict(request.headers) or None,
        "queryStringParameters": {name: values[-1] for name, values in request.query.items()} or None,
        "multiValueQueryStringParameters": dict(request.query) or None,
        "pathParameters": invocation.path_params or None,
        "stageVariables": None,
        "requestContext": {
            "accountId": deployment.account_id,
            "apiId": context["apiId"],
            "resourcePath": operation.resource_path,
            "httpMethod": request.method,
            "requestId": request.request_id,
            "extendedRequestId": request.request_id,
            "requestTime": context["requestTime"],
            "requestTimeEpoch": request.epoch_ms,
            "path": request.path,
            "stage": deployment.stage,
            "protocol": "HTTP/1.1",
            "domainName": request.host,
            "identity": {
                "sourceIp": request.source_ip,
                "userAgent": request.header("user-agent"),
                "apiKey": request.header("x-api-key"),
                "apiKeyId": api_key_id(deployment, operation.requires_api_key, request) or None,
            },
        },
        "body": body,
        "isBase64Encoded": is_binary,
    }
