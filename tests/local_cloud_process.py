"""`python -m localcloud run` as a user starts it: a process on free ports, up once its banner says so."""

import contextlib
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UP = "Stepgate local cloud is up"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_local_cloud(env: dict[str, str], log_file: Path, start_timeout: float = 90) -> Iterator[str]:
    """Yields the banner; stops the cloud with Ctrl-C (SIGINT) and fails if it does not stop."""
    with open(log_file, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "localcloud", "run"], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + start_timeout
    while UP not in log_file.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the local cloud did not start:\n{log_file.read_text()}")
        time.sleep(0.2)
    try:
        yield log_file.read_text()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail("the local cloud did not stop on Ctrl-C")
