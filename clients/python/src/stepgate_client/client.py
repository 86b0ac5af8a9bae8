"""The synchronous client: `Stepgate(base_url, api_key)`, its submits and the `Job` they return."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from stepgate_client import plans
from stepgate_client.bodies import OfferFilters, compact, image_file, image_reference, iso_instant
from stepgate_client.models import Cancelled, ImageRef, JobStatus, Result
from stepgate_client.plans import Endpoint, Plan, Send, Sleep, Submitted
from stepgate_client.push import PushLost, PushPolicy, push_policy_for
from stepgate_client.retries import RetryPolicy
from stepgate_client.sockets import Socket

USER_AGENT = "stepgate-client/0.1"
def run(plan: Plan, http: httpx.Client, sleep: Callable[[float], None] = time.sleep) -> Any:
    """Carries out a plan's effects; a transport error (or a lost socket) goes back into the plan, which decides."""
    reply: Any = None
    failure: BaseException | None = None
    socket = Socket(http.headers)
    try:
        while True:
            try:
                effect = plan.throw(failure) if failure is not None else plan.send(reply)
            except StopIteration as finished:
                return finished.value
            reply, failure = None, None
            if isinstance(effect, Sleep):
                sleep(effect.seconds)
            elif isinstance(effect, Send):
                try:
                    reply = http.send(with_client_headers(effect.request, http))
                except httpx.TransportError as error:
                    failure = error
            else:
                try:
                    reply = socket.carry_out(effect)
                except PushLost as lost:
                    failure = lost
    finally:
        # Also when the plan raised (a failed job, Ctrl-C in on_progress): no socket outlives its wait.
        socket.close()


def with_client_headers(request: httpx.Request, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
    """Plans build bare requests; the client adds its own headers (the API key, user agent) as build_request would."""
    for name, value in http.headers.items():
        request.headers.setdefault(name, value)
    return request


class Stepgate:
    """A Stepgate API stage. `base_url` includes the stage (`http://127.0.0.1:3000/v1`).

    `push` (default: on unless STEPGATE_PUSH=0) lets `wait()` take the job's events from the WebSocket stage the
    API offers (`eventsUrl`); polling stays the fallback. `push_policy` sets how long push is trusted.
    """

    def __init__(self, base_url: str, api_key: str, *, timeout: float = 30.0, retry: RetryPolicy | None = None,
                 transport: httpx.BaseTransport | None = None, push: bool | None = None,
                 push_policy: PushPolicy | None = None):
        self.endpoint = Endpoint(base_url.rstrip("/"))
        self.retry = retry or RetryPolicy()
        self.push = push_policy_for(push, push_policy)
        self._http = httpx.Client(timeout=timeout, transport=transport, follow_redirects=False,
                                  headers={"x-api-key": api_key, "user-agent": USER_AGENT})

    def run(self, plan: Plan) -> Any:
        return run(plan, self._http)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "Stepgate":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _submit(self, path: str, body: dict, idempotency_key: str | None) -> "Job":
        key = idempotency_key or str(uuid.uuid4())
        return Job(self, self.run(plans.submit(self.endpoint, path, body, key, self.retry)))

    def submit_search(self, location: str, pickup_at: datetime | str, dropoff_at: datetime | str, *,
                      car_size: str | None = None, callback_url: str | None = None,
                      idempotency_key: str | None = None) -> "Job":
        body = compact(location=location, pickupAt=iso_instant(pickup_at), dropoffAt=iso_instant(dropoff_at),
                       carSize=car_size, callbackUrl=callback_url)
        return self._submit("/searches", body, idempotency_key)

    def upload_image(self, path: str | os.PathLike) -> ImageRef:
        image = image_file(path)
        return self.run(plans.upload(self.endpoint, image.name, image.content, image.content_type, self.retry))

    def submit_recognition(self, image: ImageRef | dict | str | os.PathLike, *, max_labels: int | None = None,
                           min_confidence: float | None = None, callback_url: str | None = None,
                           idempotency_key: str | None = None) -> "Job":
        """`image` is a local file (uploaded first), an ImageRef/{"bucket","key"}, or `s3://bucket/key`."""
        reference = image_reference(image) or self.upload_image(image)
        body = compact(image=reference.to_json(), maxLabels=max_labels, minConfidence=min_confidence,
                       callbackUrl=callback_url)
        return self._submit("/recognitions", body, idempotency_key)

    def create_user(self, name: str, email: str, *, callback_url: str | None = None,
                    idempotency_key: str | None = None) -> "Job":
        return self._submit("/users", compact(name=name, email=email, callbackUrl=callback_url), idempotency_key)

    def job(self, job_id: str) -> "Job":
        """A job submitted earlier (e.g. by another process), by its id."""
        # Its status is unknown ("") until read.
        return Job(self, Submitted(job_id, "", f"/jobs/{job_id}", False, "", None))


class Job:
    """A submitted job. `wait()` follows its events or polls, and returns the typed result (Offers, Labels or User)."""

    def __init__(self, client: Stepgate, submitted: Submitted):
        self._client = client
        self.submitted = submitted
        self.id = submitted.job_id

    def __repr__(self) -> str:
        return f"Job({self.id!r})"

    @property
    def replayed(self) -> bool:
        """The API answered an earlier submit with the same Idempotency-Key (Idempotent-Replayed)."""
        return self.submitted.replayed

    def status(self) -> JobStatus:
        return self._client.run(plans.status(self._client.endpoint, self.id, self._client.retry))

    def wait(self, timeout: float | None = None, on_progress: Callable[[JobStatus], Any] | None = None,
             filters: OfferFilters | None = None) -> Result:
        """Waits for the job's end (push's events, else polling), then GETs the 303's Location; raises
        JobFailed/JobCancelled/WaitTimeout."""
        return self._client.run(plans.wait(self._client.endpoint, self.id, self._client.retry,
                                           (filters or OfferFilters()).params(), timeout, on_progress,
                                           self._first_delay(), self.submitted.events_url, self._client.push))

    def _first_delay(self) -> float | None:
        # The 202's Retry-After says when the first poll is worth making; a replayed finished job needs none.
        return self.submitted.retry_after if self.submitted.status == "RUNNING" else None

    def result(self, filters: OfferFilters | None = None) -> Result:
        """The result now (one status read, then the result); raises if the job has not succeeded."""
        current = self.status()
        return self._client.run(plans.result(self._client.endpoint, current, (filters or OfferFilters()).params(),
                                             self._client.retry))

    def cancel(self) -> Cancelled:
        return self._client.run(plans.cancel(self._client.endpoint, self.id, self._client.retry))
