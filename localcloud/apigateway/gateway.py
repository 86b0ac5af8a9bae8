"""The gateway: a WSGI app running each request through API Gateway's phases in order."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable

from localcloud.apigateway.api_key_validation import check_api_key
from localcloud.apigateway.context import Deployment, GatewayRequest, GatewayResponse, Invocation
from localcloud.apigateway.gateway_responses import GATEWAY_RESPONSE_TYPES, GatewayError, render_gateway_response
from localcloud.apigateway.integration_request import build_integration_request
from localcloud.apigateway.integration_response import integration_response
from localcloud.apigateway.method_request import validate_method_request
from localcloud.apigateway.method_response import send
from localcloud.apigateway.operations import Operation, compile_operations
from localcloud.apigateway.parse import request_from_environ
from localcloud.apigateway.resource_router import route
from localcloud.apigateway.stage_cache import StageCache
from localcloud.apigateway.variables import context_variables

LOG = logging.getLogger("localcloud.gateway")


def build_gateway(api_body: dict, aws_endpoint_url: str, api_keys: set[str], stage: str, region: str,
                  account_id: str, stage_properties: dict | None = None) -> "Gateway":
    """A WSGI app serving `api_body` (placeholders already resolved) at /<stage>/...

    `stage_properties` are the AWS::ApiGateway::Stage's (its cache cluster and method settings)."""
    deployment = Deployment(api_body, aws_endpoint_url.rstrip("/"), frozenset(api_keys), stage, region, account_id)
    return Gateway(deployment, StageCache(stage_properties))


class Gateway:
    def __init__(self, deployment: Deployment, stage_cache: StageCache | None = None):
        self.deployment = deployment
        self.operations = compile_operations(deployment.api_body)
        self.stage_cache = stage_cache or StageCache(None)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        request = request_from_environ(environ)
        response = self.handle(request)
        LOG.info("%s %s -> %d in %.1f ms (request %s)", request.method, request.path, response.status,
                 (time.perf_counter() - started) * 1000, request.request_id)
        return send(response, request, start_response)

    def handle(self, request: GatewayRequest) -> GatewayResponse:
        operation = None
        try:
            operation, path_params = route(self.operations, self.deployment.stage, request)
            return self._serve(Invocation(self.deployment, request, operation, path_params))
        except GatewayError as error:
            return self._gateway_response(error, request, operation)
        except Exception:  # noqa: BLE001 - a local bug still answers as API Gateway would: DEFAULT_5XX
            LOG.exception("request %s failed inside the local gateway", request.request_id)
            return self._gateway_response(GatewayError("DEFAULT_5XX", "Internal server error"), request, operation)

    def _serve(self, invocation: Invocation) -> GatewayResponse:
        operation = invocation.operation
        check_api_key(self.deployment, operation.requires_api_key, invocation.request)
        validate_method_request(invocation)
        # A cached method answers from the stage cache; only a miss reaches the integration.
        return self.stage_cache.serve(invocation, lambda: self._integrate(invocation))

    @staticmethod
    def _integrate(invocation: Invocation) -> GatewayResponse:
        context = context_variables(invocation)
        if invocation.operation.is_proxy:
            return invocation.operation.backend.invoke(invocation, context)
        integration_request = build_integration_request(invocation, context)
        backend = invocation.operation.backend.invoke(invocation, integration_request)
        return integration_response(invocation, backend, context, integration_request.rendered)

    def gateway_response_for(self, response_type: str, message: str | None = None,
                             validation_error: str = "") -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) of one gateway response type, for responses no local request can
        trigger (THROTTLED, WAF_FILTERED, ...): the same rendering as a triggered one."""
        if response_type not in GATEWAY_RESPONSE_TYPES:
            raise ValueError(f"{response_type!r} is not an API Gateway gateway response type")
        request = GatewayRequest("GET", f"/{self.deployment.stage}/", {}, {}, b"", str(uuid.uuid4()),
                                 int(time.time() * 1000), "127.0.0.1", "localhost")
        response = self._gateway_response(GatewayError(response_type, message, validation_error), request, None)
        return response.status, response.headers, response.body

    def _gateway_response(self, error: GatewayError, request: GatewayRequest, operation: Operation | None) -> GatewayResponse:
        return render_gateway_response(self.deployment, error, request, operation.resource_path if operation else "")
