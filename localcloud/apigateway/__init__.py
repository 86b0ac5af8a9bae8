"""The local API Gateway: serves a REST API's OpenAPI body (x-amazon-apigateway-*) over WSGI.

Modules follow API Gateway's request phases, in the order a request meets them:

| phase | module |
|---|---|
| parse the HTTP request | `parse.py` |
| route to a method (stage, resource, verb) | `resource_router.py`, `operations.py` |
| method request: API key | `api_key_validation.py` |
| method request: request validator (parameters, body model) | `method_request.py`, `validation_messages.py` |
| stage cache (cached methods answer from it until their TTL) | `stage_cache.py` |
| integration request: parameter mapping, request template | `integration_request.py`, `parameters_mapping.py`, `template_mapping.py`, `variables.py` |
| integration: AWS service action or S3 path, Lambda proxy, mock | `integrations/aws.py`, `integrations/aws_proxy.py`, `integrations/mock.py` |
| integration response: selection pattern, response template, response parameters | `integration_response.py` |
| method response | `method_response.py` |
| gateway responses | `gateway_responses.py` |

`gateway.py` runs the phases. Anything in the body the local gateway cannot serve fails
`build_gateway()` with a message naming it, never a request.
"""

from localcloud.apigateway.gateway import Gateway, build_gateway
from localcloud.apigateway.gateway_responses import GATEWAY_RESPONSE_TYPES
from localcloud.apigateway.resource_router import GatewayBuildError

__all__ = ["GATEWAY_RESPONSE_TYPES", "Gateway", "GatewayBuildError", "build_gateway"]
