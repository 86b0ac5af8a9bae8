"""The SDK's logic, free of I/O: each operation is a generator that yields `Send`/`Sleep` effects (and push's
socket effects, push.py).

The sync client (`client.py`) and the async one (`async_client.py`) only carry the effects out, so retries,
polling, push, Retry-After and problem typing are written once. A transport error is thrown into the generator.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from stepgate_client.errors import (JobStillRunning, Problem, StepgateConnectionError, UnexpectedResponse,
                                    WaitTimeout, error_for, job_error_for)
from stepgate_client.models import RESULT_TYPES, Cancelled, ImageRef, JobStatus
from stepgate_client.push import PushPolicy, SocketEffect, follow
from stepgate_client.retries import KEY_IN_USE, RETRIED_STATUSES, RetryPolicy, parse_retry_after


@dataclass(frozen=True)
class Send:
    request: httpx.Request


@dataclass(frozen=True)
class Sleep:
    seconds: float


Effect = Send | Sleep | SocketEffect
Plan = Generator[Effect, Any, Any]


@dataclass(frozen=True)
class Endpoint:
    """The stage's base URL (`http://127.0.0.1:3000/v1`); URLs the API returns (`/v1/jobs/..`) are origin-relative."""

    base_url: str

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        origin, _, stage = self.base_url.rstrip("/").rpartition("/")
        if path.startswith(f"/{stage}/"):
            return origin + path
        return self.base_url.rstrip("/") + path


@dataclass(frozen=True)
class Submitted:
    job_id: str
    status: str
    status_url: str
    replayed: bool
    idempotency_key: str
    retry_after: float | None
    # The WebSocket stage (202's eventsUrl), when the server offers push.
    events_url: str | None = None


def send(request: httpx.Request, policy: RetryPolicy, deadline: float | None = None) -> Plan:
    """One exchange, retried on transport errors, 429, 5xx and key-in-use; the request (and its key) is reused."""
    failures = throttled = 0
    while True:
        try:
            response = yield Send(request)
        except httpx.TransportError as error:
            failures += 1
            delay = policy.backoff(failures)
            if failures >= policy.max_attempts or not _time_left(deadline, delay):
                raise StepgateConnectionError(f"cannot reach {request.url.copy_with(query=None)}: "
                                              f"{type(error).__name__}: {error or 'no answer'}") from error
            yield Sleep(delay)
            continue
        retryable = response.status_code in RETRIED_STATUSES or _problem_type(response) == KEY_IN_USE
        if not retryable:
            return response
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if response.status_code == 429 or retry_after is not None:
            throttled += 1
            spent = throttled >= policy.max_throttled
            delay = retry_after if retry_after is not None else policy.backoff(throttled + 2)
        else:
            failures += 1
            spent = failures >= policy.max_attempts
            delay = policy.backoff(failures)
        if spent or not _time_left(deadline, delay):
            return response
        yield Sleep(delay)


def _time_left(deadline: float | None, delay: float) -> bool:
    return deadline is None or time.monotonic() + delay <= deadline


def _problem_type(response: httpx.Response) -> str | None:
    if response.status_code < 400 or "json" not in response.headers.get("content-type", ""):
        return None
    try:
        return response.json().get("type")
    except ValueError:
        return None


def raise_for_problem(response: httpx.Response) -> None:
    """Raises the typed error of a 4xx/5xx answer."""
    if response.status_code < 400:
        return
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or "type" not in body:
        raise UnexpectedResponse(f"{response.request.method} {response.request.url} answered "
                                 f"{response.status_code} without a problem body (is this a Stepgate API URL?)",
                                 response.status_code)
    raise error_for(Problem.from_json(body), response.status_code,
                    parse_retry_after(response.headers.get("retry-after")))


def _json(response: httpx.Response, expected: tuple[int, ...]) -> dict:
    raise_for_problem(response)
    if response.status_code not in expected:
        raise UnexpectedResponse(f"{response.request.method} {response.request.url} answered "
                                 f"{response.status_code}, expected {' or '.join(map(str, expected))}",
                                 response.status_code)
    try:
        return response.json()
    except ValueError:
        raise UnexpectedResponse(f"{response.request.url} answered {response.status_code} with a body that is "
                                 "not JSON", response.status_code) from None


def submit(endpoint: Endpoint, path: str, body: dict, idempotency_key: str, policy: RetryPolicy) -> Plan:
    request = httpx.Request("POST", endpoint.url(path), json=body, headers={"Idempotency-Key": idempotency_key})
    response = yield from send(request, policy)
    accepted = _json(response, (202,))
    return Submitted(job_id=accepted["jobId"], status=accepted["status"], status_url=accepted["statusUrl"],
                     replayed=response.headers.get("idempotent-replayed") == "true",
                     idempotency_key=idempotency_key,
                     retry_after=parse_retry_after(response.headers.get("retry-after")),
                     events_url=accepted.get("eventsUrl"))


