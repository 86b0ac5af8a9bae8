"""The method request's validator: bodies a fuzzer sends are 400 problems, and the details read like API Gateway's.

Wording: API Gateway's validator reports draft-4 JSON-schema errors in the words of
java-json-tools/json-schema-validator (src/main/resources/com/github/fge/jsonschema/validator/
validation.properties), e.g. `instance type (string) does not match any allowed primitive type
(allowed: ["integer","number"])`. A body-less POST to a validated method is `400 Invalid request
body` on AWS (localstack/localstack tests/aws/services/apigateway/test_apigateway_common.snapshot.json,
`failed-validation-no-data`).
"""

import json

import pytest

from tests.api.test_gateway import SEARCH, problem

VALIDATED_POSTS = ["/searches", "/recognitions", "/users"]


def invalid_body(response) -> str:
    body = problem(response, 400)
    assert body["type"] == "urn:stepgate:problem:validation-error" and body["title"] == "Invalid request body"
    return body["detail"]


@pytest.mark.parametrize("path", VALIDATED_POSTS)
def test_a_body_that_is_not_utf8_is_an_invalid_body(call, path):
    # Given a JSON body with a byte that cannot start a UTF-8 sequence
    response = call("POST", path, data=b'{"name": "\xff\xfe"}', headers={"Content-Type": "application/json"})

    # Then the validator refuses it and says where
    assert invalid_body(response) == "body: is not valid UTF-8 (byte 0xff at offset 10)"


@pytest.mark.parametrize("path", VALIDATED_POSTS)
@pytest.mark.parametrize("document", [b"[" * 10_000 + b"]" * 10_000, b'{"a":' * 10_000 + b"1" + b"}" * 10_000],
                         ids=["arrays", "objects"])
def test_a_body_nested_10000_levels_deep_is_an_invalid_body(call, path, document):
    response = call("POST", path, data=document, headers={"Content-Type": "application/json"})
    assert invalid_body(response) == "body: is nested too deeply"


def test_a_deeply_nested_field_value_is_an_invalid_body(call):
    body = b'{"name": ' + b"[" * 5_000 + b"]" * 5_000 + b', "email": "ann@example.com"}'
    response = call("POST", "/users", data=body, headers={"Content-Type": "application/json"})
    assert invalid_body(response).startswith("body:")


def test_an_empty_body_is_validated_as_an_empty_object(call):
    # Given a POST without a body (API Gateway's $input.body of an empty request is {})
    detail = invalid_body(call("POST", "/users", data=b"", headers={"Content-Type": "application/json"}))

    # Then the detail names each missing field, and nothing Python-shaped
    assert detail == "name: is required; email: is required"


def test_a_json_null_body_is_reported_in_the_validators_words(call):
    detail = invalid_body(call("POST", "/users", data=b"null", headers={"Content-Type": "application/json"}))
    assert detail == 'body: instance type (null) does not match any allowed primitive type (allowed: ["object"])'


def test_a_pattern_mismatch_shows_the_pattern_as_written(call):
    detail = invalid_body(call("POST", "/users", json={"name": "Ann", "email": "not-an-email"}))
    assert detail == r'email: ECMA 262 regex "^[^@\s]+@[^@\s]+\.[^@\s]+$" does not match input string "not-an-email"'


@pytest.mark.parametrize("body, detail", [
    ({"name": 7, "email": "ann@example.com"},
     'name: instance type (integer) does not match any allowed primitive type (allowed: ["string"])'),
    ({"name": "", "email": "ann@example.com"}, 'name: string "" is too short (length: 0, required minimum: 1)'),
    ({"name": "n" * 101, "email": "ann@example.com"},
     f'name: string "{"n" * 80}…" is too long (length: 101, maximum allowed: 100)'),
    ({"name": "Ann", "email": "ann@example.com", "admin": True}, "admin: is not allowed by the schema"),
], ids=["type", "minLength", "maxLength", "additionalProperties"])
def test_user_body_errors_name_the_field_in_the_validators_words(call, body, detail):
    assert invalid_body(call("POST", "/users", json=body)) == detail


def test_an_enum_mismatch_lists_the_possible_values(call):
    detail = invalid_body(call("POST", "/searches", json={**SEARCH, "carSize": "tank"}))
    assert detail == ('carSize: instance value ("tank") not found in enum (possible values: '
                      '["economy","compact","midsize","fullsize","suv","van","luxury"])')


@pytest.mark.parametrize("value, detail", [
    (0, "maxLabels: numeric instance is lower than the required minimum (minimum: 1, found: 0)"),
    (101, "maxLabels: numeric instance is greater than the required maximum (maximum: 100, found: 101)"),
])
def test_a_number_out_of_range_names_the_bound(call, value, detail):
    body = {"image": {"bucket": "uploads-bucket", "key": "uploads/a.png"}, "maxLabels": value}
    assert invalid_body(call("POST", "/recognitions", json=body)) == detail


def test_a_nested_missing_field_is_named_by_its_path(call):
    assert invalid_body(call("POST", "/recognitions", json={"image": {}})) == "image.bucket: is required; image.key: is required"


def test_thousands_of_stray_fields_give_a_short_detail(call):
    body = {"name": "Ann", "email": "ann@example.com", **{f"x{i}": i for i in range(5_000)}}
    detail = invalid_body(call("POST", "/users", json=body))
    assert detail.endswith("; and 4990 more") and len(detail) < 1_000


def test_the_detail_is_valid_json_whatever_the_input_holds(call):
    # Given a value with quotes, backslashes and a line break in a field that fails validation
    response = call("POST", "/users", json={"name": 'a"b\\c\nd' * 20, "email": "x"})

    # Then the problem body still parses and quotes the value as received
    detail = json.loads(response.get_data())["detail"]
    assert 'string "a"b\\c\nd' in detail
