"""The Retry-After rule (README "Polling advice"), computed at synth time: mapping templates have no arithmetic.

The stack substitutes `retry_after_table()` into api/openapi.yaml as `${RetryAfterByKind}`; the templates
only look values up. `retry_after()` is the rule's Python twin: tests render the real templates and compare.

Rule, per job kind:
- base = the largest of retryAfterSeconds, statusCacheSeconds (polling sooner only reads the stage cache's
  copy again) and the kind's expected run time (a search waits for its supplier: searchLatencyMs, rounded up);
- the job's age tier multiplies it: fresh x1, recent x2, old x4, capped at CAP_SECONDS (never below base).
The tier is read from the decimal digits of the Unix clock, the only age test a template can make without
arithmetic: `fresh` while the poll falls in the submission's 10-second window of the clock (so the job is
under 10 s old), `recent` while it falls in the same 100-second window (under 100 s), `old` after. A job's
tier only ever grows, and jobs submitted at different moments change tier at different ages, which spreads
the polls of a burst of submissions.
"""

from __future__ import annotations

import json
import math

from stacks.settings import Settings

KINDS = ("search", "recognition", "user")
TIER_FACTORS = {"fresh": 1, "recent": 2, "old": 4}
# Past this a long job is still seen within half a minute of finishing.
CAP_SECONDS = 30


def base_seconds(settings: Settings, kind: str) -> int:
    run_time = math.ceil(settings.search_latency_ms / 1000) if kind == "search" else 0
    return max(settings.retry_after_seconds, settings.status_cache_seconds, run_time)


def status_retry_after_seconds(settings: Settings) -> int:
    """Retry-After where the kind is unknown (a throttled status read): never shorter than the cache TTL."""
    return max(settings.retry_after_seconds, settings.status_cache_seconds)


def retry_after_table(settings: Settings) -> dict[str, dict[str, str]]:
    """{kind: {tier: seconds as a header value}}."""
    table = {}
    for kind in KINDS:
        base = base_seconds(settings, kind)
        table[kind] = {tier: str(max(base, min(CAP_SECONDS, base * factor))) for tier, factor in TIER_FACTORS.items()}
    return table


def retry_after_table_json(settings: Settings) -> str:
    """The table as the templates' `$util.parseJson('...')` reads it (compact, no single quotes)."""
    return json.dumps(retry_after_table(settings), separators=(",", ":"))


def age_tier(submitted_epoch: int, now_epoch: int) -> str:
    """fresh / recent / old, by the clock's 10- and 100-second windows (as the status template reads them)."""
    if now_epoch // 10 == submitted_epoch // 10:
        return "fresh"
    if now_epoch // 100 == submitted_epoch // 100:
        return "recent"
    return "old"


def retry_after(settings: Settings, kind: str, submitted_epoch: int, now_epoch: int) -> int:
    """Seconds a client should wait before polling a RUNNING job of `kind` again."""
    return int(retry_after_table(settings)[kind][age_tier(submitted_epoch, now_epoch)])
