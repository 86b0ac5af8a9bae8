"""`make capacity`'s arithmetic against hand-computed figures (bench/capacity: usage, clients, costs, limits)."""

from collections import Counter

import pytest

from bench.capacity import prices
from bench.capacity.clients import ClientDemand, demand, polls_until_done, status_reads
from bench.capacity.costs import access_log_bytes, job_cost
from bench.capacity.limits import headrooms
from bench.capacity.quotas import DEFAULT_QUOTAS, usage_plan_quotas
from bench.capacity.template_facts import FunctionFacts, MachineFacts, TemplateFacts, read_template
from bench.capacity.usage import (Usage, billed_express_gb_seconds, billed_lambda_ms, combined, item_size_bytes,
                                  read_units, write_units)

FACTS = TemplateFacts(
    functions={"Worker": FunctionFacts(256, "x86_64"), "ArmWorker": FunctionFacts(1024, "arm64")},
    machines={"Jobs": MachineFacts("STANDARD", "ALL", True), "Admission": MachineFacts("EXPRESS", "ALL", False)},
    cache_cluster_size="0.5", status_cache_ttl_seconds=2,
)


def test_express_bills_100_ms_steps_and_64_mb_chunks():
    # 150 ms -> 200 ms; 64 MB = 1/16 GB: 0.2 * 0.0625 GB-s
    assert billed_express_gb_seconds(150) == pytest.approx(0.0125)
    # 100 MB -> two 64-MB chunks, 1 ms -> 100 ms: 0.1 * 0.125
    assert billed_express_gb_seconds(1, memory_mb=100) == pytest.approx(0.0125)


def test_lambda_bills_whole_milliseconds():
    assert billed_lambda_ms(12.01) == 13
    assert billed_lambda_ms(0.2) == 1


def test_dynamodb_item_size_counts_names_and_values():
    # "jobId"(5) + "abc"(3) + "n"(1) + 123 -> 3 digits: 2 bytes + 1 = 3: total 12
    assert item_size_bytes({"jobId": {"S": "abc"}, "n": {"N": "123"}}) == 12
    # a map: 3 overhead + 1 per element + name "a"(1) + "xy"(2) = 7, plus the name "m"(1)
    assert item_size_bytes({"m": {"M": {"a": {"S": "xy"}}}}) == 8


def test_request_units():
    assert write_units(10) == 1 and write_units(1025) == 2
    assert write_units(1000, transactional=True) == 2
    assert read_units(5000, consistent=True) == 2 and read_units(5000) == 1 and read_units(0) == 0.5


def test_a_client_following_retry_after_polls_until_it_sees_the_end():
    assert polls_until_done(5, lambda age: 2) == 3     # at 2, 4, 6 s
    assert polls_until_done(4, lambda age: 2) == 2     # at 2, 4 s
    assert polls_until_done(0.2, lambda age: 2) == 1   # at 2 s
    assert polls_until_done(10, lambda age: 1 if age < 3 else 5) == 5  # at 1, 2, 3, 8, 13 s


def test_the_cache_lets_one_describe_through_per_ttl_window():
    assert status_reads(polls=3, pollers=4, job_seconds=5, cache_ttl_seconds=0) == 12
    assert status_reads(polls=3, pollers=4, job_seconds=5, cache_ttl_seconds=2) == 4   # ceil(5/2) + 1
    assert status_reads(polls=1, pollers=1, job_seconds=5, cache_ttl_seconds=2) == 1   # never more than the polls


def _job() -> Usage:
    return Usage(transitions=Counter({"Jobs": 6, "Admission": 3}), executions=Counter({"Jobs": 1, "Admission": 1}),
                 express_gb_seconds=Counter({"Admission": 0.0125}), lambda_invocations=Counter({"Worker": 2}),
                 lambda_billed_ms=Counter({"Worker": 1000}), api_calls=Counter({"states:StartExecution:STANDARD": 1}),
                 write_units=Counter({"Offers": 4}), log_bytes=Counter({"states": 1024 ** 3}), job_seconds=5)


def test_poll_mode_adds_each_poll_and_the_result_get():
    status = Usage(api_calls=Counter({"states:DescribeExecution": 1}))
    result = Usage(read_units=Counter({"Offers": 1}))
    client = demand("poll", _job(), status, result, polls=polls_until_done(5, lambda age: 2))
    assert client.status_polls == 3 and client.rest_requests == 5   # POST + 3 polls + result GET
    assert client.usage.api_calls["states:DescribeExecution"] == 3
    assert client.usage.read_units["Offers"] == 1
    cached = demand("cache", _job(), status, result, polls=3, pollers=4, cache_ttl_seconds=2)
    assert cached.rest_requests == 14 and cached.usage.api_calls["states:DescribeExecution"] == 4


