"""The local gateway's stage cache, against what API Gateway documents.

Source: the API Gateway developer guide, "Enabling API caching to enhance responsiveness"
(docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html; archived text in
awsdocs/amazon-api-gateway-developer-guide doc_source/api-gateway-caching.md): only GET methods are cached by
the stage-wide setting; entries are keyed by the cache key parameters; TTL 0 disables; a client's
`Cache-Control: max-age=0` refreshes the entry "provided that the client is authorized to do so", and
unauthorized requests are handled by `unauthorizedCacheControlHeaderStrategy`. Defaults, from GetStage as the
AWS CLI reference shows it (aws/aws-cli awscli/examples/apigateway/update-stage.rst, outputs of update-stage): every method setting
reads `requireAuthorizationForCacheControl: true`, `unauthorizedCacheControlHeaderStrategy:
SUCCEED_WITH_RESPONSE_HEADER` ("Ignore cache control header; Add a warning in response header"). An API-key
client is never IAM-authorized for execute-api:InvalidateCache, so by default its max-age=0 is ignored. A stage
deployed by CloudFormation (which cannot set these two fields) was seen doing exactly that, warning headers in
the responses: aws/serverless-application-model issue #788.
"""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from localcloud.apigateway import GatewayBuildError, build_gateway
from tests.api.api_spec import ACCOUNT_ID, REGION, api_body

# Each answer names the request that produced it: a cached answer repeats another request's id.
ECHO = '{"requestId":"$context.requestId","id":"$input.params(\'id\')","q":"$input.params(\'q\')"}'


def _method(verb: str, path: str, **integration) -> dict:
    return {verb: {
        "parameters": [{"name": "id", "in": "path", "required": True}],
        "x-amazon-apigateway-integration": {
            "type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'},
            "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": ECHO}}},
            **integration,
        },
    }}


def echo_api(stage_properties: dict, **integration) -> tuple[Client, list[float]]:
    """GET and DELETE /items/{id} and GET /other/{id}, MOCK integrations; the cache's clock is a list to move."""
    body = {"openapi": "3.0.1", "paths": {
        "/items/{id}": {**_method("get", "/items/{id}", **integration), **_method("delete", "/items/{id}", **integration)},
        "/other/{id}": _method("get", "/other/{id}"),
    }}
    gateway = build_gateway(body, "http://127.0.0.1:1", set(), "dev", REGION, ACCOUNT_ID, stage_properties)
    now = [1000.0]
    gateway.stage_cache._clock = lambda: now[0]
    return Client(gateway), now


ITEMS_ONLY = {"CacheClusterEnabled": True, "CacheClusterSize": "0.5", "MethodSettings": [
    {"HttpMethod": "*", "ResourcePath": "/*", "CachingEnabled": False},
    {"HttpMethod": "GET", "ResourcePath": "/~1items~1{id}", "CachingEnabled": True, "CacheTtlInSeconds": 5,
     "CacheDataEncrypted": True},
]}
KEYED = {"cacheNamespace": "items", "cacheKeyParameters": ["method.request.path.id"]}


def request_id(client: Client, method: str, path: str, **kwargs) -> str:
    response = client.open(path, method=method, **kwargs)
    assert response.status_code == 200
    return response.get_json()["requestId"]


def test_a_cached_method_answers_from_the_cache_until_its_ttl_ends():
    client, now = echo_api(ITEMS_ONLY, **KEYED)
    first = request_id(client, "GET", "/dev/items/a")
    now[0] += 4.9
    assert request_id(client, "GET", "/dev/items/a") == first
    now[0] += 0.1  # the TTL (5 s) is over: the integration answers again
    second = request_id(client, "GET", "/dev/items/a")
    assert second != first
    assert request_id(client, "GET", "/dev/items/a") == second


def test_entries_are_per_cache_key_value_and_other_parameters_share_them():
    client, _ = echo_api(ITEMS_ONLY, **KEYED)
    a = request_id(client, "GET", "/dev/items/a", query_string="q=1")
    assert request_id(client, "GET", "/dev/items/b") != a
    # q is not a cache key parameter: the answer for q=1 serves q=2 (the docs' ?type=admin&department=B example)
    response = client.get("/dev/items/a", query_string="q=2")
    assert response.get_json() == {"requestId": a, "id": "a", "q": "1"}


def test_without_key_parameters_one_entry_serves_every_id():
    client, _ = echo_api(ITEMS_ONLY)
    a = request_id(client, "GET", "/dev/items/a")
    assert client.get("/dev/items/b").get_json()["requestId"] == a


