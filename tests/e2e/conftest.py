"""One local cloud per test session (`python -m localcloud run`), driven over real HTTP."""

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
API_KEY = "e2e-test-key"
TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}


def pytest_collection_modifyitems(items):
    # Every e2e test shares one local cloud: keep them on one xdist worker.
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.xdist_group("e2e"))
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cloud:
    base_url: str
    aws_endpoint: str
    api_key: str
    log_file: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def request(self, method: str, path: str, key: str | None = API_KEY, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if key is not None:
            headers["x-api-key"] = key
        return requests.request(method, self.absolute(path), headers=headers, allow_redirects=False, timeout=30, **kwargs)

    def absolute(self, path: str) -> str:
        """Paths are relative to the stage; URLs the API returns (`/v1/...`) to the origin."""
        if path.startswith("http"):
            return path
        origin, stage = self.base_url.rsplit("/", 1)
        return origin + path if path.startswith(f"/{stage}/") else self.base_url + path

    def submit(self, path: str, body: dict) -> requests.Response:
        return self.request("POST", path, json=body)

    def poll(self, status_url: str, timeout: float = 60) -> requests.Response:
        deadline = time.monotonic() + timeout
        while True:
            response = self.request("GET", status_url)
            if response.status_code == 303 or response.json().get("status") in TERMINAL:
                return response
            if time.monotonic() > deadline:
                raise TimeoutError(f"{status_url} still {response.json()} after {timeout} s")
            time.sleep(0.1)

    def aws(self, service: str):
        return boto3.client(service, endpoint_url=self.aws_endpoint, region_name="us-east-1",
                            aws_access_key_id="local", aws_secret_access_key="local")


@pytest.fixture(scope="session")
def cloud(assembly, tmp_path_factory) -> Cloud:
    api_port, aws_port = _free_port(), _free_port()
    log_file = tmp_path_factory.mktemp("localcloud") / "localcloud.log"
    env = {**os.environ, "PORT": str(api_port), "AWS_PORT": str(aws_port), "STEPGATE_API_KEY": API_KEY,
           "SFN_WAIT_TIME_SCALE": "0.01", "STEPGATE_CDK_OUT": str(assembly.directory)}
    with open(log_file, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "localcloud", "run"], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{api_port}/v1"
    deadline = time.monotonic() + 90
    while "Stepgate local cloud is up" not in log_file.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the local cloud did not start:\n{log_file.read_text()}")
        time.sleep(0.2)
    yield Cloud(base_url, f"http://127.0.0.1:{aws_port}", API_KEY, log_file)
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the local cloud did not stop on Ctrl-C")
