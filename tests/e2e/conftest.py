"""The HTTP contract tests' one entry point: the `cloud` fixture.

By default it starts one local cloud per test session (`python -m localcloud run`); under
`make test-deployed` (STEPGATE_E2E_TARGET=deployed) it targets the deployed stage instead, and
tests marked `local_only` — they need the local cloud's internals — are skipped with their reason.
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import requests

from localcloud.provisioning.assembly import CONTEXT_FROM_ENVIRONMENT
from tests.e2e.stage import NEEDS, from_environment, targets_deployed
from tests.local_cloud_process import free_port, running_local_cloud

API_KEY = "e2e-test-key"
TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}
STAGE_KEY = object()  # Cloud.request's default: the stage's own API key
DEPLOYED = targets_deployed()
# The entry point's own tests start the local cloud: they check make test-deployed, not the stage.
collect_ignore = ["test_deployed_target.py"] if DEPLOYED else []


# Before xdist reads the group marks (its hook would otherwise run first and see none).
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" not in str(item.fspath):
            continue
        # Every e2e test shares one cloud: keep them on one xdist worker.
        item.add_marker(pytest.mark.xdist_group("e2e"))
        item.add_marker(pytest.mark.e2e)
        local_only = item.get_closest_marker("local_only")
        if local_only and not local_only.args:
            raise pytest.UsageError(f"{item.nodeid}: local_only needs a reason (what of the local cloud it uses)")
        if DEPLOYED and local_only:
            item.add_marker(pytest.mark.skip(reason=f"local cloud only: {local_only.args[0]}"))



def _seconds(variable: str, default: float) -> float:
    return float(os.environ.get(variable) or default)


@dataclass
class Cloud:
    base_url: str
    api_key: str
    # The local cloud's internals; None on a deployed stage (tests using them are `local_only`).
    aws_endpoint: str | None = None
    log_file: Path | None = None
    poll_timeout: float = 60
    poll_interval: float = 0.1

    @property
    def is_local(self) -> bool:
        return self.aws_endpoint is not None

    def url(self, path: str) -> str:
        return self.base_url + path

    def request(self, method: str, path: str, key=STAGE_KEY, **kwargs) -> requests.Response:
        """`key` defaults to the stage's API key; None sends none."""
        headers = kwargs.pop("headers", {})
        if key is not None:
            headers["x-api-key"] = self.api_key if key is STAGE_KEY else key
        return requests.request(method, self.absolute(path), headers=headers, allow_redirects=False, timeout=30, **kwargs)

    def absolute(self, path: str) -> str:
        """Paths are relative to the stage; URLs the API returns (`/v1/...`) to the origin."""
        if path.startswith("http"):
            return path
        origin, stage = self.base_url.rsplit("/", 1)
        return origin + path if path.startswith(f"/{stage}/") else self.base_url + path

    def submit(self, path: str, body: dict) -> requests.Response:
        return self.request("POST", path, json=body)

    def poll(self, status_url: str, timeout: float | None = None) -> requests.Response:
        timeout = timeout or self.poll_timeout
        deadline = time.monotonic() + timeout
        while True:
            response = self.request("GET", status_url)
            if response.status_code == 303 or response.json().get("status") in TERMINAL:
                return response
            if time.monotonic() > deadline:
                raise TimeoutError(f"{status_url} still {response.json()} after {timeout} s")
            time.sleep(self.poll_interval)

    def aws(self, service: str):
        if not self.is_local:
            pytest.fail("this test reads the local cloud's AWS endpoint: mark it local_only(reason)")
        return boto3.client(service, endpoint_url=self.aws_endpoint, region_name="us-east-1",
                            aws_access_key_id="local", aws_secret_access_key="local")


@pytest.fixture(scope="session")
def cloud(request, tmp_path_factory) -> Cloud:
    if DEPLOYED:
        stage = from_environment(os.environ)
        if stage is None:
            pytest.fail(NEEDS, pytrace=False)
        # A real stage: jobs take seconds, and polls count against the usage plan's throttle.
        yield Cloud(stage.url, stage.api_key, poll_timeout=_seconds("STEPGATE_POLL_TIMEOUT", 120),
                    poll_interval=_seconds("STEPGATE_POLL_INTERVAL", 1))
        return
    yield from _local_cloud(request.getfixturevalue("assembly"), tmp_path_factory)


def _local_cloud(assembly, tmp_path_factory, extra_env: dict[str, str] | None = None):
    api_port, aws_port = free_port(), free_port()
    log_file = tmp_path_factory.mktemp("localcloud") / "localcloud.log"
    # The session's assembly is cdk.json's: make run's context knobs in the caller's shell would re-synthesize it.
    env = {name: value for name, value in os.environ.items() if name not in CONTEXT_FROM_ENVIRONMENT}
    env.update({"PORT": str(api_port), "AWS_PORT": str(aws_port), "WS_PORT": str(free_port()), "STEPGATE_API_KEY": API_KEY,
                "SFN_WAIT_TIME_SCALE": "0.01", "STEPGATE_CDK_OUT": str(assembly.directory), **(extra_env or {})})
    with running_local_cloud(env, log_file):
        yield Cloud(f"http://127.0.0.1:{api_port}/v1", API_KEY, f"http://127.0.0.1:{aws_port}", log_file,
                    poll_timeout=_seconds("STEPGATE_POLL_TIMEOUT", 60),
                    poll_interval=_seconds("STEPGATE_POLL_INTERVAL", 0.1))
