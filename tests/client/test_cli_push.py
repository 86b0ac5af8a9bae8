"""The CLI's push options and its live line's step, against the scripted HTTP and WebSocket servers."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.client.scripted_server import Answer, ScriptedServer
from tests.client.scripted_socket import Gate, ScriptedSocketServer, acked, progress, terminal
from tests.terminal import run_on_a_terminal

SDK_SOURCE = Path(__file__).resolve().parents[2] / "clients" / "python" / "src"
JOB = "job-1"
RUNNING = {"jobId": JOB, "kind": "user", "status": "RUNNING", "submittedAt": "2030-01-01T00:00:00Z", "finishedAt": None}
STEPS = ("validated", "working", "saved")


def _script(gates: list[Gate]) -> list:
    """Each next event waits until the test saw the previous step on the live line (no timing assumed)."""
    script = [acked(JOB)]
    for step, gate in zip(STEPS, gates, strict=True):
        script += [progress(JOB, step), gate]
    return [*script, terminal(JOB, resultUrl="/v1/users/u-1")]


@pytest.fixture
def gates():
    # Tests that do not watch the screen pass every gate at once.
    return [Gate() for _ in STEPS]


@pytest.fixture
def servers(gates):
    sockets = ScriptedSocketServer(_script(gates))
    http = ScriptedServer({
        ("POST", "/v1/users"): [Answer(202, {"jobId": JOB, "status": "RUNNING", "statusUrl": f"/v1/jobs/{JOB}",
                                             "eventsUrl": sockets.url}, {"Retry-After": "1"})],
        ("GET", f"/v1/jobs/{JOB}"): [
            Answer(200, {**RUNNING, "eventsUrl": sockets.url}, {"Retry-After": "1"}),
            Answer(303, {**RUNNING, "status": "SUCCEEDED", "resultUrl": "/v1/users/u-1"},
                   {"Location": "/v1/users/u-1"})],
        ("GET", "/v1/users/u-1"): [Answer(200, {"userId": "u-1", "name": "Ada", "email": "ada@example.com",
                                                "createdAt": "2030-01-01T00:00:01Z"})],
    })
    yield sockets, http
    http.close()
    sockets.close()


def _env(http: ScriptedServer, **overrides) -> dict:
    env = {**os.environ, "STEPGATE_URL": http.base_url, "STEPGATE_API_KEY": "key", "COLUMNS": "120",
           "PYTHONPATH": os.pathsep.join([str(SDK_SOURCE), os.environ.get("PYTHONPATH", "")])}
    env.pop("STEPGATE_PUSH", None)
    return {**env, **overrides}


def _user(*options: str) -> list[str]:
    return [sys.executable, "-m", "stepgate_client", *options, "--json", "user", "--name", "Ada",
            "--email", "ada@example.com", "--wait"]


@pytest.mark.parametrize(("options", "env", "pushed"), [
    ((), {}, True), (("--no-push",), {}, False), ((), {"STEPGATE_PUSH": "0"}, False),
    (("--push",), {"STEPGATE_PUSH": "0"}, True),
])
def test_push_is_on_by_default_and_turned_off_by_flag_or_environment(servers, gates, options, env, pushed):
    sockets, http = servers
    for gate in gates:
        gate.opened.set()
    run = subprocess.run(_user(*options), env=_env(http, **env), capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["userId"] == "u-1"
    assert (len(sockets.connections), len(http.requests("GET", f"/v1/jobs/{JOB}"))) == ((1, 0) if pushed else (0, 2))


def test_the_live_line_shows_the_pushed_step(servers, gates):
    # Given a terminal for stderr (rich shows progress only there)
    _, http = servers
    def open_gates(seen: str) -> None:
        # Each step seen lets the server send the next event.
        for step, gate in zip(STEPS, gates, strict=True):
            if re.search(rf"RUNNING\s+step {step}", seen):
                gate.opened.set()

    returncode, text, _ = run_on_a_terminal(_user(), env=_env(http, TERM="xterm-256color"), on_screen=open_gates)

    # Then the line named each step as its event came, and the job's end
    assert returncode == 0, text
    for step in STEPS:
        assert re.search(rf"job {JOB}\s+RUNNING\s+step {step}", text), text
    assert re.search(rf"job {JOB}\s+SUCCEEDED", text), text
