"""The interpreter's caches compute each answer once, even for callers that ask at the same time."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from localcloud.moto_changes.stepfunctions.caches import computed_once


def test_concurrent_first_callers_wait_for_one_computation():
    computed = []
    barrier = threading.Barrier(8)

    @computed_once(maxsize=8)
    def slow_square(value: int) -> int:
        computed.append(value)
        time.sleep(0.05)  # long enough that, uncached, every caller would be inside at once
        return value * value

    def call(_: int) -> int:
        barrier.wait()
        return slow_square(3)

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(call, range(8))) == [9] * 8
    assert computed == [3]
    assert slow_square(4) == 16 and slow_square(3) == 9 and computed == [3, 4]


def test_past_its_bound_the_oldest_answer_is_dropped():
    computed = []

    @computed_once(maxsize=2)
    def identity(value: str) -> str:
        computed.append(value)
        return value

    for value in ("a", "b", "c", "b", "a"):
        identity(value)
    assert computed == ["a", "b", "c", "a"]


def test_cleared_answers_are_computed_again():
    computed = []

    @computed_once(maxsize=None)
    def identity(value: str) -> str:
        computed.append(value)
        return value

    identity("a")
    identity.cache_clear()
    identity("a")
    assert computed == ["a", "a"]
