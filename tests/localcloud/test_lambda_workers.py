"""The local cloud's Lambda runtime: warm workers, per-function environment, timeouts on the function's own run, throttles, Lambda's error shape."""

import http.server
import json
import threading
import time
from pathlib import Path

import pytest
from moto.awslambda.exceptions import LambdaClientError

from localcloud.lambda_runtime import FunctionSpec, InProcessRuntime
from localcloud.lambda_runtime import WorkerPoolRuntime
from localcloud.moto_changes.lambda_hook import LambdaHook
from tests.cpu_load import all_cores_busy

CODE = Path(__file__).parent / "fixture_functions"


def _spec(name="sample", timeout=3.0, **environment) -> FunctionSpec:
    return FunctionSpec(name=name, code_dir=CODE, handler="sample.app.handler",
                        environment=environment, timeout_seconds=timeout)


@pytest.fixture
def runtime():
    pool = WorkerPoolRuntime("http://127.0.0.1:1", max_workers=2)
    yield pool
    pool.close()


def test_a_warm_worker_is_reused_between_invocations(runtime):
    # Given a function invoked once / When it is invoked again
    first = json.loads(runtime.invoke(_spec(), {"action": "echo"}).payload)
    second = json.loads(runtime.invoke(_spec(), {"action": "echo"}).payload)

    # Then the same process served both, keeping its module state, with fresh request ids
    assert first["pid"] == second["pid"]
    assert second["count"] == first["count"] + 1
    assert first["requestId"] != second["requestId"]
    assert 0 < first["remainingMs"] <= 3000


def test_each_function_sees_only_its_own_environment_and_the_local_endpoint(runtime):
    hello = json.loads(runtime.invoke(_spec("hello", GREETING="hello"), {}).payload)
    other = json.loads(runtime.invoke(_spec("other", GREETING="bonjour"), {}).payload)

    assert (hello["greeting"], other["greeting"]) == ("hello", "bonjour")
    assert hello["pid"] != other["pid"]
    assert hello["endpoint"] == "http://127.0.0.1:1"


def test_a_handler_error_comes_back_in_lambdas_shape_with_its_logs(runtime):
    invocation = runtime.invoke(_spec(), {"action": "raise"})

    assert invocation.errored
    error = json.loads(invocation.payload)
    assert error["errorType"] == "SupplierUnavailable"
    assert error["errorMessage"] == "location: supplier did not answer"
    assert error["stackTrace"]
    assert "handling raise" in invocation.logs


def test_an_invocation_past_the_timeout_is_killed_and_reported_as_lambda_does(runtime):
    # Given a function with a 0.5 s timeout
    spec = _spec(timeout=0.5)
    pid_before = json.loads(runtime.invoke(spec, {}).payload)["pid"]

    # When an invocation sleeps past it
    invocation = runtime.invoke(spec, {"action": "sleep", "seconds": 5})

    # Then it is reported as Sandbox.Timedout within about the timeout, and a fresh worker serves next
    assert invocation.errored and invocation.error_type == "Sandbox.Timedout"
    assert "Task timed out after 0.50 seconds" in json.loads(invocation.payload)["errorMessage"]
    assert invocation.duration_ms < 2000
    assert json.loads(runtime.invoke(spec, {}).payload)["pid"] != pid_before


def test_a_crashed_worker_is_reported_and_replaced(runtime):
    invocation = runtime.invoke(_spec(), {"action": "exit"})

    assert invocation.error_type == "Runtime.ExitError"
    assert not runtime.invoke(_spec(), {}).errored


def test_an_import_error_is_reported_as_runtime_import_module_error(runtime):
    broken = FunctionSpec(name="broken", code_dir=CODE, handler="missing_module.app.handler", timeout_seconds=3)

    invocation = runtime.invoke(broken, {})

    assert invocation.error_type == "Runtime.ImportModuleError"


def test_the_in_process_runtime_has_the_same_contract():
    runtime = InProcessRuntime()
    ok = runtime.invoke(_spec(GREETING="hi"), {"action": "echo"})
    failed = runtime.invoke(_spec(), {"action": "raise"})

    assert json.loads(ok.payload)["greeting"] == "hi"
    assert failed.error_type == "SupplierUnavailable"


def test_cpu_work_slowed_by_a_busy_machine_is_not_a_timeout(runtime):
    # Given a warm function with a 1 s timeout whose handler needs 0.5 s of CPU
    spec = _spec(timeout=1.0)
    runtime.invoke(spec, {})

    # When every core is also busy with three other processes
    with all_cores_busy(seconds=20, per_core=3):
        started = time.monotonic()
        invocation = runtime.invoke(spec, {"action": "spin", "seconds": 0.5})
        wall = time.monotonic() - started

    # Then the wait for a core is not the function's time: it succeeds though the wall clock passed its timeout
    assert wall > 1.0, f"the hogs did not slow the worker (wall {wall:.2f} s): the test proves nothing"
    assert not invocation.errored, invocation.payload
    assert invocation.duration_ms < 1000


def test_cpu_work_past_the_timeout_still_times_out(runtime):
    invocation = runtime.invoke(_spec(timeout=0.5), {"action": "spin", "seconds": 5})

    assert invocation.error_type == "Sandbox.Timedout"
    assert "Task timed out after 0.50 seconds" in invocation.logs


class _SlowAwsEndpoint(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(1.5)
        body = b"<ErrorResponse><Error><Code>Busy</Code><Message>slow</Message></Error></ErrorResponse>"
        self.send_response(400)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_slow_local_aws_endpoint_is_not_the_functions_time():
    # Given a local AWS endpoint that takes 1.5 s to answer, and a function with a 1 s timeout
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowAwsEndpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pool = WorkerPoolRuntime(f"http://127.0.0.1:{server.server_port}", max_workers=1)
    try:
        # When the handler calls it
        invocation = pool.invoke(_spec(timeout=1.0), {"action": "call_aws"})
    finally:
        pool.close()
        server.shutdown()

    # Then only the allowance for one AWS call counts against the function, and it finishes
    assert not invocation.errored, invocation.payload
    assert invocation.duration_ms < 1000


def test_no_free_worker_in_time_is_a_throttle_never_a_timeout():
    # Given a function whose only worker is busy longer than an invocation may wait for it
    pool = WorkerPoolRuntime("http://127.0.0.1:1", max_workers=1, queue_seconds=0.3)
    hook = LambdaHook(runtime=pool)
    spec = _spec(timeout=5.0)
    hook.register(spec)
    busy = threading.Thread(target=pool.invoke, args=(spec, {"action": "sleep", "seconds": 2}))
    busy.start()
    time.sleep(0.2)
    try:
        # When another invocation arrives
        with pytest.raises(LambdaClientError) as raised:
            hook.invoke(spec.name, {})
    finally:
        busy.join()
        pool.close()

    # Then Lambda's throttle answers it (HTTP 429 TooManyRequestsException, which the ASL retries)
    assert (raised.value.error_type, raised.value.code) == ("TooManyRequestsException", 429)
