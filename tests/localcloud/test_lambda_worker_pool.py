"""The Lambda runtime's pools: grown when invocations queue, not when the local cloud is merely slow; shrunk when idle."""

import http.server
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from localcloud.lambda_runtime import FunctionSpec, WorkerPoolRuntime
from tests.cpu_load import all_cores_busy
from tests.localcloud.test_lambda_workers import _SlowAwsEndpoint

CODE = Path(__file__).parent / "fixture_functions"


def _spec(name="sample") -> FunctionSpec:
    return FunctionSpec(name=name, code_dir=CODE, handler="sample.app.handler", timeout_seconds=10)


def _pids(runtime, spec, events) -> list[int]:
    with ThreadPoolExecutor(max_workers=len(events)) as pool:
        invocations = list(pool.map(lambda event: runtime.invoke(spec, event), events))
    assert not any(i.errored for i in invocations), [i.payload for i in invocations if i.errored]
    return [json.loads(i.payload)["pid"] for i in invocations]


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def runtime():
    pool = WorkerPoolRuntime("http://127.0.0.1:1", max_workers=3)
    yield pool
    pool.close()


def test_invocations_queued_behind_busy_workers_grow_the_pool_up_to_its_cap(runtime):
    # Given a function with one warm worker and a cap of three
    spec = _spec()
    runtime.invoke(spec, {})

    # When six invocations of 1.5 s each arrive at once
    pids = _pids(runtime, spec, [{"action": "sleep", "seconds": 1.5}] * 6)

    # Then those that waited past the growth delay started more workers, never more than the cap
    assert 2 <= runtime.sizes()[spec.name] <= 3
    assert 2 <= len(set(pids)) <= 3


def test_invocations_whose_worker_frees_soon_share_it(runtime):
    # Given a function with one warm worker and a growth delay far longer than its invocations
    quick = WorkerPoolRuntime("http://127.0.0.1:1", max_workers=3, grow_after_seconds=30)
    spec = _spec()
    try:
        quick.invoke(spec, {})

        # When four quick invocations arrive at once
        pids = _pids(quick, spec, [{"action": "echo"}] * 4)

        # Then they queued for that one worker instead of starting processes
        assert set(pids) == {pids[0]}
        assert quick.sizes() == {spec.name: 1}
    finally:
        quick.close()


def test_a_long_queue_of_quick_invocations_is_drained_by_the_workers_it_has():
    # Given a function with one warm worker and a growth delay of 300 ms
    quick = WorkerPoolRuntime("http://127.0.0.1:1", max_workers=3, grow_after_seconds=0.3)
    spec = _spec()
    try:
        quick.invoke(spec, {})

        # When forty invocations of 10 ms each arrive at once (the last waits longer than the growth delay)
        pids = _pids(quick, spec, [{"action": "sleep", "seconds": 0.01}] * 40)

        # Then no handler ran long enough to be worth another process: the one worker served them all
        assert set(pids) == {pids[0]}
        assert quick.sizes() == {spec.name: 1}
    finally:
        quick.close()


def test_a_worker_waiting_on_this_process_is_not_grown_past():
    # Given a function whose one worker was handed to an invocation that has not yet sent it the event
    late_parent = WorkerPoolRuntime("http://127.0.0.1:1", max_workers=3, grow_after_seconds=0.05)
    spec = _spec()
    try:
        late_parent.invoke(spec, {})
        pool = late_parent._pool_of(spec)
        worker = late_parent._take(pool)
        assert not worker.running()

        # When another invocation waits well past the growth delay
        waiting = threading.Thread(target=late_parent.invoke, args=(spec, {}))
        waiting.start()
        time.sleep(0.5)

        # Then no process was started for it; nor once the worker has answered but the answer is unread
        assert late_parent.sizes() == {spec.name: 1}
        worker.send({}, "unread")
        deadline = time.monotonic() + 30
        while worker.running() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not worker.running()
        time.sleep(0.5)
        assert late_parent.sizes() == {spec.name: 1}

        # And the waiting invocation gets that worker as soon as this process reads the answer
        worker.receive()
        late_parent._give_back(pool, worker)
        waiting.join(timeout=30)
        assert not waiting.is_alive()
        assert late_parent.sizes() == {spec.name: 1}
    finally:
        late_parent.close()


def test_a_handlers_wait_for_a_core_is_not_counted_as_running_long(runtime):
    # Given a warm worker whose handler is sent 1 s of CPU work while three other processes per core are busy
    spec = _spec()
    runtime.invoke(spec, {})
    pool = runtime._pool_of(spec)
    worker = runtime._take(pool)
    with all_cores_busy(seconds=20, per_core=3):
        sent = time.monotonic()
        worker.send({"action": "spin", "seconds": 1.0}, "contended")
        time.sleep(2.0)

        # When the pool looks at how long it has been running
        running_for, wall, still_running = worker.running_for(), time.monotonic() - sent, worker.running()
    worker.receive()
    runtime._give_back(pool, worker)

    # Then its wait for a core is left out: a slow machine alone is no reason for another process
    assert still_running, "the hogs did not slow the worker: the test proves nothing"
    assert running_for < wall - 0.5, (running_for, wall)


