"""The asyncio client: the same plans as `client.py`, carried out with httpx.AsyncClient and asyncio.sleep."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from stepgate_client import plans
from stepgate_client.bodies import OfferFilters, compact, image_file, image_reference, iso_instant
from stepgate_client.client import USER_AGENT, with_client_headers
from stepgate_client.models import Cancelled, ImageRef, JobStatus, Result
from stepgate_client.plans import Endpoint, Plan, Send, Sleep, Submitted
from stepgate_client.push import PushLost, PushPolicy, push_policy_for
from stepgate_client.retries import RetryPolicy
from stepgate_client.sockets import AsyncSocket


async def run(plan: Plan, http: httpx.AsyncClient) -> Any:
    reply: Any = None
    failure: BaseException | None = None
    socket = AsyncSocket(http.headers)
    try:
        while True:
            try:
                effect = plan.throw(failure) if failure is not None else plan.send(reply)
            except StopIteration as finished:
                return finished.value
            reply, failure = None, None
            if isinstance(effect, Sleep):
                await asyncio.sleep(effect.seconds)
            elif isinstance(effect, Send):
                try:
                    reply = await http.send(with_client_headers(effect.request, http))
                except httpx.TransportError as error:
                    failure = error
            else:
                try:
                    reply = await socket.carry_out(effect)
                except PushLost as lost:
                    failure = lost
    finally:
        await socket.close()


class AsyncStepgate:
    """`Stepgate` for asyncio: every method is a coroutine; `async with AsyncStepgate(...) as client`."""

    def __init__(self, base_url: str, api_key: str, *, timeout: float = 30.0, retry: RetryPolicy | None = None,
                 transport: httpx.AsyncBaseTransport | None = None, push: bool | None = None,
                 push_policy: PushPolicy | None = None):
        self.endpoint = Endpoint(base_url.rstrip("/"))
        self.retry = retry or RetryPolicy()
        self.push = push_policy_for(push, push_policy)
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport, follow_redirects=False,
                                       headers={"x-api-key": api_key, "user-agent": USER_AGENT})

    async def run(self, plan: Plan) -> Any:
        return await run(plan, self._http)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "AsyncStepgate":
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.aclose()

    async def _submit(self, path: str, body: dict, idempotency_key: str | None) -> "AsyncJob":
        key = idempotency_key or str(uuid.uuid4())
        return AsyncJob(self, await self.run(plans.submit(self.endpoint, path, body, key, self.retry)))

    async def submit_search(self, location: str, pickup_at: datetime | str, dropoff_at: datetime | str, *,
                            car_size: str | None = None, callback_url: str | None = None,
                            idempotency_key: str | None = None) -> "AsyncJob":
        body = compact(location=location, pickupAt=iso_instant(pickup_at), dropoffAt=iso_instant(dropoff_at),
                       carSize=car_size, callbackUrl=callback_url)
        return await self._submit("/searches", body, idempotency_key)

    async def upload_image(self, path: str | os.PathLike) -> ImageRef:
        image = image_file(path)
        return await self.run(plans.upload(self.endpoint, image.name, image.content, image.content_type, self.retry))

    async def submit_recognition(self, image: ImageRef | dict | str | os.PathLike, *, max_labels: int | None = None,
                                 min_confidence: float | None = None, callback_url: str | None = None,
                                 idempotency_key: str | None = None) -> "AsyncJob":
        reference = image_reference(image) or await self.upload_image(image)
        body = compact(image=reference.to_json(), maxLabels=max_labels, minConfidence=min_confidence,
                       callbackUrl=callback_url)
        return await self._submit("/recognitions", body, idempotency_key)

    async def create_user(self, name: str, email: str, *, callback_url: str | None = None,
                          idempotency_key: str | None = None) -> "AsyncJob":
        return await self._submit("/users", compact(name=name, email=email, callbackUrl=callback_url),
                                  idempotency_key)

    def job(self, job_id: str) -> "AsyncJob":
        return AsyncJob(self, Submitted(job_id, "", f"/jobs/{job_id}", False, "", None))


class AsyncJob:
    def __init__(self, client: AsyncStepgate, submitted: Submitted):
        self._client = client
        self.submitted = submitted
        self.id = submitted.job_id

    def __repr__(self) -> str:
        return f"AsyncJob({self.id!r})"

    @property
    def replayed(self) -> bool:
        return self.submitted.replayed

    async def status(self) -> JobStatus:
        return await self._client.run(plans.status(self._client.endpoint, self.id, self._client.retry))

    async def wait(self, timeout: float | None = None, on_progress: Callable[[JobStatus], Any] | None = None,
                   filters: OfferFilters | None = None) -> Result:
        first_delay = self.submitted.retry_after if self.submitted.status == "RUNNING" else None
        return await self._client.run(plans.wait(self._client.endpoint, self.id, self._client.retry,
                                                 (filters or OfferFilters()).params(), timeout, on_progress,
                                                 first_delay, self.submitted.events_url, self._client.push))

    async def result(self, filters: OfferFilters | None = None) -> Result:
        current = await self.status()
        return await self._client.run(plans.result(self._client.endpoint, current,
                                                   (filters or OfferFilters()).params(), self._client.retry))

    async def cancel(self) -> Cancelled:
        return await self._client.run(plans.cancel(self._client.endpoint, self.id, self._client.retry))
