"""Which quota a job rate meets first: per-job demand on each quota, and the job rate each one allows."""

from __future__ import annotations

from dataclasses import dataclass

from bench.capacity.clients import ClientDemand
from bench.capacity.quotas import Quota
from bench.capacity.template_facts import TemplateFacts


@dataclass(frozen=True)
class Headroom:
    quota: Quota
    per_job: float          # calls (or concurrency-seconds) one job takes of it
    max_jobs_per_second: float  # the sustained job rate at which it is used up

    def use_at(self, rate: float) -> float:
        """The fraction of the quota `rate` jobs/s take (1.0 = all of it)."""
        return rate * self.per_job / self.quota.limit


def per_job_demand(client: ClientDemand, facts: TemplateFacts) -> dict[str, float]:
    usage = client.usage
    standard = {m for m, f in facts.machines.items() if f.type == "STANDARD"}
    return {
        "states:StartExecution:STANDARD": usage.api_calls.get("states:StartExecution:STANDARD", 0),
        "states:StartExecution:EXPRESS": usage.api_calls.get("states:StartExecution:EXPRESS", 0),
        "states:DescribeExecution": usage.api_calls.get("states:DescribeExecution", 0),
        "states:StopExecution": usage.api_calls.get("states:StopExecution", 0),
        "states:StateTransition:STANDARD": sum(n for m, n in usage.transitions.items() if m in standard),
        "states:SyncExpress:concurrency": usage.sync_express_seconds,
        "lambda:concurrency": sum(usage.lambda_billed_ms.values()) / 1000,
        "apigateway:rest": client.rest_requests,  # a usage plan meters the REST stage's requests
        "apigateway:requests": client.rest_requests + client.websocket_messages,
        "apigateway:websocket:connect": client.websocket_connections,
        "secretsmanager:GetSecretValue": usage.api_calls.get("secretsmanager:GetSecretValue", 0),
        "dynamodb:write-units:table": max(usage.write_units.values(), default=0),
        "dynamodb:read-units:table": max(usage.read_units.values(), default=0),
    }


def headrooms(client: ClientDemand, facts: TemplateFacts, quotas: tuple[Quota, ...]) -> list[Headroom]:
    """Every quota this job uses, the tightest first (a rate quota's refill or a concurrency / seconds)."""
    demand = per_job_demand(client, facts)
    found = [Headroom(quota, demand[quota.key], quota.limit / demand[quota.key])
             for quota in quotas if demand.get(quota.key, 0) > 0]
    return sorted(found, key=lambda headroom: headroom.max_jobs_per_second)
