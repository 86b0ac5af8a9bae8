"""The tables `make capacity` prints."""

from __future__ import annotations

from bench.capacity import prices
from bench.capacity.limits import Headroom
from bench.capacity.measure import Measurements
from bench.capacity.template_facts import TemplateFacts

MILLION = 1_000_000


def _row(label: str, cells: list[str], width: int = 30, cell: int = 13) -> str:
    return f"  {label:<{width}}" + "".join(f"{value:>{cell}}" for value in cells)


def template_summary(facts: TemplateFacts) -> list[str]:
    machines = ", ".join(f"{name.removesuffix('StateMachine')} {m.type} (logs {m.log_level}"
                         f"{', with execution data' if m.include_execution_data else ''})"
                         for name, m in sorted(facts.machines.items()))
    functions = sorted({(f.architecture, f.memory_mb) for f in facts.functions.values()})
    plan = (f"usage plan {facts.usage_plan_rate_limit:g} requests/s and {facts.usage_plan_quota_per_day:,} a day per API key"
            if facts.usage_plan_rate_limit else "no usage plan")
    cache = (f"status cache {facts.cache_cluster_size} GB, TTL {facts.status_cache_ttl_seconds} s"
             if facts.status_cache_ttl_seconds else "no status cache (statusCacheSeconds 0)")
    return [f"Template: {machines}",
            f"  Lambda {', '.join(f'{arch} {mb} MB' for arch, mb in functions)}; {plan}; {cache}; "
            f"access logs {'on' if facts.access_log_format else 'off'}; "
            f"WebSocket API {'yes' if facts.has_websocket_api else 'none'}"]


def measured_table(measurements: Measurements, facts: TemplateFacts) -> list[str]:
    kinds = list(measurements.kinds)
    standard = {m for m, f in facts.machines.items() if f.type == "STANDARD"}
    lines = [f"Measured per job on the local cloud ({measurements.jobs_per_kind} jobs per kind, no callback):",
             _row("", kinds)]
    jobs = [measurements.kinds[kind].job for kind in kinds]
    callback = [measurements.kinds[kind].with_callback for kind in kinds]
    lines += [
        _row("Standard transitions", [f"{sum(n for m, n in u.transitions.items() if m in standard):g}" for u in jobs]),
        _row("  with a callback", [f"{sum(n for m, n in u.transitions.items() if m in standard):g}"
                                   for u in callback]),
        _row("Express executions", [f"{sum(n for m, n in u.executions.items() if m not in standard):g}" for u in jobs]),
        _row("Express billed GB-s", [f"{sum(u.express_gb_seconds.values()):.4f}" for u in jobs]),
        _row("admission (sync Express) ms", [f"{u.sync_express_seconds * 1000:.0f}" for u in jobs]),
        _row("Lambda invocations", [f"{sum(u.lambda_invocations.values()):g}" for u in jobs]),
        _row("Lambda billed ms", [f"{sum(u.lambda_billed_ms.values()):.0f}" for u in jobs]),
        _row("DynamoDB write units", [f"{sum(u.write_units.values()):g}" for u in jobs]),
        _row("log bytes (Lambda + states)", [f"{sum(u.log_bytes.values()):,.0f}" for u in jobs]),
        _row("work (Lambda + admission), s", [f"{u.work_seconds:.2f}" for u in jobs]),
        _row("submit to end here, s", [f"{u.job_seconds:.2f}" for u in jobs]),
        _row("Retry-After on 202, s", [f"{measurements.kinds[k].retry_after_seconds:g}" for k in kinds]),
    ]
    return lines


def cost_table(title: str, costs_by_kind: dict[str, dict[str, float]]) -> list[str]:
    kinds = list(costs_by_kind)
    services = [s for s in next(iter(costs_by_kind.values())) if any(c[s] for c in costs_by_kind.values())]
    lines = [title, _row("USD per million jobs", kinds)]
    lines += [_row(service, [f"{costs_by_kind[k][service] * MILLION:,.2f}" for k in kinds]) for service in services]
    lines.append(_row("total", [f"{sum(costs_by_kind[k].values()) * MILLION:,.2f}" for k in kinds]))
    return lines


def modes_table(totals: dict[str, dict[str, float | None]], binding: dict[str, dict[str, Headroom | None]]) -> list[str]:
    kinds = list(next(iter(totals.values())))
    lines = ["Every mode: total USD per million jobs, and the account quota each kind meets first (at jobs/s):",
             _row("mode", kinds, width=12, cell=26)]
    for mode, by_kind in totals.items():
        lines.append(_row(mode, [f"${v * MILLION:,.2f}" if v is not None else "n/a" for v in by_kind.values()],
                          width=12, cell=26))
        lines.append(_row("", [_short(binding[mode][k]) for k in kinds], width=12, cell=26))
    return lines


def _short(headroom: Headroom | None) -> str:
    if headroom is None:
        return "n/a"
    name = headroom.quota.key.split(":")[1] if ":" in headroom.quota.key else headroom.quota.key
    per_key = " /key" if headroom.quota.scope == "API key" else ""
    return f"{name}{per_key} at {_rate(headroom.max_jobs_per_second)}"


def _rate(jobs_per_second: float) -> str:
    return f"{jobs_per_second:,.1f}" if jobs_per_second >= 1 else f"{jobs_per_second:.3f}"


def quota_table(mode: str, rate: float, by_kind: dict[str, list[Headroom]]) -> list[str]:
    kinds = list(by_kind)
    quotas = {(h.quota.name, h.quota.scope): h.quota for hs in by_kind.values() for h in hs}
    lines = [f"Quotas, MODE={mode}, RATE={rate:g} jobs/s of each kind (max jobs/s each quota allows; tightest first):",
             _row("quota (limit)", kinds, width=72)]
    order = sorted(quotas.values(), key=lambda q: min(h.max_jobs_per_second for hs in by_kind.values() for h in hs
                                                      if h.quota == q))
    for quota in order:
        cells = []
        for kind in kinds:
            found = next((h for h in by_kind[kind] if h.quota == quota), None)
            cells.append(_rate(found.max_jobs_per_second) if found else "-")
        unit = "/s" if quota.unit == "/s" else " concurrent"
        limit = f"{quota.limit:,.0f}" if quota.limit >= 1 else f"{quota.limit:.4f}"
        lines.append(_row(f"{quota.name} ({limit}{unit})", cells, width=72))
    for kind in kinds:
        account = [h for h in by_kind[kind] if h.quota.scope != "API key"]
        keyed = [h for h in by_kind[kind] if h.quota.scope == "API key"]
        if account:
            first = account[0]
            verdict = "over it: throttled (429 + Retry-After)" if first.use_at(rate) > 1 else "within it"
            lines.append(f"  {kind}: binds first at {first.max_jobs_per_second:,.1f} jobs/s: {first.quota.name}; "
                         f"at {rate:g} jobs/s it is {first.use_at(rate):.0%} used, {verdict}")
        if keyed:
            lines.append(f"  {kind}: one API key meets its {keyed[0].quota.name} at "
                         f"{keyed[0].max_jobs_per_second:,.2f} jobs/s (spread load over keys, or raise the plan)")
    return lines


def sources(quotas) -> list[str]:
    return [f"Prices: us-east-1 list prices read {prices.READ_ON} (bench/capacity/prices.py names each page); "
            "free tiers left out.",
            "Quotas: " + "; ".join(sorted({q.source for q in quotas if q.source.startswith("http")}))]
