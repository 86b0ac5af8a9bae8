"""MOCK integrations through the local gateway, against what API Gateway answered for the same setup.

Source: localstack/localstack tests/aws/services/apigateway/test_apigateway_integrations.py::
test_integration_mock_with_response_override_in_request_template, recorded against AWS in
test_apigateway_integrations.snapshot.json (keys `...[True]` and `...[False]`).
"""

from werkzeug.test import Client

from localcloud.apigateway import build_gateway
from tests.api.api_spec import ACCOUNT_ID, REGION

# The recorded test's request template, as it sends it (textwrap.dedent of its f-string).
OVERRIDING_REQUEST_TEMPLATE = (
    '\n#set($context.responseOverride.status = 444)\n#set($context.responseOverride.header.foo = "bar")\n'
    '#set($context.responseOverride.custom = "is also passed around")\n{\n  "statusCode": 200\n}\n'
)
READING_RESPONSE_TEMPLATE = (
    "\n#set($statusOverride = $context.responseOverride.status)\n#set($fooHeader = $context.responseOverride.header.foo)\n"
    '#set($custom = $context.responseOverride.custom)\n{\n    "statusOverride": "$statusOverride",\n'
    '    "fooHeader": "$fooHeader",\n    "custom": "$custom"\n}\n'
)


def mock_api(response_templates: dict) -> Client:
    """GET / with the recorded MOCK integration; no API key, as in the recorded test."""
    body = {"openapi": "3.0.1", "paths": {"/": {"get": {"x-amazon-apigateway-integration": {
        "type": "mock",
        "requestTemplates": {"application/json": OVERRIDING_REQUEST_TEMPLATE},
        "responses": {"2\\d{2}": {"statusCode": "200", "responseTemplates": response_templates}},
    }}}}}
    return Client(build_gateway(body, "http://127.0.0.1:1", set(), "dev", REGION, ACCOUNT_ID))


def test_a_response_override_set_in_the_request_template_applies_without_a_response_template():
    # When the method is called (no Content-Type: API Gateway uses the application/json template)
    response = mock_api({}).get("/dev/")

    # Then AWS's recorded answer: status 444, header foo: bar, an empty body
    assert (response.status_code, response.headers["foo"], response.get_data()) == (444, "bar", b"")


def test_a_response_override_set_in_the_request_template_applies_with_a_response_template():
    response = mock_api({"application/json": READING_RESPONSE_TEMPLATE}).get("/dev/")
    assert (response.status_code, response.headers["foo"]) == (444, "bar")
    # and the response template saw what the request template set, as in AWS's recorded body
    assert response.get_json() == {"custom": "is also passed around", "fooHeader": "bar", "statusOverride": "444"}
