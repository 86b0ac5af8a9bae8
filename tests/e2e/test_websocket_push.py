"""WebSocket push over the real protocol (issue 9 §3, acceptance 3), with the `websockets` client library:
the URL comes from the 202 body's eventsUrl, the key goes in x-api-key on the handshake."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

TERMINAL = "terminal"
STEPS = ["validated", "working", "saved"]


def _in_days(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def submit_user(cloud) -> dict:
    response = cloud.submit("/users", {"name": "Wanda Socket", "email": f"w.{uuid.uuid4().hex[:12]}@example.com"})
    assert response.status_code == 202, response.text
    return response.json()


def submit_search(cloud) -> dict:
    response = cloud.submit("/searches", {"location": "JFK", "pickupAt": _in_days(1), "dropoffAt": _in_days(3)})
    assert response.status_code == 202, response.text
    return response.json()


async def receive_until(websocket, done, timeout: float) -> list[dict]:
    """Frames (JSON) until done(events) holds, or fail after `timeout` seconds."""
    events: list[dict] = []
    deadline = time.monotonic() + timeout
    while not done(events):
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"still waiting after {timeout} s; received {events}"
        events.append(json.loads(await asyncio.wait_for(websocket.recv(), remaining)))
    return events


def terminal_for(job_id: str):
    return lambda events: any(e["type"] == TERMINAL and e.get("jobId") == job_id for e in events)


def run(coroutine):
    return asyncio.run(coroutine)


def connect_with_key(cloud, events_url: str):
    """The handshake as a client makes it: the stage's API key in x-api-key."""
    return connect(events_url, additional_headers={"x-api-key": cloud.api_key})


async def subscribe(websocket, *job_ids: str) -> None:
    await websocket.send(json.dumps({"action": "subscribe", "jobIds": list(job_ids)}))


def test_the_202_and_the_status_document_name_the_events_url(cloud):
    accepted = submit_user(cloud)
    status = cloud.request("GET", accepted["statusUrl"]).json()
    assert accepted["eventsUrl"] == status["eventsUrl"]
    assert accepted["eventsUrl"].startswith(("ws://", "wss://")) and accepted["eventsUrl"].endswith("/v1")


@pytest.mark.parametrize("key", [None, "not-the-key"], ids=["missing key", "wrong key"])
def test_a_handshake_without_the_api_key_is_refused_403(cloud, key):
    events_url = submit_user(cloud)["eventsUrl"]

    async def handshake():
        headers = {} if key is None else {"x-api-key": key}
        with pytest.raises(InvalidStatus) as refused:
            async with connect(events_url, additional_headers=headers, open_timeout=10):
                pass
        return refused.value.response.status_code

    assert run(handshake()) == 403


def test_a_subscriber_before_completion_gets_each_step_then_the_terminal_event(cloud):
    accepted = submit_search(cloud)  # the supplier takes a while: subscribed well before it ends
    job_id = accepted["jobId"]

    async def watch():
        async with connect_with_key(cloud, accepted["eventsUrl"]) as websocket:
            await subscribe(websocket, job_id)
            return await receive_until(websocket, terminal_for(job_id), cloud.poll_timeout)

    events = run(watch())
    assert events[0] == {"type": "subscribed", "jobIds": [job_id]}
    progress = [e["step"] for e in events if e["type"] == "progress"]
    # A subscription may land after validation: the steps seen are the tail of validated, working, saved
    assert progress == STEPS[len(STEPS) - len(progress):] and "saved" in progress
    terminal = events[-1]
    status = cloud.poll(accepted["statusUrl"]).json()
    # The terminal event is the status document's outcome (D1)
    assert terminal == {"type": "terminal", "jobId": job_id, "kind": "search", "status": "SUCCEEDED",
                        "finishedAt": status["finishedAt"], "resultUrl": status["resultUrl"]}


