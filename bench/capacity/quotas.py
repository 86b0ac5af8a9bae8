"""AWS default quotas a job rate meets, us-east-1 (per account and region unless `scope` says otherwise).

Rate quotas are token buckets: only the refill rate bounds a sustained job rate, the bucket only a burst.
Concurrency quotas bound (rate x seconds in use). Figures from the pages named beside each one.
"""

from __future__ import annotations

from dataclasses import dataclass

SFN_QUOTAS = "https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html"
# The same tables in the archived developer guide, which states the Standard StateTransition refill:
SFN_QUOTAS_ARCHIVED = "https://github.com/awsdocs/aws-step-functions-developer-guide/blob/main/doc_source/limits-overview.md"
LAMBDA_QUOTAS = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
APIGW_QUOTAS = "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html"
DYNAMODB_QUOTAS = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html"
SECRETS_QUOTAS = "https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html"


@dataclass(frozen=True)
class Quota:
    key: str       # what a job uses of it, as usage.py names the demand
    name: str
    limit: float
    unit: str      # "/s" (a refill rate) or "concurrent"
    source: str
    scope: str = "account"


DEFAULT_QUOTAS = (
    Quota("states:StartExecution:STANDARD", "Step Functions StartExecution (Standard), refill", 300, "/s", SFN_QUOTAS),
    Quota("states:StartExecution:EXPRESS", "Step Functions StartExecution (Express), refill", 6000, "/s",
          SFN_QUOTAS_ARCHIVED),
    Quota("states:DescribeExecution", "Step Functions DescribeExecution, refill", 15, "/s", SFN_QUOTAS),
    Quota("states:StopExecution", "Step Functions StopExecution, refill", 200, "/s", SFN_QUOTAS),
    Quota("states:StateTransition:STANDARD", "Step Functions state transitions (Standard), refill", 1500, "/s",
          SFN_QUOTAS_ARCHIVED),
    # "Synchronous Express execution API calls do not contribute to the existing account capacity limits";
    # their own bound is concurrency, 1,000-3,700 by region: the low end.
    Quota("states:SyncExpress:concurrency", "Synchronous Express concurrent executions", 1000, "concurrent",
          SFN_QUOTAS_ARCHIVED),
    Quota("lambda:concurrency", "Lambda concurrent executions", 1000, "concurrent", LAMBDA_QUOTAS),
    Quota("apigateway:requests", "API Gateway throttle (REST requests + WebSocket messages), steady", 10000, "/s",
          APIGW_QUOTAS),
    Quota("apigateway:websocket:connect", "API Gateway WebSocket new connections", 500, "/s", APIGW_QUOTAS),
    Quota("secretsmanager:GetSecretValue", "Secrets Manager GetSecretValue", 10000, "/s", SECRETS_QUOTAS),
    Quota("dynamodb:write-units:table", "DynamoDB on-demand write units per table", 40000, "/s", DYNAMODB_QUOTAS,
          scope="table (the busiest)"),
    Quota("dynamodb:read-units:table", "DynamoDB on-demand read units per table", 40000, "/s", DYNAMODB_QUOTAS,
          scope="table (the busiest)"),
)


def usage_plan_quotas(rate_limit: float | None, quota_per_day: int | None) -> tuple[Quota, ...]:
    """The stack's own usage plan (template): it limits each API key, so one client meets it first."""
    found = []
    if rate_limit:
        found.append(Quota("apigateway:rest", "usage plan throttle, per API key", rate_limit, "/s",
                           "template: AWS::ApiGateway::UsagePlan Throttle.RateLimit (cdk.json throttleRateLimit)",
                           scope="API key"))
    if quota_per_day:
        found.append(Quota("apigateway:rest", "usage plan quota, per API key (a day's requests / 86,400 s)",
                           quota_per_day / 86400, "/s",
                           "template: AWS::ApiGateway::UsagePlan Quota (cdk.json quotaPerDay)", scope="API key"))
    return tuple(found)
