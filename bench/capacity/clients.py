"""What each client mode adds to a job: status polls, the result GET, a callback, a WebSocket subscription.

A polling client follows `Retry-After`: it polls at RA, 2 RA, ... until the job has ended, then GETs the
result. With the stage cache on, a job's polls reach DescribeExecution at most once per cache TTL
(API Gateway still bills every request, hit or miss).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from bench.capacity.usage import Usage, combined

MODES = ("poll", "cache", "websocket", "callback")


@dataclass(frozen=True)
class ClientDemand:
    """One job with its client's traffic, as billed and as counted against quotas."""

    usage: Usage
    rest_requests: float
    status_polls: float
    websocket_messages: float = 0.0
    websocket_connection_minutes: float = 0.0
    websocket_connections: float = 0.0
    cache_used: bool = False


def polls_until_done(job_seconds: float, retry_after: Callable[[float], float]) -> int:
    """Polls a client following Retry-After makes: the first at RA(0), then RA(age) after each, the last one
    seeing the job ended (hand-check: a 5 s job with RA 2 s is polled at 2, 4 and 6 s: three polls)."""
    age, polls = 0.0, 0
    while True:
        age += max(retry_after(age), 0.001)
        polls += 1
        if age >= job_seconds or polls >= 100_000:
            return polls


def status_reads(polls: float, pollers: int, job_seconds: float, cache_ttl_seconds: int) -> float:
    """DescribeExecution calls for one job: one per poll, or with the cache at most one per TTL window."""
    total = polls * pollers
    if cache_ttl_seconds <= 0:
        return total
    return min(total, math.ceil(job_seconds / cache_ttl_seconds) + 1)


def demand(mode: str, job: Usage, status_request: Usage, result_request: Usage, *, polls: float,
           pollers: int = 1, cache_ttl_seconds: int = 0, with_callback: Usage | None = None,
           with_subscriber: Usage | None = None, websocket_messages: float = 0.0) -> ClientDemand:
    """`polls`: status GETs one client following Retry-After makes for this job (retry_rule.mean_polls)."""
    if mode in ("poll", "cache"):
        reads = status_reads(polls, pollers, job.job_seconds, cache_ttl_seconds if mode == "cache" else 0)
        usage = combined(job, status_request, result_request, weights=(1, reads, 1))
        return ClientDemand(usage, 2 + polls * pollers, polls * pollers, cache_used=mode == "cache")
    if mode == "callback":
        if with_callback is None:
            raise ValueError("callback mode needs a measurement of jobs with a callbackUrl")
        return ClientDemand(combined(with_callback, result_request), 2, 0)
    if mode == "websocket":
        if with_subscriber is None:
            raise ValueError("websocket mode needs a template with a WebSocket API and jobs measured with a subscriber")
        minutes = max(1, math.ceil(with_subscriber.job_seconds / 60))  # billed per started minute
        return ClientDemand(combined(with_subscriber, result_request), 2, 0, websocket_messages, minutes, 1)
    raise ValueError(f"unknown mode {mode!r}: one of {', '.join(MODES)}")
