"""Push: a job's events from the WebSocket stage (its `eventsUrl`), as plan effects free of I/O.

`follow` opens the socket, subscribes to one job and feeds its progress events to `on_progress`; it returns the
job's terminal status, or None whenever push cannot be trusted (refused, 403, no ack, silence, dropped, error
event), and the caller polls instead. The clients carry the effects out with `websockets` (sockets.py).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from stepgate_client.models import JobStatus

log = logging.getLogger("stepgate_client.push")


@dataclass(frozen=True)
class OpenSocket:
    """Connect to `url` (the client adds its x-api-key header); PushLost is thrown in if that fails."""

    url: str
    timeout: float


@dataclass(frozen=True)
class SendText:
    text: str


@dataclass(frozen=True)
class ReceiveText:
    """The reply is the next frame's text, or None when none came within `timeout`; PushLost if the socket drops."""

    timeout: float


@dataclass(frozen=True)
class CloseSocket:
    pass


SocketEffect = OpenSocket | SendText | ReceiveText | CloseSocket


class PushLost(Exception):
    """The socket could not be opened (refused, handshake refused or timed out) or was closed under us."""


@dataclass(frozen=True)
class PushPolicy:
    """How long push is trusted before falling back to polling (README, "Push and its fallbacks")."""

    open_timeout: float = 5.0
    # The server answers a subscribe at once (route response); without it the socket is not serving us.
    ack_timeout: float = 5.0
    # A job silent this long (its work between `working` and `saved` included) may have lost its subscription.
    silence_timeout: float = 20.0


# STEPGATE_PUSH=0 (or false, no, off) turns push off for clients that do not say.
PUSH_OFF = frozenset({"0", "false", "no", "off"})


def push_policy_for(push: bool | None, policy: PushPolicy | None) -> PushPolicy | None:
    """The push settings in force, or None for polling only: `push=` wins, then STEPGATE_PUSH, then on."""
    enabled = push if push is not None else os.environ.get("STEPGATE_PUSH", "1").strip().lower() not in PUSH_OFF
    return (policy or PushPolicy()) if enabled else None


def subscribe_message(job_id: str) -> str:
    return json.dumps({"action": "subscribe", "jobIds": [job_id]})


def follow(events_url: str, job_id: str, policy: PushPolicy, deadline: float | None,
           on_progress: Callable[[JobStatus], Any] | None) -> Generator[Any, Any, JobStatus | None]:
    """The job's terminal status from its events, or None (logged with the reason) to poll instead."""
    try:
        yield OpenSocket(events_url, _bounded(policy.open_timeout, deadline))
        yield SendText(subscribe_message(job_id))
        ended = yield from _listen(job_id, policy, deadline, on_progress)
    except PushLost as lost:
        log.info("push for job %s unavailable (%s); polling instead", job_id, lost)
        ended = None
    yield CloseSocket()
    return ended


# The server's steps in order; its two Delivery runs may interleave (saved before working for a fast job).
STEP_ORDER = {"validated": 0, "working": 1, "saved": 2}


def _listen(job_id: str, policy: PushPolicy, deadline: float | None,
            on_progress: Callable[[JobStatus], Any] | None) -> Generator[Any, Any, JobStatus | None]:
    ack_by: float | None = time.monotonic() + policy.ack_timeout
    reached = -1
    while True:
        limit = policy.silence_timeout if ack_by is None else ack_by - time.monotonic()
        text = yield ReceiveText(_bounded(max(0.0, limit), deadline))
        if text is None and deadline is not None and time.monotonic() >= deadline:
            raise PushLost("the wait's timeout ran out")
        if text is None:
            raise PushLost("no subscription ack" if ack_by is not None else
                           f"no event for {policy.silence_timeout:g} s")
        event = _event(text)
        if event.get("type") == "error":
            raise PushLost(f"error event: {_error_detail(event)}")
        if event.get("jobId") != job_id and event.get("type") != "subscribed":
            # Other jobs' events (a shared connection) and unknown types are none of ours.
            continue
        # Any event of ours proves the subscription, even if it overtook the ack.
        ack_by = None
        if event.get("type") == "terminal":
            status = JobStatus.from_json(event)
            if not status.done:
                raise PushLost(f"a terminal event with status {status.status}")
            if on_progress is not None:
                on_progress(status)
            return status
        if event.get("type") == "progress":
            # A step behind (or equal to) one already reported is news to no one: steps only move forward.
            order = STEP_ORDER.get(event.get("step"))
            if order is not None and order <= reached:
                continue
            reached = reached if order is None else order
            if on_progress is not None:
                on_progress(JobStatus.from_json(event))


def _event(text: str) -> dict:
    try:
        event = json.loads(text)
    except ValueError:
        raise PushLost(f"a frame that is not JSON: {text[:80]!r}") from None
    if not isinstance(event, dict):
        raise PushLost(f"a frame that is not a JSON object: {text[:80]!r}")
    return event


def _error_detail(event: dict) -> str:
    error = event.get("error") if isinstance(event.get("error"), dict) else {}
    return " ".join(str(part) for part in (event.get("jobId"), error.get("title"), error.get("field"),
                                           error.get("detail")) if part)


def _bounded(seconds: float, deadline: float | None) -> float:
    return seconds if deadline is None else max(0.0, min(seconds, deadline - time.monotonic()))
