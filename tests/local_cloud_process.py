"""`python -m localcloud run` as a user starts it: a process on free ports, up once its banner says so."""

import contextlib
import os
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
# Ctrl-C is judged on the process's own progress, not on the wall clock of a machine that may be busy:
# it has failed to stop once it has spent this much CPU without ending (a stop that spins) ...
STOP_CPU_SECONDS = 20.0
# ... or has not run at all for this long (every thread blocked: a stop that hangs; a runnable process
# gets a core within well under a second even at load 40 on two cores).
STOP_STALL_SECONDS = 20.0


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
            if not stopped_in_budget(process):
                process.kill()
                pytest.fail(f"the local cloud did not stop on Ctrl-C:\n{log_file.read_text()[-3000:]}")


def _cpu_figures(pid: int) -> tuple[float, int] | None:
    """(CPU seconds the process has used, nanoseconds its live threads have run); None without /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ran = sum(int((task / "schedstat").read_text().split()[0]) for task in Path(f"/proc/{pid}/task").iterdir())
    except (OSError, IndexError, ValueError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), ran  # utime + stime


def stopped_in_budget(process: subprocess.Popen) -> bool:
    """Waits for the process to end; False once it spins past STOP_CPU_SECONDS or stalls STOP_STALL_SECONDS."""
    first = _cpu_figures(process.pid)
    if first is None:  # no /proc (macOS): the wall clock is all there is
        try:
            process.wait(timeout=STOP_STALL_SECONDS)
            return True
        except subprocess.TimeoutExpired:
            return False
    last, last_change = first, time.monotonic()
    while process.poll() is None:
        time.sleep(0.2)
        now, figures = time.monotonic(), _cpu_figures(process.pid)
        if figures is None:  # gone between the poll and the read
            continue
        if figures != last:
            last, last_change = figures, now
        if figures[0] - first[0] > STOP_CPU_SECONDS or now - last_change > STOP_STALL_SECONDS:
            return process.poll() is not None
    return True