def test_only_the_method_with_its_own_setting_is_cached():
    client, _ = echo_api(ITEMS_ONLY, **KEYED)
    for method, path in (("DELETE", "/dev/items/a"), ("GET", "/dev/other/a")):
        assert request_id(client, method, path) != request_id(client, method, path)


def test_the_stage_wide_setting_caches_get_methods_only():
    client, _ = echo_api({"CacheClusterEnabled": True, "MethodSettings": [
        {"HttpMethod": "*", "ResourcePath": "/*", "CachingEnabled": True, "CacheTtlInSeconds": 60}]}, **KEYED)
    assert request_id(client, "GET", "/dev/other/a") == request_id(client, "GET", "/dev/other/a")
    assert request_id(client, "DELETE", "/dev/items/a") != request_id(client, "DELETE", "/dev/items/a")


@pytest.mark.parametrize("stage", [
    {},  # no cache cluster
    {"CacheClusterEnabled": False, "MethodSettings": ITEMS_ONLY["MethodSettings"]},
    {"CacheClusterEnabled": True, "MethodSettings": [
        {"HttpMethod": "GET", "ResourcePath": "/~1items~1{id}", "CachingEnabled": True, "CacheTtlInSeconds": 0}]},
])
def test_nothing_is_cached_without_a_cluster_or_with_ttl_0(stage):
    client, _ = echo_api(stage, **KEYED)
    assert request_id(client, "GET", "/dev/items/a") != request_id(client, "GET", "/dev/items/a")


def test_by_default_an_unauthorized_max_age_0_is_ignored_with_a_warning():
    client, _ = echo_api(ITEMS_ONLY, **KEYED)
    first = request_id(client, "GET", "/dev/items/a")
    response = client.get("/dev/items/a", headers={"Cache-Control": "no-transform, max-age=0"})
    assert response.get_json()["requestId"] == first  # still the cached answer
    assert response.headers["Warning"].startswith("199 ")
    assert "Warning" not in client.get("/dev/items/a").headers


def test_without_required_authorization_max_age_0_refreshes_the_entry():
    settings = [{**s, "RequireAuthorizationForCacheControl": False} for s in ITEMS_ONLY["MethodSettings"]]
    client, _ = echo_api({**ITEMS_ONLY, "MethodSettings": settings}, **KEYED)
    first = request_id(client, "GET", "/dev/items/a")
    fresh = request_id(client, "GET", "/dev/items/a", headers={"Cache-Control": "max-age=0"})
    assert fresh != first
    assert request_id(client, "GET", "/dev/items/a") == fresh  # the fresh answer replaced the entry


@pytest.mark.parametrize("strategy, status, warning", [("FAIL_WITH_403", 403, False),
                                                       ("SUCCEED_WITHOUT_RESPONSE_HEADER", 200, False)])
def test_the_other_unauthorized_strategies(strategy, status, warning):
    settings = [{**s, "UnauthorizedCacheControlHeaderStrategy": strategy} for s in ITEMS_ONLY["MethodSettings"]]
    client, _ = echo_api({**ITEMS_ONLY, "MethodSettings": settings}, **KEYED)
    request_id(client, "GET", "/dev/items/a")
    response = client.get("/dev/items/a", headers={"Cache-Control": "max-age=0"})
    assert response.status_code == status and ("Warning" in response.headers) is warning


def test_the_api_keys_the_status_method_only_by_job_id():
    keyed = {(path, method): integration.get("cacheKeyParameters")
             for path, item in api_body()["paths"].items() for method, spec in item.items()
             if (integration := spec.get("x-amazon-apigateway-integration", {})).get("cacheKeyParameters")}
    assert keyed == {("/jobs/{jobId}", "get"): ["method.request.path.jobId"]}


def test_a_cache_key_the_local_gateway_cannot_resolve_fails_start_up():
    with pytest.raises(GatewayBuildError, match="cacheKeyParameters 'integration.request.path.id'"):
        echo_api(ITEMS_ONLY, cacheKeyParameters=["integration.request.path.id"])


def test_expired_entries_are_dropped_as_the_cache_fills(monkeypatch):
    monkeypatch.setattr("localcloud.apigateway.stage_cache.SWEEP_AT_ENTRIES", 3)
    client, now = echo_api(ITEMS_ONLY, **KEYED)
    for item in ("a", "b", "c"):
        request_id(client, "GET", f"/dev/items/{item}")
    now[0] += 5  # all three expired
    request_id(client, "GET", "/dev/items/d")
    assert len(client.application.stage_cache._entries) == 1
