"""LOCALCLOUD_STATE: what the local cloud held survives a crash (kill -9) and a stop (Ctrl-C).

A job running when the process died is reported as ended, FAILED with JobInterrupted, never as an
unknown job; finished results are still served; tables, buckets, secrets, histories and the made-up
API key come back; a second local cloud cannot take a directory in use.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
import requests

from tests.callback_receiver import CallbackReceiver
from tests.local_cloud_process import free_port, local_cloud_process

# Local clouds over HTTP (make test-fast leaves them out); one worker, so the module's assembly is synthesized once.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("persist")]

SEARCH = {"location": "JFK", "pickupAt": "2030-01-01T10:00:00Z", "dropoffAt": "2030-01-03T10:00:00Z"}
# A minimal PNG: the uploads route takes image/png bytes.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


@pytest.fixture(scope="module")
def cdk_out(tmp_path_factory) -> Path:
    # Its own assembly: a minute of supplier latency keeps a search in flight for as long as a test needs
    return tmp_path_factory.mktemp("persist") / "cdk.out"


class Run:
    """One local cloud process on fresh ports, over a given state directory."""

    def __init__(self, cdk_out: Path, state: Path, log: Path, **extra: str):
        self.api_port, self.aws_port = free_port(), free_port()
        self.env = {**os.environ, "PORT": str(self.api_port), "AWS_PORT": str(self.aws_port), "WS_PORT": str(free_port()),
                    "STEPGATE_CDK_OUT": str(cdk_out), "SEARCH_LATENCY_MS": "60000", "LOCALCLOUD_STATE": str(state),
                    **extra}
        self.env.pop("STEPGATE_API_KEY", None)  # the made-up key is kept with the state
        self.log = log
        self.key = ""

    def started(self, cloud) -> "Run":
        self.key = next(line.split()[-1] for line in cloud.banner.splitlines() if line.strip().startswith("API key"))
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.api_port}{path}"

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, self.url(path), headers={"x-api-key": self.key, **kwargs.pop("headers", {})},
                                allow_redirects=False, timeout=30, **kwargs)

    def aws(self, service: str):
        return boto3.client(service, endpoint_url=f"http://127.0.0.1:{self.aws_port}", region_name="us-east-1",
                            aws_access_key_id="local", aws_secret_access_key="local")

    def submit(self, path: str, body, **kwargs) -> str:
        accepted = self.call("POST", path, json=body, **kwargs)
        assert accepted.status_code == 202, accepted.text
        return accepted.json()["statusUrl"]

    def finished(self, status_url: str) -> requests.Response:
        deadline = time.monotonic() + 60
        while (status := self.call("GET", status_url)).status_code == 200 and status.json()["status"] == "RUNNING":
            assert time.monotonic() < deadline, status.text
            time.sleep(0.05)
        return status


def _history(run: Run, job_id: str) -> list[dict]:
    sfn = run.aws("stepfunctions")
    machine = next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"] if "Jobs" in m["name"])
    arn = machine.replace(":stateMachine:", ":execution:") + f":{job_id}"
    return sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]


def _saved_after(state: Path, moment: str) -> None:
    """Wait for a whole save cycle that began after `moment`: the one after the first to end after it
    (cycles run one at a time, and each writes state.json last)."""
    deadline = time.monotonic() + 30
    for _ in range(2):
        while (saved_at := json.loads((state / "state.json").read_text())["savedAt"]) <= moment:
            assert time.monotonic() < deadline, "the state was not saved"
            time.sleep(0.1)
        moment = saved_at


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".999Z"


def _assert_interrupted(run: Run, status_url: str) -> None:
    status = run.call("GET", status_url)
    assert status.status_code == 200, status.text
    document = status.json()
    assert document["status"] == "FAILED" and document["finishedAt"], document
    assert document["error"]["type"] == "urn:stepgate:problem:job-interrupted", document
    assert document["error"]["status"] == 503 and document["error"]["title"] == "JobInterrupted"
    assert "local cloud stopped" in document["error"]["detail"]
    last = _history(run, document["jobId"])[-1]
    assert last["type"] == "ExecutionFailed"
    assert last["executionFailedEventDetails"]["error"] == "JobInterrupted"


def test_a_crash_keeps_finished_results_and_reports_jobs_in_flight_as_interrupted(cdk_out, tmp_path):
    state = tmp_path / "state"
    first = Run(cdk_out, state, tmp_path / "first.log")
    # Given a local cloud keeping its state, with a finished user job, an upload and a search in flight
    with local_cloud_process(first.env, first.log, start_timeout=150) as cloud:
        first.started(cloud)
        user_status = first.submit("/v1/users", {"name": "Kept Across Crashes", "email": "kept@example.com"})
        done = first.finished(user_status)
        assert done.status_code == 303, done.text
        user = first.call("GET", done.headers["Location"])
        upload = first.call("PUT", "/v1/uploads/kept.png", data=PNG, headers={"content-type": "image/png"})
        assert user.status_code == 200 and upload.status_code == 201, (user.text, upload.text)
        history_before = _history(first, done.json()["jobId"])
        search_status = first.submit("/v1/searches", SEARCH)
        assert first.call("GET", search_status).json()["status"] == "RUNNING"
        _saved_after(state, _now())

        # When the process is killed with SIGKILL (nothing runs on the way out)
        cloud.crash()

    second = Run(cdk_out, state, tmp_path / "second.log")
    with local_cloud_process(second.env, second.log, start_timeout=90) as cloud:
        second.started(cloud)
        # Then the restart keeps the made-up key and says what it restored
        assert second.key == first.key
        assert "1 interrupted" in cloud.banner, cloud.banner
        # the search that was running is FAILED JobInterrupted (503 job-interrupted), not an unknown job
        _assert_interrupted(second, search_status)
        # the finished job still answers 303 to the same user, with the same history
        again = second.call("GET", user_status)
        # (the same document but its eventsUrl: this restart serves WebSocket on another port)
        assert again.status_code == 303
        assert {**again.json(), "eventsUrl": None} == {**done.json(), "eventsUrl": None}
        assert second.call("GET", again.headers["Location"]).json() == user.json()
        assert _history(second, done.json()["jobId"]) == history_before
        # and the uploaded object is still in its bucket
        image = upload.json()["image"]
        assert second.aws("s3").get_object(Bucket=image["bucket"], Key=image["key"])["Body"].read() == PNG


def test_a_stop_with_ctrl_c_interrupts_running_jobs_and_the_directory_takes_one_cloud_at_a_time(cdk_out, tmp_path):
    state = tmp_path / "state"
    first = Run(cdk_out, state, tmp_path / "first.log")
    secret_values = {}
    with local_cloud_process(first.env, first.log, start_timeout=150) as cloud:
        first.started(cloud)
        secrets = first.aws("secretsmanager")
        for listed in secrets.list_secrets()["SecretList"]:
            secret_values[listed["Name"]] = secrets.get_secret_value(SecretId=listed["ARN"])["SecretString"]
        [signing] = [value for name, value in secret_values.items() if "CallbackSigningSecret" in name]
        receiver = CallbackReceiver("whsec_" + signing).__enter__()
        # Given a search in flight (with an Idempotency-Key and a callbackUrl) when the cloud is stopped with Ctrl-C
        search_status = first.submit("/v1/searches", {**SEARCH, "callbackUrl": receiver.url},
                                     headers={"Idempotency-Key": "kept-key"})
        # and a finished user job whose callback is still being retried (its receiver answers 503 until the restart)
        flaky = CallbackReceiver("whsec_" + signing, failures=1000).__enter__()
        user_status = first.submit("/v1/users", {"name": "Late Hook", "email": "late@example.com",
                                                 "callbackUrl": flaky.url})
        assert first.finished(user_status).status_code == 303
        deadline = time.monotonic() + 60
        while not (flaky.deliveries and first.call("GET", user_status + "/callback").json().get("status") == "pending"):
            assert time.monotonic() < deadline, "the user job's callback was never attempted"
            time.sleep(0.1)
        flaky.failures = len(flaky.deliveries)  # from now on the receiver accepts

    second = Run(cdk_out, state, tmp_path / "second.log")
    try:
        with local_cloud_process(second.env, second.log, start_timeout=90) as cloud:
            second.started(cloud)
            # Then the search reads as interrupted after the restart
            _assert_interrupted(second, search_status)
            # the generated secrets keep their values (provisioning made new ones: the saved ones win)
            secrets = second.aws("secretsmanager")
            assert {name: secrets.get_secret_value(SecretId=name)["SecretString"] for name in secret_values} \
                == secret_values
            # its receiver gets the terminal event, signed with the secret it was given before the restart
            deadline = time.monotonic() + 60
            while not receiver.deliveries:
                assert time.monotonic() < deadline, "no callback for the interrupted job"
                time.sleep(0.1)
            [delivery] = receiver.deliveries
            assert delivery.verification_error is None and delivery.answered == 204
            assert delivery.event["status"] == "FAILED" and delivery.event["type"] == "terminal"
            assert delivery.event["error"]["type"] == "urn:stepgate:problem:job-interrupted"
            assert delivery.event["finishedAt"] == second.call("GET", search_status).json()["finishedAt"]
            callback = second.call("GET", search_status + "/callback")
            assert callback.status_code == 200 and callback.json()["status"] == "delivered", callback.text
            # the delivery cut short by the stop runs again: the user job's receiver gets its event, once accepted
            deadline = time.monotonic() + 60
            while (late := second.call("GET", user_status + "/callback").json()).get("status") != "delivered":
                assert time.monotonic() < deadline, late
                time.sleep(0.1)
            accepted = [d for d in flaky.deliveries if d.answered == 204]
            assert len(accepted) == 1 and accepted[0].verification_error is None
            assert accepted[0].event["status"] == "SUCCEEDED" and accepted[0].event["resultUrl"].startswith("/v1/users/")
            # a retry of its POST answers that same job as it is now (the key's record was kept), starting nothing
            replayed = second.call("POST", "/v1/searches", json={**SEARCH, "callbackUrl": receiver.url},
                                   headers={"Idempotency-Key": "kept-key"})
            assert replayed.status_code == 202 and replayed.headers.get("Idempotent-Replayed") == "true", replayed.text
            assert replayed.json()["statusUrl"] == search_status and replayed.json()["status"] == "FAILED"

            # And a second local cloud on the same directory refuses to start, naming the holder
            third = Run(cdk_out, state, tmp_path / "third.log")
            refused = subprocess.run([sys.executable, "-m", "localcloud", "run"], env=third.env,
                                     cwd=Path(__file__).resolve().parents[2], capture_output=True,
                                     text=True, timeout=120)
            assert refused.returncode == 1, refused.stdout + refused.stderr
            assert f"LOCALCLOUD_STATE={state.resolve()} is in use by local cloud pid {cloud.process.pid}" \
                in refused.stderr
    finally:
        receiver.__exit__(None, None, None)
        flaky.__exit__(None, None, None)
