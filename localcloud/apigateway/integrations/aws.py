"""AWS integrations: service actions (states, dynamodb) and S3 paths, signed with SigV4 against the local endpoint."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from localcloud import aws_in_process
from localcloud.apigateway.context import GatewayResponse, Invocation
from localcloud.apigateway.gateway_responses import GatewayError
from localcloud.apigateway.integration_request import IntegrationRequest
from localcloud.apigateway.resource_router import GatewayBuildError

INTEGRATION_TIMEOUT_SECONDS = 29  # API Gateway's default integration timeout
_FAKE_CREDENTIALS = Credentials("local", "local")
_AWS_URI = re.compile(r"^arn:[^:]+:apigateway:[^:]*:(?P<service>[a-z0-9-]+):(?P<kind>action|path)/(?P<rest>.+)$")
# Service actions the local gateway can call: service in the URI -> (SigV4 name, X-Amz-Target prefix, JSON version).
_ACTION_SERVICES = {
    "states": ("states", "AWSStepFunctions", "1.0"),
    "dynamodb": ("dynamodb", "DynamoDB_20120810", "1.0"),
}


def aws_integration(where: str, integration: dict):
    uri = integration.get("uri") or ""
    match = _AWS_URI.match(uri)
    if not match:
        raise GatewayBuildError(f"{where}: unsupported AWS integration uri {uri!r}")
    service, kind, rest = match.group("service", "kind", "rest")
    if kind == "action" and service in _ACTION_SERVICES:
        return ServiceAction(service, rest)
    if kind == "path" and service == "s3":
        return S3Path((integration.get("httpMethod") or "").upper(), rest)
    raise GatewayBuildError(f"{where}: AWS integration {service}:{kind} is not supported locally ({uri!r})")


@dataclass(frozen=True)
class ServiceAction:
    """`arn:aws:apigateway:<region>:<service>:action/<Action>`: a JSON-protocol API call."""

    service: str
    action: str

    def invoke(self, invocation: Invocation, integration_request: IntegrationRequest) -> GatewayResponse:
        signing_name, target_prefix, json_version = _ACTION_SERVICES[self.service]
        headers = {"Content-Type": f"application/x-amz-json-{json_version}", "X-Amz-Target": f"{target_prefix}.{self.action}"}
        deployment = invocation.deployment
        return signed_http("POST", deployment.endpoint + "/", headers, integration_request.body, signing_name,
                           SigV4Auth, deployment.region)


@dataclass(frozen=True)
class S3Path:
    """`arn:aws:apigateway:<region>:s3:path/{bucket}/{key}` with path parameters mapped in."""

    http_method: str
    path_template: str

    def invoke(self, invocation: Invocation, integration_request: IntegrationRequest) -> GatewayResponse:
        values = integration_request.parameters

        def fill(match: re.Match) -> str:
            name = match.group(1).rstrip("+")
            if name not in values["path"]:
                raise GatewayError("API_CONFIGURATION_ERROR", f"integration path parameter {name!r} is not mapped")
            return urllib.parse.quote(values["path"][name], safe="")

        deployment = invocation.deployment
        url = deployment.endpoint + "/" + re.sub(r"\{([^}]+)\}", fill, self.path_template)
        if values["querystring"]:
            url += "?" + urllib.parse.urlencode(values["querystring"])
        return signed_http(self.http_method, url, dict(values["header"]), integration_request.body, "s3",
                           S3SigV4Auth, deployment.region)


def signed_http(method: str, url: str, headers: dict, body: bytes, service: str, signer, region: str) -> GatewayResponse:
    aws_request = AWSRequest(method=method, url=url, data=body, headers=headers)
    signer(_FAKE_CREDENTIALS, service, region).add_auth(aws_request)
    if app := aws_in_process.app_for(url):  # the endpoint is served in this process: no loopback hop
        return GatewayResponse(*aws_in_process.call(app, method, url, dict(aws_request.headers.items()), body))
    prepared = urllib.request.Request(url, data=body if method not in ("GET", "HEAD") else None,
                                      headers=dict(aws_request.headers.items()), method=method)
    try:
        with urllib.request.urlopen(prepared, timeout=INTEGRATION_TIMEOUT_SECONDS) as reply:
            return GatewayResponse(reply.status, dict(reply.headers.items()), reply.read())
    except urllib.error.HTTPError as reply:
        return GatewayResponse(reply.code, dict(reply.headers.items()), reply.read())
    except TimeoutError:
        raise GatewayError("INTEGRATION_TIMEOUT")
    except urllib.error.URLError as error:
        raise GatewayError("INTEGRATION_FAILURE", f"Integration unreachable: {error.reason}")