def test_job_cost_by_service():
    client = ClientDemand(usage=combined(_job(), Usage(api_calls=Counter({"secretsmanager:GetSecretValue": 1,
                                                                          "rekognition:DetectLabels": 1}))),
                          rest_requests=3, status_polls=1, cache_used=True)
    costs = job_cost(client, FACTS, rate_per_second=10, access_log_line_bytes=0)
    assert costs["Step Functions Standard"] == pytest.approx(6 * 0.000025)
    assert costs["Step Functions Express"] == pytest.approx(1e-6 + 0.0125 * 0.00001667)
    assert costs["Lambda"] == pytest.approx(2 * 0.2e-6 + 1.0 * 0.25 * 0.0000166667)
    assert costs["DynamoDB"] == pytest.approx(4 * 0.625e-6)
    assert costs["API Gateway REST"] == pytest.approx(3 * 3.5e-6)
    assert costs["CloudWatch Logs"] == pytest.approx(0.50)   # 1 GiB of logs
    assert costs["Secrets Manager"] == pytest.approx(0.05 / 10_000)
    assert costs["Rekognition"] == pytest.approx(0.001)
    assert costs["API Gateway cache"] == pytest.approx(0.02 / 36_000)   # $0.02 an hour over 36,000 jobs


def test_arm_functions_are_priced_as_arm():
    client = ClientDemand(Usage(lambda_billed_ms=Counter({"ArmWorker": 2000})), rest_requests=0, status_polls=0)
    assert job_cost(client, FACTS, 1)["Lambda"] == pytest.approx(2 * 1 * prices.LAMBDA_PER_GB_SECOND["arm64"])


def test_access_log_line_replaces_each_context_variable():
    assert access_log_bytes('{"id": "$context.requestId"}') == len('{"id": ""}') + 36 + 26
    assert access_log_bytes(None) == 0


def test_the_tightest_quota_comes_first():
    usage = Usage(api_calls=Counter({"states:DescribeExecution": 2, "states:StartExecution:STANDARD": 1}),
                  lambda_billed_ms=Counter({"Worker": 2000}), transitions=Counter({"Jobs": 6}))
    found = headrooms(ClientDemand(usage, rest_requests=4, status_polls=2), FACTS, DEFAULT_QUOTAS)
    rates = {h.quota.key: h.max_jobs_per_second for h in found}
    assert found[0].quota.key == "states:DescribeExecution" and rates["states:DescribeExecution"] == 7.5  # 15 / 2
    assert rates["lambda:concurrency"] == 500          # 1,000 concurrent / 2 s a job
    assert rates["states:StateTransition:STANDARD"] == 250   # 1,500 / 6
    assert rates["apigateway:requests"] == 2500         # 10,000 / 4
    assert found[0].use_at(10) == pytest.approx(20 / 15)


def test_usage_plan_limits_each_api_key():
    throttle, daily = usage_plan_quotas(20, 8640)
    assert throttle.limit == 20 and daily.limit == pytest.approx(0.1) and daily.scope == "API key"


def test_template_facts():
    template = {"Resources": {
        "F": {"Type": "AWS::Lambda::Function", "Properties": {"MemorySize": 512, "Architectures": ["arm64"]}},
        "M": {"Type": "AWS::StepFunctions::StateMachine",
              "Properties": {"StateMachineType": "EXPRESS", "LoggingConfiguration": {"Level": "ERROR"}}},
        "P": {"Type": "AWS::ApiGateway::UsagePlan",
              "Properties": {"Throttle": {"RateLimit": 20}, "Quota": {"Limit": 100, "Period": "DAY"}}},
        "S": {"Type": "AWS::ApiGateway::Stage", "Properties": {
            "CacheClusterEnabled": True, "CacheClusterSize": "0.5",
            "MethodSettings": [{"HttpMethod": "GET", "ResourcePath": "/~1jobs~1{jobId}", "CachingEnabled": True,
                                "CacheTtlInSeconds": 5}]}}}}
    facts = read_template(template)
    assert facts.functions["F"] == FunctionFacts(512, "arm64")
    assert facts.machines["M"] == MachineFacts("EXPRESS", "ERROR", False)
    assert (facts.usage_plan_rate_limit, facts.usage_plan_quota_per_day) == (20, 100)
    assert (facts.cache_cluster_size, facts.status_cache_ttl_seconds) == ("0.5", 5)


def test_polls_are_averaged_over_the_clock_phase_of_the_submission():
    from bench.capacity.retry_rule import mean_polls

    # half the phases wait 2 s (a 5 s job: 3 polls), half wait 4 s (2 polls)
    assert mean_polls(5, lambda phase, age: 2 if phase < 50 else 4) == 2.5


def test_the_stack_rule_as_the_model_reads_it():
    from pathlib import Path

    from bench.capacity.retry_rule import first_wait, rule_for, settings_for

    settings = settings_for(Path(__file__).resolve().parents[2], {"statusCacheSeconds": "10"})
    assert settings.status_cache_seconds == 10
    assert first_wait(settings, "user") == 10            # base = max(retryAfterSeconds 2, cache 10)
    assert rule_for(settings, "user")(0, 3) == 10        # fresh: submitted at second 0, polled at 3
    assert rule_for(settings, "user")(0, 15) == 20       # recent: same 100-second window


def test_a_jobs_work_is_its_lambda_time_and_its_admission():
    usage = Usage(lambda_billed_ms=Counter({"Worker": 1500, "Other": 500}), sync_express_seconds=0.25, job_seconds=9)
    assert usage.work_seconds == pytest.approx(2.25)
