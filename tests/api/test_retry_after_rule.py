"""The Retry-After rule (README "Polling advice"): the templates look up what stacks/polling.py computed.

The status template has no arithmetic (docs/VTL.md), so it reads a job's age tier from the clock's digits;
these tests render the real templates at many ages and compare every header with the Python twin.
"""

import json

import pytest

from stacks.polling import CAP_SECONDS, age_tier, retry_after, retry_after_table, status_retry_after_seconds
from stacks.settings import Settings
from tests.api.api_spec import SETTINGS
from tests.api.templates import render_response

SUBMITTED_EPOCH = 1795334195  # ends in 5: the 10-second window closes 5 s after submission


def running(kind: str, submitted_epoch: int = SUBMITTED_EPOCH) -> dict:
    execution_input = {"kind": kind, "submittedAt": "2026-11-22T07:56:35Z", "submittedEpoch": submitted_epoch,
                       "request": {}}
    return {"executionArn": "arn", "name": "job-1", "status": "RUNNING", "input": json.dumps(execution_input)}


def header_at(kind: str, age_seconds: int, submitted_epoch: int = SUBMITTED_EPOCH) -> str:
    now_ms = (submitted_epoch + age_seconds) * 1000 + 123
    result = render_response("/jobs/{jobId}", "get", "default", running(kind, submitted_epoch), epoch_ms=now_ms)
    return result.header_overrides["Retry-After"]


@pytest.mark.parametrize("kind", ["search", "recognition", "user"])
@pytest.mark.parametrize("age", [0, 1, 4, 5, 9, 10, 50, 99, 104, 105, 106, 300, 3600, 86400])
def test_the_status_template_agrees_with_the_python_rule(kind, age):
    assert header_at(kind, age) == str(retry_after(SETTINGS, kind, SUBMITTED_EPOCH, SUBMITTED_EPOCH + age))


@pytest.mark.parametrize("submitted_epoch", [1795334190, 1795334199, 1795334200, 1795334299])
def test_the_tiers_at_window_edges(submitted_epoch):
    # Whatever the digit the submission falls on, the template and the twin change tier at the same second.
    for age in range(0, 210, 3):
        assert header_at("user", age, submitted_epoch) == str(
            retry_after(SETTINGS, "user", submitted_epoch, submitted_epoch + age)), age


def test_tiers_follow_the_clock_windows_and_only_grow():
    tiers = [age_tier(SUBMITTED_EPOCH, SUBMITTED_EPOCH + age) for age in range(0, 400)]
    assert tiers[:5] == ["fresh"] * 5  # 1795334195..199
    # 1795334200 closes the 100-second window too: this job skips `recent` (the documented fuzziness)
    assert tiers[5] == "old"
    assert [age_tier(1795334150, 1795334150 + age) for age in (9, 10, 49, 50)] == ["fresh", "recent", "recent", "old"]
    order = {"fresh": 0, "recent": 1, "old": 2}
    assert [order[t] for t in tiers] == sorted(order[t] for t in tiers)


def test_a_tier_bounds_the_age_from_above():
    for submitted in range(1795334100, 1795334300, 7):
        for age in range(0, 250):
            tier = age_tier(submitted, submitted + age)
            assert (tier != "fresh" or age < 10) and (tier != "recent" or age < 100)


def settings(**knobs) -> Settings:
    base = dict(stage_name="v1", result_ttl_minutes=30, expired_result_grace_minutes=1440,
                idempotency_key_retention_hours=24, throttle_rate_limit=20, throttle_burst_limit=40,
                quota_per_day=None, retry_after_seconds=2, search_latency_ms=2000, uploads_expire_days=1,
                max_image_bytes=1, log_retention_days=30, log_level="INFO", manage_api_gateway_account=True,
                status_cache_seconds=0)
    return Settings(**{**base, **knobs})


@pytest.mark.parametrize("knobs", [{}, {"status_cache_seconds": 5}, {"status_cache_seconds": 60},
                                   {"retry_after_seconds": 1, "search_latency_ms": 12_500},
                                   {"status_cache_seconds": 3600}])
def test_never_shorter_than_the_cache_the_knob_or_a_search_supplier(knobs):
    s = settings(**knobs)
    for kind, tiers in retry_after_table(s).items():
        floor = max(s.retry_after_seconds, s.status_cache_seconds)
        if kind == "search":
            floor = max(floor, -(-s.search_latency_ms // 1000))
        values = [int(tiers[t]) for t in ("fresh", "recent", "old")]
        assert values[0] == floor and values == sorted(values)
        assert all(v == floor or v <= CAP_SECONDS for v in values)  # the cap never undercuts the floor
    assert status_retry_after_seconds(s) == max(s.retry_after_seconds, s.status_cache_seconds)


def test_cdk_json_defaults_give_2_4_8():
    assert retry_after_table(settings()) == {kind: {"fresh": "2", "recent": "4", "old": "8"}
                                             for kind in ("search", "recognition", "user")}


@pytest.mark.parametrize("path, kind", [("/searches", "search"), ("/recognitions", "recognition"), ("/users", "user")])
def test_the_202_asks_for_the_fresh_wait_of_its_kind(path, kind):
    output = json.dumps({"jobId": "job-1", "status": "RUNNING", "replayed": False})
    sync = {"executionArn": "arn", "status": "SUCCEEDED", "output": output}
    result = render_response(path, "post", "default", sync)
    assert result.header_overrides["Retry-After"] == retry_after_table(SETTINGS)[kind]["fresh"]


def test_a_throttled_status_read_waits_at_least_the_cache_ttl():
    result = render_response("/jobs/{jobId}", "get", "400", {"__type": "com.amazonaws.swf.service.v2.model#ThrottlingException"})
    assert result.status_override == 429
    assert result.header_overrides["Retry-After"] == str(status_retry_after_seconds(SETTINGS))
