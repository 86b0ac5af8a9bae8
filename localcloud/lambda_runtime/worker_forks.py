"""Worker processes forked from a server that has already imported what the handlers import.

A worker started as a new interpreter spent 0.5-1 s of a core importing boto3, Powertools and
pydantic, and kept about 50 MiB of its own. Python's forkserver (multiprocessing) imports them
once (`worker_preload.py`); each worker is a fork of that server, sharing those pages, that
then runs `worker_main` with exactly its function's environment, folder and module path.
`ForkedWorker` is the part of `subprocess.Popen` that `WorkerProcess` uses.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from multiprocessing import reduction
from typing import Mapping

from localcloud.lambda_runtime import worker_main

_FORKS = multiprocessing.get_context("forkserver")
_FORKS.set_forkserver_preload(["localcloud.lambda_runtime.worker_preload"])
# The interpreter's own module path (standard library, the venv's packages); not this process's project or tests.
_PREFIXES = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix})


class _InheritedFd:
    """A file descriptor that multiprocessing hands to the forked worker over the server's socket."""

    def __init__(self, fd: int):
        self.fd = fd

    def __reduce__(self):
        return _detach, (reduction.DupFd(self.fd),)


def _detach(duplicate) -> int:
    return duplicate.detach()


class ForkedWorker:
    """A worker forked from the server, with pipes for its stdin, stdout and stderr, as `subprocess.Popen` gives."""

    def __init__(self, code_dir: str, environment: Mapping[str, str], pass_fd: int, pass_fd_variable: str):
        stdin_read, stdin_write = os.pipe()
        stdout_read, stdout_write = os.pipe()
        stderr_read, stderr_write = os.pipe()
        self._process = _FORKS.Process(
            target=_run_worker, daemon=True, name=f"lambda-worker {environment.get('AWS_LAMBDA_FUNCTION_NAME', '')}",
            args=(code_dir, dict(environment), pass_fd_variable,
                  *(_InheritedFd(fd) for fd in (stdin_read, stdout_write, stderr_write, pass_fd))))
        try:
            self._process.start()
        finally:
            for fd in (stdin_read, stdout_write, stderr_write):  # the worker has its own copies now
                os.close(fd)
        self.pid = self._process.pid
        self.stdin = open(stdin_write, "w", encoding="utf-8", buffering=1)
        self.stdout = open(stdout_read, encoding="utf-8")
        self.stderr = open(stderr_read, encoding="utf-8", errors="replace")

    @property
    def returncode(self) -> int | None:
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def kill(self) -> None:
        self._process.kill()

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired(f"lambda worker {self.pid}", timeout)
        return self._process.exitcode


def _run_worker(code_dir: str, environment: dict[str, str], pass_fd_variable: str,
                stdin: int, stdout: int, stderr: int, pass_fd: int) -> None:
    """In the fork: the worker's pipes as its standard streams, its function's environment, folder and path."""
    for fd, standard in ((stdin, 0), (stdout, 1), (stderr, 2)):
        os.dup2(fd, standard)
        os.close(fd)
    sys.stdin = open(0, encoding="utf-8", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", buffering=1, closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", buffering=1, closefd=False)
    os.chdir(code_dir)
    os.environ.clear()
    os.environ.update(environment, **{pass_fd_variable: str(pass_fd)})
    sys.path[:] = [path for path in sys.path if path.startswith(_PREFIXES)]
    worker_main.main()
