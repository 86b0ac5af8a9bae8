"""POST /searches, /recognitions, /users: the StartSyncExecution request and its answers."""

import json

import pytest
import yaml

from tests.api.api_spec import OPENAPI_FILE, PLACEHOLDER_VALUES, api_body
from tests.api.templates import render_request, render_response

EVENTS_URL = PLACEHOLDER_VALUES["EventsUrl"]

TRICKY = "O'Brien \"Bob\" \\ back\nnew\ttab 東京 ✓ 😀 </script>"
USER = '{"name":"a","email":"a@b.co"}'


def _admission_input(**render_args) -> dict:
    start = json.loads(render_request("/users", "post", body=USER, **render_args).output)
    return json.loads(start["input"])


@pytest.mark.parametrize("path, kind, body", [
    ("/searches", "search", {"location": TRICKY, "pickupAt": "2026-12-01T10:00:00Z",
                             "dropoffAt": "2026-12-03T10:00:00+01:00", "carSize": "suv"}),
    ("/recognitions", "recognition", {"image": {"bucket": "b", "key": f"uploads/r/{TRICKY}"}, "maxLabels": 5,
                                      "minConfidence": 72.5}),
    ("/users", "user", {"name": TRICKY, "email": "o'brien@example.com"}),
])
def test_the_admission_input_carries_the_body_unchanged(path, kind, body):
    raw = json.dumps(body, ensure_ascii=False)
    start = json.loads(render_request(path, "post", body=raw, request_id="job-1", api_key_id="k3y1d").output)
    assert start["stateMachineArn"] == PLACEHOLDER_VALUES["AdmissionStateMachineArn"]
    assert start["name"] == "job-1"
    assert json.loads(start["input"]) == {
        "jobId": "job-1", "apiKeyId": "k3y1d", "idempotencyKey": None, "idempotencyKeyMalformed": False,
        "job": {"kind": kind, "submittedAt": "2026-11-22T07:56:35Z", "submittedEpoch": 1795334195, "request": body}}


@pytest.mark.parametrize("epoch_ms, submitted_at", [
    (951782400000, "2000-02-29T00:00:00Z"),
    (1798761599999, "2026-12-31T23:59:59Z"),
    (1709251199000, "2024-02-29T23:59:59Z"),
])
def test_submitted_at_is_iso_8601_utc_of_the_request_time(epoch_ms, submitted_at):
    job = _admission_input(epoch_ms=epoch_ms)["job"]
    assert job["submittedAt"] == submitted_at
    assert job["submittedEpoch"] == epoch_ms // 1000


@pytest.mark.parametrize("header, value, key", [
    ("Idempotency-Key", "8e03978e-40d5-43e8-bc93-6894a57f9324", "8e03978e-40d5-43e8-bc93-6894a57f9324"),
    ("idempotency-key", "order:42.retry_1~", "order:42.retry_1~"),
    ("IDEMPOTENCY-KEY", '"quoted-key"', "quoted-key"),  # RFC 8941 string, as the IETF draft writes it
    ("Idempotency-Key", "k" * 128, "k" * 128),
])
def test_a_well_formed_key_is_passed_on(header, value, key):
    admission = _admission_input(headers={header: value})
    assert admission["idempotencyKey"] == key and admission["idempotencyKeyMalformed"] is False


@pytest.mark.parametrize("value", ["", "k" * 129, "white space", 'quote"inside', "slash/y", "ключ", '"unterminated',
                                   '\\"},"idempotencyKey":"x'])
def test_a_malformed_key_is_flagged_and_never_embedded(value):
    admission = _admission_input(headers={"Idempotency-Key": value})
    assert admission["idempotencyKey"] is None and admission["idempotencyKeyMalformed"] is True


def test_other_headers_are_not_keys():
    admission = _admission_input(headers={"X-Idempotency-Key": "abc", "Idempotency-Keys": "abc"})
    assert admission["idempotencyKey"] is None and admission["idempotencyKeyMalformed"] is False


def _sync(status: str, **fields) -> dict:
    return {"executionArn": "arn:aws:states:us-east-1:1:express:Admission:req-1:x", "status": status, **fields}


def test_a_new_job_is_accepted_at_its_status_url():
    output = json.dumps({"jobId": "job-1", "status": "RUNNING", "replayed": False})
    result = render_response("/searches", "post", "default", _sync("SUCCEEDED", output=output))
    assert result.status_override is None  # the integration response's 202
    assert json.loads(result.output) == {"jobId": "job-1", "status": "RUNNING", "statusUrl": "/v1/jobs/job-1",
                                         "eventsUrl": EVENTS_URL}
    # A search's first poll waits for its supplier (searchLatencyMs 6500 in tests/api/api_spec.py): stacks/polling.py
    assert result.header_overrides == {"Location": "/v1/jobs/job-1", "Retry-After": "7"}


