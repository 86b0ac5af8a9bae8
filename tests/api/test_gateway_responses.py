"""API Gateway's own responses (x-amazon-apigateway-gateway-responses) are RFC 9457 problems.

Types a local request can trigger are triggered through the local gateway; the rest (throttling,
quotas, authorizers, WAF) are rendered by the same gateway code from the same spec.
"""

import copy
import json

import pytest
from werkzeug.test import Client

from localcloud.apigateway import GATEWAY_RESPONSE_TYPES, build_gateway
from tests.api.api_spec import ACCOUNT_ID, REGION, api_body
from tests.api.conftest import API_KEY

PROBLEM_FIELDS = {"type", "title", "status", "detail"}


def assert_problem(status: int, headers: dict, body: bytes, expected_status: int) -> dict:
    assert status == expected_status, body
    assert headers["Content-Type"] == "application/problem+json"
    problem = json.loads(body)
    assert PROBLEM_FIELDS <= set(problem), problem
    assert problem["status"] == status
    assert problem["type"].startswith("urn:stepgate:problem:") and problem["title"] and problem["detail"]
    return problem


def send(client: Client, method: str, path: str, *, key: str | None = API_KEY, **kwargs):
    headers = dict(kwargs.pop("headers", {}))
    if key is not None:
        headers["x-api-key"] = key
    response = client.open(f"/v1{path}", method=method, headers=headers, **kwargs)
    return response.status_code, dict(response.headers), response.get_data()


@pytest.fixture(scope="module")
def gateway_app(local_aws):
    return build_gateway(api_body(), aws_endpoint_url=local_aws.endpoint, api_keys={API_KEY},
                         stage="v1", region=REGION, account_id=ACCOUNT_ID)


def test_the_spec_overrides_every_gateway_response_type():
    # Given the API's gateway responses
    declared = set(api_body()["x-amazon-apigateway-gateway-responses"])

    # Then every type API Gateway can produce has its own problem body (none falls back to a default)
    assert declared == GATEWAY_RESPONSE_TYPES


@pytest.mark.parametrize("response_type", sorted(GATEWAY_RESPONSE_TYPES))
def test_every_gateway_response_is_a_problem_with_its_declared_status(gateway_app, response_type):
    # Given a gateway message holding characters JSON must escape
    declared = api_body()["x-amazon-apigateway-gateway-responses"][response_type]

    # When the gateway answers with that response type
    status, headers, body = gateway_app.gateway_response_for(
        response_type, message='Bad "thing" \\ here', validation_error='name: "x" is too short')

    # Then the body is a valid problem whose status is the HTTP status the spec declares
    assert_problem(status, headers, body, int(declared["statusCode"]))


def test_throttling_tells_the_client_when_to_retry(gateway_app):
    status, headers, body = gateway_app.gateway_response_for("THROTTLED")
    assert assert_problem(status, headers, body, 429)["type"] == "urn:stepgate:problem:throttled"
    assert headers["Retry-After"] == "5"


@pytest.mark.parametrize("key", [None, "wrong-key"], ids=["missing", "invalid"])
def test_a_missing_or_invalid_api_key_is_a_forbidden_problem(gateway, key):
    problem = assert_problem(*send(gateway, "GET", "/jobs/anything", key=key), 403)
    assert problem["type"] == "urn:stepgate:problem:forbidden" and "x-api-key" in problem["detail"]


def test_a_missing_route_is_a_not_found_problem(gateway):
    problem = assert_problem(*send(gateway, "PATCH", "/jobs/anything"), 404)
    assert problem["type"] == "urn:stepgate:problem:not-found"


def test_an_invalid_body_is_a_validation_problem_naming_the_fields(gateway):
    problem = assert_problem(*send(gateway, "POST", "/users", json={"name": ""}), 400)
    assert problem["type"] == "urn:stepgate:problem:validation-error"
    assert "email: is required" in problem["detail"] and "name:" in problem["detail"]


def test_a_body_that_is_not_json_is_a_validation_problem(gateway):
    status, headers, body = send(gateway, "POST", "/users", data='{"name": "x"',
                                 headers={"Content-Type": "application/json"})
    assert "not valid JSON" in assert_problem(status, headers, body, 400)["detail"]


def test_an_unsupported_media_type_is_a_415_problem(gateway):
    problem = assert_problem(*send(gateway, "POST", "/searches", data="<search/>",
                                   headers={"Content-Type": "application/xml"}), 415)
    assert problem["type"] == "urn:stepgate:problem:unsupported-media-type"


def test_a_body_over_10_mb_is_a_413_problem(gateway):
    problem = assert_problem(*send(gateway, "PUT", "/uploads/big.jpg", data=b"\xff" * (10 * 1024 * 1024 + 1),
                                   headers={"Content-Type": "image/jpeg"}), 413)
    assert problem["type"] == "urn:stepgate:problem:payload-too-large"


def test_a_missing_required_parameter_is_a_bad_request_problem(local_aws):
    # Given an operation that requires a header (none of Stepgate's do: the check itself is under test)
    body = api_body()
    body["paths"]["/jobs/{jobId}"]["get"]["parameters"].append(
        {"name": "X-Trace", "in": "header", "required": True, "schema": {"type": "string"}})
    client = Client(build_gateway(body, local_aws.endpoint, {API_KEY}, "v1", REGION, ACCOUNT_ID))

    # When it is called without that header
    problem = assert_problem(*send(client, "GET", "/jobs/anything"), 400)

    # Then the problem names the missing parameter
    assert problem["type"] == "urn:stepgate:problem:bad-request" and "X-Trace" in problem["detail"]


def test_a_broken_mapping_template_is_a_500_problem_not_a_crash(local_aws):
    # Given a status template that cannot render
    body = copy.deepcopy(api_body())
    body["paths"]["/jobs/{jobId}"]["get"]["x-amazon-apigateway-integration"]["requestTemplates"][
        "application/json"] = "#set($x = $input.params('jobId').substring(99))$x"
    client = Client(build_gateway(body, local_aws.endpoint, {API_KEY}, "v1", REGION, ACCOUNT_ID))

    # When it is used, the client gets the configuration-error problem
    problem = assert_problem(*send(client, "GET", "/jobs/j-1"), 500)
    assert problem["detail"] == "The API is misconfigured."


def test_an_unreachable_backend_is_a_502_integration_failure_problem():
    # Given a gateway whose AWS endpoint does not answer
    client = Client(build_gateway(api_body(), "http://127.0.0.1:1", {API_KEY}, "v1", REGION, ACCOUNT_ID))

    # When a status is read and when a Lambda proxy route is read
    for path in ("/jobs/j-1", "/searches/j-1/offers"):
        problem = assert_problem(*send(client, "GET", path), 502)

        # Then both are the integration-failure problem
        assert problem["type"] == "urn:stepgate:problem:integration-failure"
