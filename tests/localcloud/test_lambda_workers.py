"""The local cloud's Lambda runtime: warm workers, per-function environment, timeouts, Lambda's error shape."""

import json
from pathlib import Path

import pytest

from localcloud.lambda_runtime import FunctionSpec, InProcessRuntime
from localcloud.lambda_runtime import WorkerPoolRuntime

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