def test_a_replay_answers_the_earlier_job_and_says_so():
    output = json.dumps({"jobId": "k-abc", "status": "SUCCEEDED", "replayed": True})
    result = render_response("/users", "post", "default", _sync("SUCCEEDED", output=output))
    assert json.loads(result.output) == {"jobId": "k-abc", "status": "SUCCEEDED", "statusUrl": "/v1/jobs/k-abc",
                                         "eventsUrl": EVENTS_URL}
    assert result.header_overrides == {"Location": "/v1/jobs/k-abc", "Retry-After": "5", "Idempotent-Replayed": "true"}


@pytest.mark.parametrize("error, status, slug, field, retry", [
    ("Stepgate.IdempotencyKeyMalformed", 400, "validation-error", "Idempotency-Key", False),
    ("Stepgate.IdempotencyKeyReused", 409, "idempotency-key-reused", "Idempotency-Key", False),
    ("Stepgate.IdempotencyKeyExpired", 409, "idempotency-key-expired", "Idempotency-Key", False),
    ("Stepgate.IdempotencyKeyInUse", 409, "idempotency-key-in-use", "Idempotency-Key", True),
    ("Stepgate.TooManyJobs", 429, "throttled", None, True),
    ("Stepgate.StartFailed", 500, "integration-failure", None, False),
    ("States.Timeout", 500, "integration-failure", None, False),
])
def test_a_refused_admission_is_a_problem(error, status, slug, field, retry):
    cause = 'Idempotency-Key: already used with a "different" body'
    result = render_response("/recognitions", "post", "default", _sync("FAILED", error=error, cause=cause))
    problem = json.loads(result.output)
    assert result.status_override == status
    assert result.header_overrides["Content-Type"] == "application/problem+json"
    # Retry-After only where retrying later can succeed
    assert ("Retry-After" in result.header_overrides) is retry
    assert problem["type"] == f"urn:stepgate:problem:{slug}" and problem["status"] == status
    assert problem.get("field") == field
    if field:
        assert problem["detail"] == cause


def test_a_timed_out_admission_is_a_problem():
    result = render_response("/users", "post", "default", _sync("TIMED_OUT"))
    assert result.status_override == 500
    assert json.loads(result.output)["type"] == "urn:stepgate:problem:integration-failure"


@pytest.mark.parametrize("error_type, status, slug", [
    ("ThrottlingException", 429, "throttled"),
    ("StateMachineDoesNotExist", None, "integration-failure"),  # stays the integration response's 500
])
def test_start_sync_execution_errors_become_problems(error_type, status, slug):
    result = render_response("/users", "post", "4\\d{2}|5\\d{2}", {"__type": error_type, "message": "m"})
    problem = json.loads(result.output)
    assert result.status_override == status
    assert problem["type"] == f"urn:stepgate:problem:{slug}"
    assert problem["status"] == (status or 500)


ACCEPT_PATHS = ("/searches", "/recognitions", "/users")


def _node_at(mapping_node, *keys):
    """The YAML node under the given keys (aliases are the very node their anchor names)."""
    node = mapping_node
    for key in keys:
        node = next(value for name, value in node.value if name.value == key)
    return node


def test_the_three_accept_request_templates_are_one_yaml_anchor():
    # Given the spec as YAML nodes, where an alias is the same node object as its anchor
    text = OPENAPI_FILE.read_text()
    root = yaml.compose(text)
    anchor = _node_at(root, "x-stepgate-templates", "accept-request")

    # Then every accept operation's request template IS that node, and the text is written once
    for path in ACCEPT_PATHS:
        template = _node_at(root, "paths", path, "post", "x-amazon-apigateway-integration", "requestTemplates",
                            "application/json")
        assert template is anchor, f"POST {path} has its own copy of the accept template"
    assert text.count("#set($kinds = ") == 1


def test_the_deployed_body_holds_the_accept_template_once_per_method_and_nowhere_else():
    # API Gateway has no shared templates: each method carries the text, the anchor section is not sent
    body = api_body()
    assert "x-stepgate-templates" not in body
    templates = {body["paths"][path]["post"]["x-amazon-apigateway-integration"]["requestTemplates"]["application/json"]
                 for path in ACCEPT_PATHS}
    assert len(templates) == 1 and json.dumps(body).count("#set($kinds = ") == 3


@pytest.mark.parametrize("backend", [
    {"status": "SUCCEEDED", "output": json.dumps({"jobId": "j-1", "status": "RUNNING", "replayed": False})},
    {"status": "FAILED", "error": "Stepgate.IdempotencyKeyReused", "cause": "Idempotency-Key: reused"},
    {"status": "FAILED", "error": "Stepgate.StartFailed", "cause": "boom"},
], ids=["accepted", "reused", "failed"])
def test_every_accept_body_is_exactly_the_json_document(backend):
    # 3b: nothing before or after the JSON, whatever the renderer does with directive-only lines
    output = render_response("/users", "post", "default", backend).output
    assert output.startswith("{") and output.endswith("}")
    json.loads(output)
    request = render_request("/users", "post", body=USER).output
    assert request.startswith("{") and request.endswith("}")
