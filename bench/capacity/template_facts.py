"""What the synthesized template says that prices or limits a job (read from cdk.out, no AWS calls)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FunctionFacts:
    memory_mb: int
    architecture: str  # "x86_64" or "arm64"


@dataclass(frozen=True)
class MachineFacts:
    type: str               # "STANDARD" or "EXPRESS"
    log_level: str          # "OFF", "ERROR", "FATAL" or "ALL"
    include_execution_data: bool


@dataclass(frozen=True)
class TemplateFacts:
    functions: dict[str, FunctionFacts] = field(default_factory=dict)   # by logical id
    machines: dict[str, MachineFacts] = field(default_factory=dict)     # by logical id
    access_log_format: str | None = None    # the REST stage's access log line, None when off
    usage_plan_rate_limit: float | None = None
    usage_plan_quota_per_day: int | None = None
    cache_cluster_size: str | None = None   # "0.5" ... when the stage has a cache cluster
    status_cache_ttl_seconds: int = 0       # CacheTtlInSeconds of GET /jobs/{jobId}, 0 = not cached
    has_websocket_api: bool = False


def read_template(template: dict[str, Any]) -> TemplateFacts:
    resources = template.get("Resources", {})
    functions, machines = {}, {}
    facts: dict[str, Any] = {}
    for logical, resource in resources.items():
        kind, props = resource.get("Type"), resource.get("Properties", {})
        if kind == "AWS::Lambda::Function":
            functions[logical] = FunctionFacts(int(props.get("MemorySize", 128)),
                                               (props.get("Architectures") or ["x86_64"])[0])
        elif kind == "AWS::StepFunctions::StateMachine":
            logging = props.get("LoggingConfiguration") or {}
            machines[logical] = MachineFacts(props.get("StateMachineType", "STANDARD"), logging.get("Level", "OFF"),
                                             bool(logging.get("IncludeExecutionData", False)))
        elif kind == "AWS::ApiGateway::Stage":
            facts.update(_stage_facts(props))
        elif kind == "AWS::ApiGateway::UsagePlan":
            throttle, quota = props.get("Throttle") or {}, props.get("Quota") or {}
            facts["usage_plan_rate_limit"] = throttle.get("RateLimit")
            facts["usage_plan_quota_per_day"] = quota.get("Limit") if quota.get("Period") == "DAY" else None
        elif kind == "AWS::ApiGatewayV2::Api" and props.get("ProtocolType") == "WEBSOCKET":
            facts["has_websocket_api"] = True
    return TemplateFacts(functions=functions, machines=machines, **facts)


def _stage_facts(props: dict[str, Any]) -> dict[str, Any]:
    facts: dict[str, Any] = {"access_log_format": (props.get("AccessLogSetting") or {}).get("Format")}
    if props.get("CacheClusterEnabled"):
        facts["cache_cluster_size"] = str(props.get("CacheClusterSize", "0.5"))
        for setting in props.get("MethodSettings", []):
            # The status method's path as MethodSettings spells it: '/' escaped as '~1'.
            if setting.get("HttpMethod") == "GET" and setting.get("ResourcePath") == "/~1jobs~1{jobId}" \
                    and setting.get("CachingEnabled"):
                facts["status_cache_ttl_seconds"] = int(setting.get("CacheTtlInSeconds", 300))
    return facts
