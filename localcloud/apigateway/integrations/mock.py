"""MOCK integrations: no backend; the request template's `{"statusCode": N}` selects the integration response."""

from __future__ import annotations

import json
import logging

from localcloud.apigateway.context import GatewayResponse, Invocation
from localcloud.apigateway.gateway_responses import GatewayError
from localcloud.apigateway.integration_request import IntegrationRequest

LOG = logging.getLogger("localcloud.gateway")


class MockIntegration:
    def invoke(self, invocation: Invocation, integration_request: IntegrationRequest) -> GatewayResponse:
        try:
            status = json.loads(integration_request.body or b"{}").get("statusCode")
        except (ValueError, AttributeError):
            status = None
        if not isinstance(status, int) or isinstance(status, bool):
            # API Gateway: "Unable to parse statusCode. It should be an integer that is defined in the request template."
            LOG.error("mock integration of %s: the request template gives no integer statusCode",
                      invocation.operation.resource_path)
            raise GatewayError("API_CONFIGURATION_ERROR", "Internal server error")
        return GatewayResponse(status, {}, b"")
