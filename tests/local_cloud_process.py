"""`python -m localcloud run` as a user starts it: a process on free ports, up once its banner says so."""

import contextlib
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
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
    with local_cloud_process(env, log_file, start_timeout) as cloud:
        yield cloud.banner


@dataclass
class LocalCloudProcess:
    process: subprocess.Popen
    banner: str

    def crash(self) -> None:
        """kill -9: no handler runs, nothing is saved on the way out."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=20)


@contextlib.contextmanager
def local_cloud_process(env: dict[str, str], log_file: Path, start_timeout: float = 90) -> Iterator[LocalCloudProcess]:
    """Yields the process once its banner is printed; then Ctrl-C (SIGINT) unless it was crashed, and it must stop."""
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
        yield LocalCloudProcess(process, log_file.read_text())
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                pytest.fail("the local cloud did not stop on Ctrl-C")
