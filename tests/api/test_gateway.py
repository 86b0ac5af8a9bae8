"""The local gateway serving api/openapi.yaml against a moto server, end to end over its integrations."""

import json
import time

import pytest
from werkzeug.test import Client

from localcloud.apigateway import GatewayBuildError, build_gateway
from localcloud.apigateway.context import GatewayRequest, Invocation
from localcloud.apigateway.integrations.aws_proxy import proxy_event
from localcloud.apigateway.resource_router import route
from localcloud.apigateway.variables import context_variables
from tests.api.api_spec import ACCOUNT_ID, PLACEHOLDER_VALUES, REGION, api_body
from tests.api.conftest import API_KEY

SEARCH = {"location": "O'Brien \"Bob\" \\ back\nnew 東京 ✓", "pickupAt": "2026-12-01T10:00:00Z",
          "dropoffAt": "2026-12-03T10:00:00Z"}
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status and body["type"].startswith("urn:stepgate:problem:")
    return body


def test_accepting_a_search_starts_an_execution_with_the_exact_input(call, local_aws):
    response = call("POST", "/searches", json=SEARCH)
    assert response.status_code == 202
    job_id = response.get_json()["jobId"]
    assert response.headers["Location"] == f"/v1/jobs/{job_id}"
    assert response.headers["Retry-After"] == "7"  # a fresh search's wait (tests/api/api_spec.py's settings)
    execution = local_aws.client("stepfunctions").describe_execution(
        executionArn=f"arn:aws:states:{REGION}:{ACCOUNT_ID}:execution:Jobs:{job_id}")
    execution_input = json.loads(execution["input"])
    assert execution_input["kind"] == "search" and execution_input["request"] == SEARCH


def test_the_status_of_a_finished_job_redirects_to_its_result(call):
    job_id = call("POST", "/searches", json=SEARCH).get_json()["jobId"]
    for _ in range(50):  # moto's interpreter runs the Pass state in a thread
        response = call("GET", f"/jobs/{job_id}")
        if response.status_code != 200:
            break
        time.sleep(0.05)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/v1/searches/{job_id}/offers"
    assert response.get_json(force=True)["status"] == "SUCCEEDED"


@pytest.mark.parametrize("body, field", [
    ({**SEARCH, "location": "x"}, "location"),
    ({k: v for k, v in SEARCH.items() if k != "pickupAt"}, "pickupAt"),
    ({**SEARCH, "dropoffAt": "tomorrow"}, "dropoffAt"),
    ({**SEARCH, "carSize": "tank"}, "carSize"),
    ({**SEARCH, "colour": "red"}, "colour"),
])
def test_a_body_outside_the_model_is_a_400_naming_the_field(call, body, field):
    detail = problem(call("POST", "/searches", json=body), 400)["detail"]
    assert detail.startswith(f"{field}:") or f"; {field}:" in detail


def test_a_nested_field_is_named_by_its_dotted_path(call):
    detail = problem(call("POST", "/recognitions", json={"image": {"bucket": "b"}}), 400)["detail"]
    assert "image.key: is required" in detail


@pytest.mark.parametrize("key", [None, "wrong-key"])
def test_a_missing_or_wrong_api_key_is_a_403(call, key):
    problem(call("GET", "/jobs/anything", key=key), 403)


@pytest.mark.parametrize("method, path", [("GET", "/nowhere"), ("DELETE", "/users"), ("GET", "/")])
def test_an_unknown_route_is_a_404(call, method, path):
    problem(call(method, path), 404)


@pytest.mark.parametrize("job_id", ["never-started", "Other:job", "x" * 81])
def test_an_unknown_or_malformed_job_is_a_404(call, job_id):
    problem(call("GET", f"/jobs/{job_id}"), 404)


def test_a_non_json_body_is_a_415(call):
    problem(call("POST", "/users", data="name=x", headers={"Content-Type": "text/plain"}), 415)


def test_an_uploaded_png_is_stored_byte_for_byte(call, local_aws):
    response = call("PUT", "/uploads/car.png", data=PNG_BYTES, headers={"Content-Type": "image/png"})
    assert response.status_code == 201
    image = response.get_json(force=True)["image"]
    assert image["bucket"] == PLACEHOLDER_VALUES["UploadsBucketName"]
    assert image["key"] == f"uploads/{response.headers['x-amzn-RequestId']}/car.png"
    stored = local_aws.client("s3").get_object(Bucket=image["bucket"], Key=image["key"])
    assert stored["Body"].read() == PNG_BYTES and stored["ContentType"] == "image/png"


def test_an_unsafe_upload_name_is_a_400_and_nothing_is_written(call, local_aws):
    body = problem(call("PUT", "/uploads/bad%20name!", data=PNG_BYTES, headers={"Content-Type": "image/png"}), 400)
    assert body["field"] == "name"
    listed = local_aws.client("s3").list_objects_v2(Bucket=PLACEHOLDER_VALUES["UploadsBucketName"], Prefix="uploads/")
    assert all(not item["Key"].endswith("bad name!") for item in listed.get("Contents", []))


def test_an_upload_over_10_mb_is_a_413(call):
    problem(call("PUT", "/uploads/big.png", data=b"\0" * (10 * 1024 * 1024 + 1),
                 headers={"Content-Type": "image/png"}), 413)


