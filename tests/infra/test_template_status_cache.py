"""The stage cache of GET /jobs/{jobId}: off by default (a cache cluster is billed by the hour), and when
`statusCacheSeconds` is set, a 0.5 GB encrypted cluster whose TTL applies to that method only."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import STATUS_CACHE_SECONDS
from tests.infra.template_view import Resources

ROOT = Path(__file__).resolve().parents[2]
CACHE_FIELDS = {"CacheClusterEnabled", "CacheClusterSize"}


def stage_props(template: dict) -> dict:
    return Resources(template).props(Resources(template).one("AWS::ApiGateway::Stage")[0])


def sub_variables(template: dict) -> dict:
    """The Fn::Sub variables the REST API body's status template is filled with."""
    body = Resources(template).props(Resources(template).one("AWS::ApiGateway::RestApi")[0])["Body"]
    status = body["paths"]["/jobs/{jobId}"]["get"]["x-amazon-apigateway-integration"]["responses"]["default"]
    return status["responseTemplates"]["application/json"]["Fn::Sub"][1]


@pytest.fixture(scope="module")
def cached(status_cache_assembly) -> dict:
    return status_cache_assembly.template


def test_by_default_there_is_no_cache(template, context):
    assert context["statusCacheSeconds"] == 0
    props = stage_props(template)
    assert not CACHE_FIELDS & set(props)
    assert all(not s.get("CachingEnabled") and "CacheTtlInSeconds" not in s for s in props.get("MethodSettings", []))


def test_with_status_cache_seconds_only_the_status_method_is_cached(cached):
    props = stage_props(cached)
    assert props["CacheClusterEnabled"] is True and props["CacheClusterSize"] == "0.5"
    by_method = {(s["HttpMethod"], s["ResourcePath"]): s for s in props["MethodSettings"]}
    # Stage-wide (every method, GET included): no caching.
    assert by_method[("*", "/*")]["CachingEnabled"] is False
    status = by_method.pop(("GET", "/~1jobs~1{jobId}"))
    assert (status["CachingEnabled"], status["CacheTtlInSeconds"], status["CacheDataEncrypted"]) == (
        True, STATUS_CACHE_SECONDS, True)
    assert all(s.get("CachingEnabled") is False for s in by_method.values())


def test_the_status_method_keeps_the_stages_logging_and_metrics(cached):
    # A method's own settings replace the stage's for that method (cdk-nag APIG6 checks the logging level too).
    settings = {(s["HttpMethod"], s["ResourcePath"]): s for s in stage_props(cached)["MethodSettings"]}
    stage, status = settings[("*", "/*")], settings[("GET", "/~1jobs~1{jobId}")]
    for field in ("LoggingLevel", "MetricsEnabled", "DataTraceEnabled"):
        assert status[field] == stage[field]


def test_the_api_body_keys_the_cache_on_the_job_id(cached):
    body = Resources(cached).props(Resources(cached).one("AWS::ApiGateway::RestApi")[0])["Body"]
    integration = body["paths"]["/jobs/{jobId}"]["get"]["x-amazon-apigateway-integration"]
    assert integration["cacheKeyParameters"] == ["method.request.path.jobId"]
    assert integration["cacheNamespace"] == "job-status"


def test_retry_after_is_never_shorter_than_the_cache_ttl(cached, template, context):
    table = json.loads(sub_variables(cached)["RetryAfterByKind"])
    assert {int(s) for tiers in table.values() for s in tiers.values()} >= {STATUS_CACHE_SECONDS}
    assert min(int(s) for tiers in table.values() for s in tiers.values()) == STATUS_CACHE_SECONDS
    assert sub_variables(cached)["StatusRetryAfterSeconds"] == str(STATUS_CACHE_SECONDS)
    # Without the cache, the first poll of every kind waits retryAfterSeconds (searchLatencyMs is 2000: 2 s too).
    default = json.loads(sub_variables(template)["RetryAfterByKind"])
    assert {tiers["fresh"] for tiers in default.values()} == {str(context["retryAfterSeconds"])}


def test_cdk_nag_is_clean_with_the_cache_on(status_cache_assembly):
    report = json.loads((status_cache_assembly.directory / "validation-report.json").read_text())
    assert [p["conclusion"] for p in report["pluginReports"]] == ["success"] * len(report["pluginReports"])


def test_cfn_lint_is_clean_with_the_cache_on(status_cache_assembly):
    # Run from the project root so .cfnlintrc.yaml (each ignored rule justified there) applies.
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    template = status_cache_assembly.directory / "Stepgate.template.json"
    result = subprocess.run([str(cfn_lint), str(template)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
