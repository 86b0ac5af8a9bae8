"""Each Step Functions Local suite gets its own endpoint, started as a user starts Step Functions Local.

Session-scoped, started on first use: a suite's tests share one endpoint per xdist worker however
the workers interleave modules (each suite's state lives in its own endpoint, so two workers never
collide).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.compat.sfn_local_endpoint import client, start_endpoint


@pytest.fixture(scope="session")
def step_functions_local(tmp_path_factory) -> Iterator[Callable[..., object]]:
    """Start a bare endpoint for a suite's mock file; yields a factory returning a stepfunctions client."""
    processes: list[subprocess.Popen] = []

    def start(mock_config: Path, wait_time_scale: float = 1.0):
        log_file = tmp_path_factory.mktemp("sfn-endpoint") / "endpoint.log"
        process, endpoint = start_endpoint(mock_config, log_file, wait_time_scale)
        processes.append(process)
        return client("stepfunctions", endpoint)

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
