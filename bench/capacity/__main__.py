"""`make capacity` / `python -m bench.capacity`: cost per million jobs and the quota a job rate meets first.

    RATE=10 MODE=poll POLLERS=1 JOBS=5 make capacity
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sys
from dataclasses import replace
from pathlib import Path

from bench.capacity.clients import MODES, demand
from bench.capacity.costs import access_log_bytes, job_cost
from bench.capacity.limits import headrooms
from bench.capacity.quotas import DEFAULT_QUOTAS, usage_plan_quotas
from bench.capacity.report import cost_table, measured_table, modes_table, quota_table, sources, template_summary
from bench.capacity.retry_rule import mean_polls, rule_for, settings_for
from bench.capacity.template_facts import read_template

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.capacity")
    parser.add_argument("--rate", type=float, default=float(os.environ.get("RATE") or 10), help="jobs per second")
    parser.add_argument("--mode", choices=MODES, default=os.environ.get("MODE") or "poll")
    parser.add_argument("--pollers", type=int, default=int(os.environ.get("POLLERS") or 1),
                        help="clients polling each job (poll and cache modes)")
    parser.add_argument("--jobs-per-kind", type=int, default=int(os.environ.get("JOBS") or 5))
    parser.add_argument("--cache-seconds", type=int, default=int(os.environ.get("CACHE_SECONDS") or 10),
                        help="cache mode's TTL when the template has no status cache (what statusCacheSeconds would be)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s %(message)s")
    for noisy in ("werkzeug", "moto", "localcloud", "botocore", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)

    from localcloud.provisioning.assembly import context_from_environment, ensure_assembly
    from bench.capacity.measure import measure

    context = context_from_environment()
    assembly = ensure_assembly(context=context)
    facts = read_template(assembly.template)
    settings = settings_for(ROOT, context)
    quotas = DEFAULT_QUOTAS + usage_plan_quotas(facts.usage_plan_rate_limit, facts.usage_plan_quota_per_day)
    if args.mode == "websocket" and not facts.has_websocket_api:
        print(f"MODE=websocket cannot be modelled: {_why_not('websocket', facts)}")
        return 2
    load_before = os.getloadavg()[0]
    measurements = measure(assembly, facts, args.jobs_per_kind)

    print(f"Stepgate capacity and cost, us-east-1 (measured on {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; "
          f"template {assembly.directory.name})")
    print("  Polls per job follow each job's work (Lambda billed time + admission), not the local cloud's wall time.")
    print("\n".join(template_summary(facts)), end="\n\n")
    print("\n".join(measured_table(measurements, facts)), end="\n\n")

    line_bytes = access_log_bytes(facts.access_log_format)
    cache_facts, cache_settings, cache_note = _cache_mode(facts, settings, args.cache_seconds)
    demands = {mode: {kind: _demand(mode, kind, measured, cache_facts if mode == "cache" else facts,
                                    cache_settings if mode == "cache" else settings, args.pollers)
                      for kind, measured in measurements.kinds.items()} for mode in MODES}
    chosen = {kind: d for kind, d in demands[args.mode].items() if d is not None}
    if not chosen:
        print(f"MODE={args.mode} cannot be modelled: {_why_not(args.mode, facts)}")
        return 2
    mode_facts = cache_facts if args.mode == "cache" else facts
    costs = {kind: job_cost(d, mode_facts, args.rate, line_bytes) for kind, d in chosen.items()}
    polls = ", ".join(f"{kind} {d.status_polls:g}" for kind, d in chosen.items())
    print("\n".join(cost_table(f"Cost, MODE={args.mode} at RATE={args.rate:g} jobs/s"
                               + (f" ({args.pollers} poller(s) per job following Retry-After; polls per job: {polls})"
                                  if args.mode in ("poll", "cache") else "")
                               + (f"\n  {cache_note}" if args.mode == "cache" and cache_note else ""), costs)),
          end="\n\n")
    totals = {mode: {kind: (sum(job_cost(d, cache_facts if mode == "cache" else facts, args.rate,
                                         line_bytes).values()) if d else None)
                     for kind, d in by_kind.items()} for mode, by_kind in demands.items()}
    # The account's quotas: a usage plan binds per API key, and more keys lift it.
    binding = {mode: {kind: (headrooms(d, facts, DEFAULT_QUOTAS)[0] if d else None) for kind, d in by_kind.items()}
               for mode, by_kind in demands.items()}
    print("\n".join(modes_table(totals, binding)), end="\n")
    if cache_note:
        print(f"  cache: {cache_note}")
    for mode in MODES:
        if any(d is None for d in demands[mode].values()):
            print(f"  {mode}: n/a: {_why_not(mode, facts)}")
    print()
    by_kind = {kind: headrooms(d, facts, quotas) for kind, d in chosen.items()}
    print("\n".join(quota_table(args.mode, args.rate, by_kind)), end="\n\n")
    print("\n".join(sources(quotas)))
    return 0


def _demand(mode, kind, measured, facts, settings, pollers):
    # Polls, cache windows and connection minutes follow the job's work, not this machine's wall time.
    job = replace(measured.job, job_seconds=measured.job.work_seconds)
    subscriber = measured.with_subscriber and replace(measured.with_subscriber,
                                                      job_seconds=measured.with_subscriber.work_seconds)
    polls = mean_polls(job.job_seconds, rule_for(settings, kind))
    try:
        return demand(mode, job, measured.status_request, measured.result_request, polls=polls,
                      pollers=pollers, cache_ttl_seconds=facts.status_cache_ttl_seconds,
                      with_callback=measured.with_callback, with_subscriber=subscriber,
                      websocket_messages=measured.websocket_messages)
    except ValueError:
        return None


def _cache_mode(facts, settings, cache_seconds: int):
    """Cache mode as the template has it, or, when its cache is off, as statusCacheSeconds=N would make it."""
    if facts.status_cache_ttl_seconds:
        return facts, settings, ""
    note = (f"the template's status cache is off: cache mode is modelled as statusCacheSeconds={cache_seconds} "
            f"would deploy it (0.5 GB, TTL {cache_seconds} s, Retry-After base at least {cache_seconds} s)")
    return (replace(facts, cache_cluster_size="0.5", status_cache_ttl_seconds=cache_seconds),
            replace(settings, status_cache_seconds=cache_seconds), note)


def _why_not(mode: str, facts) -> str:
    if mode == "websocket":
        return ("the template has no WebSocket API" if not facts.has_websocket_api
                else "jobs with a WebSocket subscriber are not measured yet")
    return "not measured"


if __name__ == "__main__":
    sys.exit(main())
