"""`wait()` over WebSocket push, and each fallback to polling, against real servers on 127.0.0.1.

The HTTP side is tests/client/scripted_server.py; the WebSocket side a real `websockets` server playing a script
(tests/client/scripted_socket.py) in the protocol of README "WebSocket push".
"""

import asyncio
import logging
import socket
import time

import pytest

from stepgate_client import AsyncStepgate, JobFailed, PushPolicy, Stepgate, User, WaitTimeout
from tests.client.scripted_server import Answer, ScriptedServer
from tests.client.scripted_socket import Drop, Frame, Raw, ScriptedSocketServer, Silence, acked, progress, terminal

JOB = "job-1"
USER = Answer(200, {"userId": "u-1", "name": "Ada", "email": "ada@example.com", "createdAt": "2030-01-01T00:00:01Z"})
RUNNING = {"jobId": JOB, "kind": "user", "status": "RUNNING", "submittedAt": "2030-01-01T00:00:00Z", "finishedAt": None}
SUCCEEDED = Answer(303, {**RUNNING, "status": "SUCCEEDED", "finishedAt": "2030-01-01T00:00:01Z",
                         "resultUrl": "/v1/users/u-1"}, {"Location": "/v1/users/u-1"})
STEPS = [progress(JOB, "validated"), progress(JOB, "working"), progress(JOB, "saved")]
HAPPY = [acked(JOB), *STEPS, terminal(JOB, resultUrl="/v1/users/u-1")]
# Where push should work: generous, so a loaded machine's slow answers never look like a failure.
QUICK = PushPolicy(open_timeout=30, ack_timeout=30, silence_timeout=60)
# Where the script makes push fail by saying nothing: only the deadline under test is short.
NO_ACK = PushPolicy(open_timeout=30, ack_timeout=1.0, silence_timeout=60)
SILENT = PushPolicy(open_timeout=30, ack_timeout=30, silence_timeout=1.0)


def http_server(events_url: str | None, status_answers: list[Answer] | None = None) -> ScriptedServer:
    accepted = {"jobId": JOB, "status": "RUNNING", "statusUrl": f"/v1/jobs/{JOB}"}
    if events_url:
        accepted["eventsUrl"] = events_url
    running = Answer(200, {**RUNNING, **({"eventsUrl": events_url} if events_url else {})}, {"Retry-After": "1"})
    return ScriptedServer({
        ("POST", "/v1/users"): [Answer(202, accepted, {"Location": f"/v1/jobs/{JOB}", "Retry-After": "1"})],
        ("GET", f"/v1/jobs/{JOB}"): status_answers or [running, SUCCEEDED],
        ("GET", "/v1/users/u-1"): [USER],
    })


@pytest.fixture
def servers(request):
    """(socket server playing request.param, HTTP server whose 202 offers it)."""
    sockets = ScriptedSocketServer(request.param)
    http = http_server(sockets.url)
    yield sockets, http
    http.close()
    sockets.close()


def _statuses(http: ScriptedServer):
    return http.requests("GET", f"/v1/jobs/{JOB}")


@pytest.mark.parametrize("servers", [HAPPY], indirect=True)
def test_wait_takes_progress_and_the_terminal_event_from_the_socket_and_never_polls(servers):
    sockets, http = servers
    seen = []
    with Stepgate(http.base_url, "key", push=True, push_policy=QUICK) as client:
        user = client.create_user("Ada", "ada@example.com").wait(
            timeout=60, on_progress=lambda status: seen.append((status.status, status.current_step)))

    # Then the result came through the 303's Location, the steps from the socket, and no status poll was made
    assert user == User("u-1", "Ada", "ada@example.com", "2030-01-01T00:00:01Z")
    assert seen == [("RUNNING", "validated"), ("RUNNING", "working"), ("RUNNING", "saved"), ("SUCCEEDED", None)]
    assert _statuses(http) == [] and len(http.requests("GET", "/v1/users/u-1")) == 1
    # The handshake carried the API key and the first message subscribed to the job
    [connection] = sockets.connections
    assert connection.headers["x-api-key"] == "key"
    assert connection.messages[0] == {"action": "subscribe", "jobIds": [JOB]}


