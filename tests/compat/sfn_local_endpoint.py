"""Where the public Step Functions Local suites are, and a `python -m localcloud sfn` endpoint for one.

The suites (state machines, mock files, inputs) live outside the repository, in
`<repo>/../shared/compat/sfn-local-suites/` (or `$STEPGATE_COMPAT_DIR/sfn-local-suites/`; from a
git worktree, beside the main checkout); each folder's SOURCE.txt names the original tests whose
assertions the test modules re-express.
Each suite gets its own endpoint, started as a user would start Step Functions Local:
a process on a free port with `SFN_MOCK_CONFIG` pointing at the suite's own mock file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from tests.local_cloud_process import free_port

ROOT = Path(__file__).resolve().parents[2]


def _compat_dirs() -> list[Path]:
    if os.environ.get("STEPGATE_COMPAT_DIR"):
        return [Path(os.environ["STEPGATE_COMPAT_DIR"])]
    candidates = [ROOT.parent / "shared" / "compat"]
    common = subprocess.run(["git", "rev-parse", "--path-format=absolute", "--git-common-dir"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    if common:  # a linked worktree: its main checkout's ../shared
        candidates.append(Path(common).parent.parent / "shared" / "compat")
    return candidates


SUITES = next((d / "sfn-local-suites" for d in _compat_dirs() if (d / "sfn-local-suites").is_dir()),
              _compat_dirs()[0] / "sfn-local-suites")
TERMINAL_EVENTS = {"ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"}


def suite_dir(name: str) -> Path:
    """The suite's folder, or skip saying where it was looked for."""
    folder = SUITES / name
    if not (folder / "SOURCE.txt").is_file():
        pytest.skip(f"Step Functions Local suite {name!r} not found at {folder} "
                    "(clone the repository with ../shared/compat beside it, or set STEPGATE_COMPAT_DIR)")
    return folder


def start_endpoint(mock_config: Path, log_file: Path, wait_time_scale: float = 1.0) -> tuple[subprocess.Popen, str]:
    """`python -m localcloud sfn --port <free>` with SFN_MOCK_CONFIG, once it says it is listening."""
    port = free_port()
    env = {**os.environ, "SFN_MOCK_CONFIG": str(mock_config), "SFN_WAIT_TIME_SCALE": str(wait_time_scale)}
    with open(log_file, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "localcloud", "sfn", "--port", str(port)],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while f"Starting server on port {port}" not in log_file.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the Step Functions endpoint did not start:\n{log_file.read_text()}")
        time.sleep(0.1)
    return process, f"http://127.0.0.1:{port}"


def client(service: str, endpoint: str):
    # As the suites do: region us-east-1 (the ARNs they hard-code), any credentials.
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="local", aws_secret_access_key="local")


def history_when_finished(sfn, execution_arn: str, timeout: float = 60.0) -> dict:
    """GetExecutionHistory until the execution has ended (the suites' own polling loops)."""
    deadline = time.monotonic() + timeout
    while True:
        history = sfn.get_execution_history(executionArn=execution_arn)
        if any(event["type"] in TERMINAL_EVENTS for event in history["events"]):
            return history
        if time.monotonic() > deadline:
            raise TimeoutError(f"{execution_arn} has not ended after {timeout} s")
        time.sleep(0.1)