def upload(endpoint: Endpoint, name: str, content: bytes, content_type: str, policy: RetryPolicy) -> Plan:
    request = httpx.Request("PUT", endpoint.url(f"/uploads/{name}"), content=content,
                            headers={"content-type": content_type})
    response = yield from send(request, policy)
    image = _json(response, (201,))["image"]
    return ImageRef(image["bucket"], image["key"])


def status(endpoint: Endpoint, job_id: str, policy: RetryPolicy, deadline: float | None = None) -> Plan:
    """The status document; a 303 is not followed here (its Location becomes `result_url`)."""
    response = yield from send(httpx.Request("GET", endpoint.url(f"/jobs/{job_id}")), policy, deadline)
    body = _json(response, (200, 303))
    if response.status_code == 303 and response.headers.get("location"):
        body = {**body, "resultUrl": response.headers["location"]}
    return JobStatus.from_json(body, parse_retry_after(response.headers.get("retry-after")))


def result(endpoint: Endpoint, job: JobStatus, params: Mapping[str, Any], policy: RetryPolicy) -> Plan:
    """GET the 303's Location: a typed result (Offers, Labels or User)."""
    if job.status != "SUCCEEDED":
        if job.done:
            error = job.error or Problem("urn:stepgate:problem:job-failed", job.status, 500)
            raise job_error_for(error, job.status, job)
        raise JobStillRunning(f"job {job.job_id} is still {job.status}: wait for it first")
    if job.result_url is None:
        raise UnexpectedResponse(f"job {job.job_id} succeeded without a result URL", 303)
    if params and job.kind != "search":
        raise ValueError("offer filters apply to search jobs only")
    query = {name: value for name, value in params.items() if value is not None}
    request = httpx.Request("GET", endpoint.url(job.result_url), params=query)
    response = yield from send(request, policy)
    return RESULT_TYPES[job.kind].from_json(_json(response, (200,)))


def wait(endpoint: Endpoint, job_id: str, policy: RetryPolicy, params: Mapping[str, Any],
         timeout: float | None, on_progress: Callable[[JobStatus], Any] | None,
         first_delay: float | None = None, events_url: str | None = None, push: PushPolicy | None = None) -> Plan:
    """Waits for the job's end, then follows the 303 to the result.

    With `push` and an events URL (the 202's, or the first status document's), the job's events come over the
    WebSocket; whenever push fails (push.follow returns None), polling takes over, honouring Retry-After.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    tried_push = push is None
    if not tried_push and events_url:
        tried_push = True
        ended = yield from follow(events_url, job_id, push, deadline, on_progress)
        if ended is not None:
            return (yield from _result_of_event(endpoint, ended, params, policy, deadline))
    if first_delay:
        yield Sleep(_bounded(first_delay, deadline))
    while True:
        current = yield from status(endpoint, job_id, policy, deadline)
        if on_progress is not None:
            on_progress(current)
        if current.done:
            return (yield from result(endpoint, current, params, policy))
        if not tried_push and current.events_url:
            # A job named by its id learns its events URL from the status document.
            tried_push = True
            ended = yield from follow(current.events_url, job_id, push, deadline, on_progress)
            if ended is not None:
                return (yield from _result_of_event(endpoint, ended, params, policy, deadline))
            continue
        if deadline is not None and time.monotonic() >= deadline:
            raise WaitTimeout(f"job {job_id} is still {current.status} after {timeout:g} s")
        yield Sleep(_bounded(current.retry_after or policy.poll_interval, deadline))


def _result_of_event(endpoint: Endpoint, ended: JobStatus, params: Mapping[str, Any], policy: RetryPolicy,
                     deadline: float | None) -> Plan:
    """The terminal event carries the status document's fields; a success without resultUrl is read once more."""
    if ended.status == "SUCCEEDED" and not ended.result_url:
        ended = yield from status(endpoint, ended.job_id, policy, deadline)
    return (yield from result(endpoint, ended, params, policy))


def _bounded(delay: float, deadline: float | None) -> float:
    return delay if deadline is None else max(0.0, min(delay, deadline - time.monotonic()))


def cancel(endpoint: Endpoint, job_id: str, policy: RetryPolicy) -> Plan:
    """DELETE the job. Already cancelled counts as done, so a retried DELETE whose answer was lost still succeeds."""
    response = yield from send(httpx.Request("DELETE", endpoint.url(f"/jobs/{job_id}")), policy)
    if response.status_code == 409:
        current = yield from status(endpoint, job_id, policy)
        if current.status == "ABORTED":
            return Cancelled(job_id=job_id, status="ABORTED", cancelled_at=current.finished_at, raw=current.raw)
    return Cancelled.from_json(_json(response, (202,)))