def test_a_subscription_after_completion_gets_the_terminal_event_at_once(cloud):
    accepted = submit_user(cloud)
    status = cloud.poll(accepted["statusUrl"]).json()

    async def late():
        async with connect_with_key(cloud, accepted["eventsUrl"]) as websocket:
            deadline = time.monotonic() + 20
            while True:  # Delivery stores the terminal event apart from the job: moments after its end
                await subscribe(websocket, accepted["jobId"])
                events = await receive_until(websocket, lambda e: len(e) >= 1, 10)
                try:
                    events += await receive_until(websocket, terminal_for(accepted["jobId"]), 2)
                    return events
                except (AssertionError, TimeoutError):
                    assert time.monotonic() < deadline, f"no terminal event: {events}"

    events = run(late())
    assert events[0] == {"type": "subscribed", "jobIds": [accepted["jobId"]]}
    terminal = events[-1]
    assert terminal["status"] == "SUCCEEDED" and terminal["finishedAt"] == status["finishedAt"]
    assert terminal["resultUrl"] == status["resultUrl"]


def test_a_subscriber_that_disconnects_mid_job_neither_fails_the_job_nor_stays_subscribed(cloud):
    accepted = submit_search(cloud)
    job_id = accepted["jobId"]

    async def leave_early():
        async with connect_with_key(cloud, accepted["eventsUrl"]) as websocket:
            await subscribe(websocket, job_id)
            await receive_until(websocket, lambda e: e and e[0]["type"] == "subscribed", 20)
        # closed before the supplier answers

    run(leave_early())
    status = cloud.poll(accepted["statusUrl"]).json()
    assert status["status"] == "SUCCEEDED"
    if cloud.is_local:  # the subscription table is the local cloud's to read
        table = next(name for name in cloud.aws("dynamodb").list_tables()["TableNames"] if "SubscriptionsTable" in name)
        deadline = time.monotonic() + 20
        while True:
            items = cloud.aws("dynamodb").query(
                TableName=table, KeyConditionExpression="jobId = :j", ConsistentRead=True,
                ExpressionAttributeValues={":j": {"S": job_id}})["Items"]
            if [i["connectionId"]["S"] for i in items] == ["$terminal"]:
                break  # the gone connection's subscription was dropped at its 410; the terminal event is kept
            assert time.monotonic() < deadline, f"subscriptions still {items}"
            time.sleep(0.1)


def test_an_unknown_job_and_a_bad_message_get_error_events(cloud):
    events_url = submit_user(cloud)["eventsUrl"]

    async def ask():
        async with connect_with_key(cloud, events_url) as websocket:
            await subscribe(websocket, "no-such-job-0001")
            unknown = await receive_until(websocket, lambda e: len(e) >= 2, 20)
            await subscribe(websocket)
            empty = await receive_until(websocket, lambda e: len(e) >= 1, 20)
            await websocket.send("not json")
            garbage = await receive_until(websocket, lambda e: len(e) >= 1, 20)
            return unknown, empty, garbage

    unknown, empty, garbage = run(ask())
    assert unknown == [
        {"type": "subscribed", "jobIds": ["no-such-job-0001"]},
        {"type": "error", "jobId": "no-such-job-0001",
         "error": {"type": "urn:stepgate:problem:not-found", "title": "Not Found", "status": 404,
                   "detail": "No job with this id."}},
    ]
    [invalid] = empty
    assert invalid["type"] == "error" and invalid["error"]["field"] == "jobIds" and invalid["error"]["status"] == 400
    [not_json] = garbage
    assert not_json["type"] == "error" and not_json["error"]["field"] == "action"


def test_a_cancelled_job_pushes_its_aborted_event(cloud):
    accepted = submit_search(cloud)
    job_id = accepted["jobId"]

    async def watch_cancel():
        async with connect_with_key(cloud, accepted["eventsUrl"]) as websocket:
            await subscribe(websocket, job_id)
            await receive_until(websocket, lambda e: e and e[0]["type"] == "subscribed", 20)
            cancel = await asyncio.to_thread(cloud.request, "DELETE", f"/jobs/{job_id}")
            assert cancel.status_code == 202, cancel.text
            return await receive_until(websocket, terminal_for(job_id), cloud.poll_timeout)

    terminal = run(watch_cancel())[-1]
    status = cloud.poll(accepted["statusUrl"]).json()
    assert terminal["status"] == "ABORTED" == status["status"]
    assert terminal["error"] == status["error"] and terminal["finishedAt"] == status["finishedAt"]
