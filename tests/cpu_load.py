"""A bounded CPU hog: every core kept busy for a while by other processes, as a parallel CI job would.

Each hog is a separate process spinning until its own deadline, so it ends even if the test
that started it dies; the context manager also terminates them on the way out.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time


def _spin(until: float) -> None:
    while time.time() < until:
        pass


@contextlib.contextmanager
def all_cores_busy(seconds: float, per_core: int = 1):
    """`per_core` busy processes for each core, for at most `seconds`."""
    until = time.time() + seconds
    context = multiprocessing.get_context("spawn")  # no copy of the test process's threads or sockets
    hogs = [context.Process(target=_spin, args=(until,), daemon=True) for _ in range((os.cpu_count() or 1) * per_core)]
    for hog in hogs:
        hog.start()
    try:
        yield len(hogs)
    finally:
        for hog in hogs:
            hog.terminate()
        for hog in hogs:
            hog.join(timeout=5)