def test_a_handler_waiting_on_the_slow_local_endpoint_is_not_counted_as_running_long():
    # Given a local AWS endpoint that takes 1.5 s to answer, and a warm worker whose handler is sent a call to it
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowAwsEndpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    slow_endpoint = WorkerPoolRuntime(f"http://127.0.0.1:{server.server_port}", max_workers=2)
    spec = _spec()
    try:
        slow_endpoint.invoke(spec, {})
        pool = slow_endpoint._pool_of(spec)
        worker = slow_endpoint._take(pool)
        sent = time.monotonic()
        worker.send({"action": "call_aws"}, "slow-endpoint")
        time.sleep(1.0)

        # When the pool looks at how long it has been running
        running_for, wall, still_running = worker.running_for(), time.monotonic() - sent, worker.running()
        worker.receive()
        slow_endpoint._give_back(pool, worker)
    finally:
        slow_endpoint.close()
        server.shutdown()

    # Then the local cloud's slowness is left out (beyond one call's allowance): no reason for another process
    assert still_running, "the endpoint answered early: the test proves nothing"
    assert running_for < wall - 0.5, (running_for, wall)


def test_a_queue_older_than_the_backlog_limit_grows_the_pool_whatever_slows_its_workers():
    # Given a function whose one worker waits 1.5 s on a slow local endpoint (not its own run) and a backlog limit of 1 s
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowAwsEndpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    backlogged = WorkerPoolRuntime(f"http://127.0.0.1:{server.server_port}", max_workers=3,
                                   grow_after_seconds=0.5, backlog_seconds=1.0)
    spec = _spec()
    try:
        backlogged.invoke(spec, {"action": "call_aws"})  # boto3 imported: the next call's own run is short
        slow = threading.Thread(target=backlogged.invoke, args=(spec, {"action": "call_aws"}))
        slow.start()
        while not any(w.running() for w in backlogged._pool_of(spec).busy) and slow.is_alive():
            time.sleep(0.01)

        # When another invocation queues behind it
        backlogged.invoke(spec, {})
        slow.join(timeout=30)

        # Then once its wait passed the backlog limit a second worker was started
        assert backlogged.sizes() == {spec.name: 2}
    finally:
        backlogged.close()
        server.shutdown()


def test_workers_idle_past_the_period_are_stopped_keeping_one_warm(runtime):
    # Given a pool grown by a burst
    spec = _spec()
    runtime.invoke(spec, {})
    pids = set(_pids(runtime, spec, [{"action": "sleep", "seconds": 1.5}] * 6))
    grown = runtime.sizes()[spec.name]
    assert grown >= 2

    # When no time has passed nothing is stopped; when the idle period has passed the surplus is
    assert runtime.stop_idle_workers() == 0
    stopped = runtime.stop_idle_workers(now=time.monotonic() + runtime.idle_seconds + 1)

    # Then one worker stays warm and serves the next event; the others' processes are gone
    assert stopped == grown - 1
    assert runtime.sizes() == {spec.name: 1}
    warm = json.loads(runtime.invoke(spec, {}).payload)["pid"]
    assert warm in pids
    assert [pid for pid in pids - {warm} if _running(pid)] == []


def test_warming_starts_one_worker_per_function_in_the_background(runtime):
    # Given two functions never invoked
    first, second = _spec("first"), _spec("second")

    # When they are warmed
    runtime.warm([first, second]).join(timeout=60)

    # Then each has one worker, which serves its first event (no second process)
    assert runtime.sizes() == {"first": 1, "second": 1}
    assert json.loads(runtime.invoke(first, {}).payload)["count"] == 1
    assert runtime.sizes() == {"first": 1, "second": 1}


def test_invocations_queued_behind_a_functions_first_start_do_not_grow_its_pool():
    # Given a function never invoked, whose init takes 1.5 s, longer than the growth delay
    cold = WorkerPoolRuntime("http://127.0.0.1:1", max_workers=3, grow_after_seconds=0.5)
    spec = FunctionSpec(name="slow", code_dir=CODE, handler="sample.slow_init.handler", timeout_seconds=10)
    try:
        # When four quick invocations arrive at once
        pids = _pids(cold, spec, [{"action": "echo"}] * 4)

        # Then they waited for that start, not for busy workers: the one worker served them all
        assert set(pids) == {pids[0]}
        assert cold.sizes() == {"slow": 1}
    finally:
        cold.close()
