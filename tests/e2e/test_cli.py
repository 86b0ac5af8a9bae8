"""The `stepgate` CLI against the local cloud: each command, live progress on a terminal, one-line errors and
exit codes."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from stepgate_client.cli import cli, exit_codes

from tests.terminal import run_on_a_terminal

SDK_SOURCE = Path(__file__).resolve().parents[2] / "clients" / "python" / "src"


def _in_days(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%MZ")


def _env(cloud, **overrides) -> dict:
    env = {**os.environ, "STEPGATE_URL": cloud.base_url, "STEPGATE_API_KEY": cloud.api_key,
           "PYTHONPATH": os.pathsep.join([str(SDK_SOURCE), os.environ.get("PYTHONPATH", "")]), "COLUMNS": "120"}
    env.update(overrides)
    return env


def stepgate(cloud, *args: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stepgate_client", *args], env=_env(cloud, **env),
                          capture_output=True, text=True, timeout=120)


def _json(run: subprocess.CompletedProcess) -> dict:
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_search_wait_json_prints_the_offers_document(cloud):
    run = stepgate(cloud, "--json", "search", "--location", "JFK", "--pickup", _in_days(1), "--dropoff", _in_days(3),
                   "--min-rating", "4.5", "--wait")
    document = _json(run)
    assert document["offers"] and all(offer["supplierRating"] >= 4.5 for offer in document["offers"])
    assert document["count"] == len(document["offers"])


def test_search_wait_shows_live_progress_on_a_terminal_then_the_offers_table(cloud):
    # Given a terminal for stderr (rich shows progress only there); stdout stays a pipe for the table
    returncode, text, table = run_on_a_terminal(
        [sys.executable, "-m", "stepgate_client", "search", "--location", "LHR", "--pickup", _in_days(1),
         "--dropoff", _in_days(2), "--car-size", "suv", "--wait"],
        env=_env(cloud, TERM="xterm-256color"))

    # Then the progress line named the job, its status as it changed, and the elapsed time
    assert returncode == 0, text
    assert re.search(r"job \S+\s+RUNNING", text) and re.search(r"job \S+\s+SUCCEEDED", text), text
    assert re.search(r"0:00:0[0-9]", text), text
    # And the offers came as a table on stdout
    assert "offers (until" in table and "suv" in table and "supplier" in table


def test_recognize_uploads_a_local_image_and_prints_its_labels(cloud, tmp_path):
    image = tmp_path / "blue.png"
    Image.new("RGB", (40, 40), (20, 40, 220)).save(image, format="PNG")
    document = _json(stepgate(cloud, "--json", "recognize", str(image), "--max-labels", "3", "--wait"))
    assert 0 < len(document["labels"]) <= 3 and document["source"] in {"local-rekognition", "amazon-rekognition"}


def test_user_then_status_result_and_watch_by_job_id(cloud):
    email = f"cli-{uuid.uuid4().hex[:10]}@example.com"
    accepted = _json(stepgate(cloud, "--json", "user", "--name", "Ada CLI", "--email", email))
    job_id = accepted["jobId"]
    assert accepted["status"] == "RUNNING" and accepted["statusUrl"] == f"/v1/jobs/{job_id}"

    watched = _json(stepgate(cloud, "watch", job_id, "--timeout", "60", "--json"))
    assert watched["email"] == email
    status = _json(stepgate(cloud, "--json", "status", job_id))
    assert status["status"] == "SUCCEEDED" and status["resultUrl"].startswith("/v1/users/")
    assert _json(stepgate(cloud, "--json", "result", job_id))["userId"] == watched["userId"]
    table = stepgate(cloud, "result", job_id)
    assert table.returncode == 0 and email in table.stdout and "userId" in table.stdout


def _running_search(cloud) -> str:
    accepted = cloud.submit("/searches", {"location": "ORD", "pickupAt": _in_days(1).replace("Z", ":00Z"),
                                          "dropoffAt": _in_days(2).replace("Z", ":00Z")})
    assert accepted.status_code == 202, accepted.text
    return accepted.json()["jobId"]


def stepgate_in_process(cloud, *args: str) -> tuple[int, str, str]:
    """The CLI run in this process (exit code, stdout, stderr): a new process takes seconds to start on a busy
    machine, longer than the 2 s search these commands must catch running."""
    result = CliRunner().invoke(cli, list(args), env={"STEPGATE_URL": cloud.base_url,
                                                      "STEPGATE_API_KEY": cloud.api_key, "COLUMNS": "120"})
    return result.exit_code, result.stdout, result.stderr


def _while_running(cloud, too_late: int, *command: str) -> tuple[str, tuple[int, str, str]]:
    """Runs `command JOB` on a search just submitted. A search that ended first (the machine busy: the command
    exits `too_late`) proves nothing, so another is tried."""
    for _ in range(5):
        job_id = _running_search(cloud)
        outcome = stepgate_in_process(cloud, *command, job_id)
        if outcome[0] != too_late:
            return job_id, outcome
    pytest.fail(f"every one of 5 searches ended before `{' '.join(command)}`: last {outcome}")


def test_result_of_a_running_job_exits_with_the_still_running_code(cloud):
    # Too late: the result itself (exit 0)
    _, (code, _, stderr) = _while_running(cloud, exit_codes.OK, "result")
    assert code == exit_codes.STILL_RUNNING and "is still RUNNING" in stderr, stderr


def test_cancel_then_watch_and_result_exit_with_the_cancelled_code(cloud):
    # Too late: 409 Job already finished (exit 5)
    job_id, (code, stdout, stderr) = _while_running(cloud, exit_codes.CONFLICT, "--json", "cancel")
    assert code == exit_codes.OK, stderr
    assert json.loads(stdout)["status"] == "ABORTED"
    for command in ("watch", "result"):
        run = stepgate(cloud, command, job_id)
        assert run.returncode == 6, run.stderr
        assert run.stderr.count("\n") == 1 and "job-cancelled" in run.stderr


@pytest.mark.parametrize("case", ["unreachable", "wrong key", "schema", "unknown job", "job failure", "no file"])
def test_errors_are_one_line_with_their_exit_code(cloud, case):
    if case == "no file":
        run = stepgate(cloud, "recognize", "no-such-cat.png")
        expected_code, expected_text = 2, "no-such-cat.png"
    elif case == "unreachable":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        run = stepgate(cloud, "status", "some-job", STEPGATE_URL=f"http://127.0.0.1:{port}/v1")
        expected_code, expected_text = 10, "cannot reach"
    elif case == "wrong key":
        run = stepgate(cloud, "--api-key", "wrong", "status", "some-job")
        expected_code, expected_text = 3, "403 forbidden"
    elif case == "schema":
        run = stepgate(cloud, "search", "--location", "JFK", "--pickup", "tomorrow", "--dropoff", _in_days(2))
        expected_code, expected_text = 2, "validation-error: pickupAt:"
    elif case == "unknown job":
        run = stepgate(cloud, "status", "no-such-job")
        expected_code, expected_text = 4, "404 not-found"
    else:
        run = stepgate(cloud, "search", "--location", "JFK", "--pickup", _in_days(3), "--dropoff", _in_days(1),
                       "--wait")
        expected_code, expected_text = 1, "FAILED: 422 validation-error [dropoffAt]"
    assert run.returncode == expected_code, run.stderr
    assert run.stderr.startswith("stepgate: ") and run.stderr.count("\n") == 1, run.stderr
    assert expected_text in run.stderr and not run.stdout


def test_the_console_script_is_installed_by_make_venv():
    script = shutil.which("stepgate", path=str(Path(sys.executable).parent))
    assert script, "make venv installs clients/python (pip install -e), which provides the stepgate command"
    run = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=30)
    assert run.returncode == 0 and run.stdout.strip() == "stepgate, version 0.1.0"