@pytest.mark.parametrize("servers", [[acked(JOB), progress(JOB, "validated"), terminal(
    JOB, "FAILED", error={"type": "urn:stepgate:problem:user-already-exists", "title": "User already exists",
                          "status": 409, "detail": "email: is already registered", "field": "email"})]],
    indirect=True)
def test_a_failed_terminal_event_raises_the_typed_job_error_without_polling(servers):
    _, http = servers
    with Stepgate(http.base_url, "key", push=True, push_policy=QUICK) as client, \
            pytest.raises(JobFailed) as raised:
        client.create_user("Ada", "ada@example.com").wait(timeout=60)
    assert raised.value.problem.slug == "user-already-exists" and raised.value.field == "email"
    assert raised.value.job.status == "FAILED" and _statuses(http) == []


# A subscription made after the job ended gets its terminal event at once, possibly before the ack.
@pytest.mark.parametrize("servers", [[terminal(JOB, resultUrl="/v1/users/u-1"), acked(JOB)],
                                     [Frame({"type": "progress", "jobId": "another-job", "step": "working"}),
                                      Frame({"type": "hello-from-the-future"}), *HAPPY]], indirect=True)
def test_a_terminal_event_before_the_ack_and_frames_for_others_are_handled(servers):
    _, http = servers
    with Stepgate(http.base_url, "key", push=True, push_policy=QUICK) as client:
        assert client.create_user("Ada", "ada@example.com").wait(timeout=60).user_id == "u-1"
    assert _statuses(http) == []


# Two Delivery runs post validated+working and saved+terminal; for a fast job they interleave, and may repeat.
@pytest.mark.parametrize("servers", [[acked(JOB), progress(JOB, "validated"), progress(JOB, "saved"),
                                      progress(JOB, "working"), progress(JOB, "saved"),
                                      terminal(JOB, resultUrl="/v1/users/u-1"), terminal(JOB)]], indirect=True)
def test_steps_reach_on_progress_only_moving_forward(servers):
    _, http = servers
    steps = []
    with Stepgate(http.base_url, "key", push=True, push_policy=QUICK) as client:
        job = client.create_user("Ada", "ada@example.com")
        assert job.wait(timeout=60, on_progress=lambda status: steps.append(status.current_step)).user_id == "u-1"
    assert steps == ["validated", "saved", None] and _statuses(http) == []


FALLBACKS = {
    "no ack": [Silence(30)],
    "silence after the ack": [acked(JOB), progress(JOB, "validated"), Silence(30)],
    "dropped": [acked(JOB), progress(JOB, "validated"), Drop(abrupt=True)],
    "closed by the server": [acked(JOB), Drop(abrupt=False)],
    "error event": [Frame({"type": "error", "jobId": JOB, "error": {
        "type": "urn:stepgate:problem:not-found", "title": "Not Found", "status": 404, "detail": "No job with this id."}})],
    "not JSON": [Raw("<html>")],
}
REASONS = {"no ack": "no subscription ack", "silence after the ack": "no event for 1 s",
           "dropped": "connection closed", "closed by the server": "connection closed (1001)",
           "error event": "error event: job-1 Not Found", "not JSON": "not JSON"}


POLICIES = {"no ack": NO_ACK, "silence after the ack": SILENT}


@pytest.mark.parametrize("case", sorted(FALLBACKS))
def test_wait_falls_back_to_polling_when_push_fails(case, caplog):
    sockets = ScriptedSocketServer(FALLBACKS[case])
    http = http_server(sockets.url)
    try:
        with caplog.at_level(logging.INFO, "stepgate_client.push"), \
                Stepgate(http.base_url, "key", push=True, push_policy=POLICIES.get(case, QUICK)) as client:
            user = client.create_user("Ada", "ada@example.com").wait(timeout=60)
    finally:
        http.close()
        sockets.close()

    # Then polling reached the result, honouring the status answer's Retry-After, and the reason was logged
    assert user.user_id == "u-1"
    polls = _statuses(http)
    assert len(polls) == 2 and polls[1].at - polls[0].at >= 0.95
    assert len(sockets.connections) == 1
    assert REASONS[case] in caplog.text, caplog.text


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_refused_connection_falls_back_to_polling_at_once(caplog):
    http = http_server(f"ws://127.0.0.1:{_closed_port()}/v1")
    try:
        with caplog.at_level(logging.INFO, "stepgate_client.push"), \
                Stepgate(http.base_url, "key", push=True, push_policy=QUICK) as client:
            assert client.create_user("Ada", "ada@example.com").wait(timeout=60).user_id == "u-1"
    finally:
        http.close()
    # Refused at once: the reason is the refusal, not a handshake timeout
    assert len(_statuses(http)) == 2 and "refused" in caplog.text.lower(), caplog.text