def test_a_seeded_user_is_read_back(call, local_aws):
    local_aws.client("dynamodb").put_item(TableName=PLACEHOLDER_VALUES["UsersTableName"], Item={
        "pk": {"S": "USER#u-7"}, "userId": {"S": "u-7"}, "name": {"S": "Zoë O'Neil"},
        "email": {"S": "zoe@example.com"}, "createdAt": {"S": "2026-11-22T07:56:40Z"}})
    response = call("GET", "/users/u-7")
    assert response.status_code == 200
    assert response.get_json(force=True) == {"userId": "u-7", "name": "Zoë O'Neil", "email": "zoe@example.com",
                                             "createdAt": "2026-11-22T07:56:40Z"}
    problem(call("GET", "/users/u-unknown"), 404)


def test_stored_labels_are_served_until_they_expire(call, local_aws):
    table = PLACEHOLDER_VALUES["LabelsTableName"]
    result = {"labels": [{"name": "Car", "confidence": 98.0, "parents": []}], "labelCount": 1}
    dynamodb = local_aws.client("dynamodb")
    for job_id, expires_at in (("fresh", int(time.time()) + 600), ("stale", int(time.time()) - 1)):
        dynamodb.put_item(TableName=table, Item={"jobId": {"S": job_id}, "result": {"S": json.dumps(result)},
                                                 "expiresAt": {"N": str(expires_at)},
                                                 "expires": {"S": "Sun, 22 Nov 2026 08:26:35 GMT"}})
    fresh = call("GET", "/recognitions/fresh/labels")
    assert fresh.get_json(force=True) == result and fresh.headers["Expires"].endswith(" GMT")
    problem(call("GET", "/recognitions/stale/labels"), 410)
    problem(call("GET", "/recognitions/never/labels"), 404)


def test_an_unsupported_integration_fails_at_build_time():
    body = api_body()
    body["paths"]["/users"]["post"]["x-amazon-apigateway-integration"] = {"type": "http", "uri": "https://x"}
    with pytest.raises(GatewayBuildError, match=r"POST /users: integration type 'http'"):
        build_gateway(body, "http://127.0.0.1:1", set(), "v1", REGION, ACCOUNT_ID)


@pytest.mark.parametrize("callback_url, accepted", [
    ("https://hooks.example.com/stepgate", True),
    ("http://127.0.0.1:8765/hook", True),  # passes the schema; in AWS validate_job refuses it
    ("http://hooks.example.com/stepgate", False),
    ("https://user@hooks.example.com/", False),
    ("https://hooks.example.com/" + "x" * 2048, False),
    ("https://x.example/\u0000", False),  # a fuzzer's find: control characters passed the pattern
    ("https://hooks.example\u0007.com/", False),
    ("https://hooks.example.com/a\u007fb", False),
])
def test_a_callback_url_must_be_https_or_local_loopback(call, callback_url, accepted):
    response = call("POST", "/users", json={"name": "Ann", "email": "ann@example.com", "callbackUrl": callback_url})
    if accepted:
        assert response.status_code == 202, response.get_data(as_text=True)
    else:
        assert "callbackUrl" in problem(response, 400)["detail"]


def test_a_mock_integration_answers_through_its_selection_pattern(local_aws):
    # Given methods whose MOCK integration's request template chooses the status
    body = api_body()
    for path, status in (("/health", 200), ("/teapot", 418)):
        body["paths"][path] = {"get": {"x-amazon-apigateway-integration": {
            "type": "mock",
            "requestTemplates": {"application/json": f'{{"statusCode": {status}}}'},
            "responses": {
                "418": {"statusCode": "418", "responseTemplates": {"application/json": '{"brewing": false}'}},
                "default": {"statusCode": "200", "responseTemplates": {"application/json": '{"ok": true}'}},
            },
        }}}
    client = Client(build_gateway(body, local_aws.endpoint, {API_KEY}, "v1", REGION, ACCOUNT_ID))

    # Then each answers from the integration response its status selects
    health = client.get("/v1/health", headers={"x-api-key": API_KEY})
    teapot = client.get("/v1/teapot", headers={"x-api-key": API_KEY})
    assert (health.status_code, health.get_json()) == (200, {"ok": True})
    assert (teapot.status_code, teapot.get_json()) == (418, {"brewing": False})


def test_a_proxy_event_carries_a_body_that_is_not_utf8_with_replacement_characters():
    # Given a text body that is not UTF-8 on a Lambda proxy route
    gateway = build_gateway(api_body(), "http://127.0.0.1:1", {API_KEY}, "v1", REGION, ACCOUNT_ID)
    request = GatewayRequest("GET", "/v1/searches/j-1/offers", {}, {"content-type": ["text/plain"]}, b"ok \xff",
                             "r-1", 0, "127.0.0.1", "localhost")
    operation, path_params = route(gateway.operations, "v1", request)
    invocation = Invocation(gateway.deployment, request, operation, path_params)

    # When the proxy event is built, the body is text with U+FFFD where the bad byte was
    event = proxy_event(invocation, context_variables(invocation))
    assert (event["body"], event["isBase64Encoded"], event["pathParameters"]) == ("ok \ufffd", False, {"jobId": "j-1"})