@pytest.mark.parametrize("servers", [HAPPY], indirect=True)
def test_a_handshake_refused_with_403_falls_back_to_polling(servers, caplog):
    sockets, http = servers
    sockets.api_key = "another-key"
    with caplog.at_level(logging.INFO, "stepgate_client.push"), \
            Stepgate(http.base_url, "key", push=True, push_policy=QUICK) as client:
        assert client.create_user("Ada", "ada@example.com").wait(timeout=60).user_id == "u-1"
    assert sockets.refused == 1 and sockets.connections == []
    assert "handshake answered HTTP 403" in caplog.text and len(_statuses(http)) == 2


def test_without_an_events_url_wait_polls():
    http = http_server(None)
    try:
        with Stepgate(http.base_url, "key", push=True) as client:
            assert client.create_user("Ada", "ada@example.com").wait(timeout=60).user_id == "u-1"
    finally:
        http.close()
    assert len(_statuses(http)) == 2


@pytest.mark.parametrize("servers", [HAPPY], indirect=True)
@pytest.mark.parametrize("how", ["push=False", "STEPGATE_PUSH=0"])
def test_push_turned_off_never_connects(servers, how, monkeypatch):
    sockets, http = servers
    monkeypatch.setenv("STEPGATE_PUSH", "0" if how == "STEPGATE_PUSH=0" else "1")
    with Stepgate(http.base_url, "key", **({"push": False} if how == "push=False" else {})) as client:
        assert client.create_user("Ada", "ada@example.com").wait(timeout=60).user_id == "u-1"
    assert sockets.connections == [] and len(_statuses(http)) == 2


@pytest.mark.parametrize("servers", [[acked(JOB), Silence(30)]], indirect=True)
def test_the_wait_timeout_holds_while_listening(servers):
    _, http = servers
    with Stepgate(http.base_url, "key", push=True, push_policy=PushPolicy(silence_timeout=600)) as client:
        job = client.create_user("Ada", "ada@example.com")
        started = time.monotonic()
        with pytest.raises(WaitTimeout, match="still RUNNING"):
            job.wait(timeout=1.5)
    # The wait ended at its own timeout, not push's silence deadline: one status read once the time was up
    assert 1.4 <= time.monotonic() - started < 60 and len(_statuses(http)) == 1


def test_a_job_named_by_its_id_learns_its_events_url_from_the_status_document():
    sockets = ScriptedSocketServer(HAPPY)
    running = Answer(200, {**RUNNING, "eventsUrl": sockets.url}, {"Retry-After": "1"})
    http = http_server(None, [running, SUCCEEDED])
    try:
        with Stepgate(http.base_url, "key", push=True, push_policy=QUICK) as client:
            steps = []
            user = client.job(JOB).wait(timeout=60, on_progress=lambda status: steps.append(status.current_step))
    finally:
        http.close()
        sockets.close()
    assert user.user_id == "u-1" and len(_statuses(http)) == 1 and len(sockets.connections) == 1
    assert steps == [None, "validated", "working", "saved", None]


@pytest.mark.parametrize(("servers", "expected_steps", "expected_polls"), [
    (HAPPY, ["validated", "working", "saved", None], 0),
    ([acked(JOB), Drop()], [None, None], 2),
], indirect=["servers"])
def test_the_async_client_pushes_and_falls_back_the_same_way(servers, expected_steps, expected_polls):
    _, http = servers

    async def scenario():
        async with AsyncStepgate(http.base_url, "key", push=True, push_policy=QUICK) as client:
            job = await client.create_user("Ada", "ada@example.com")
            steps = []
            user = await job.wait(timeout=60, on_progress=lambda status: steps.append(status.current_step))
            return user, steps

    user, steps = asyncio.run(scenario())
    assert user.user_id == "u-1" and steps == expected_steps and len(_statuses(http)) == expected_polls
