"""Workers forked from the server that preloaded the handlers' packages: each still gets exactly its function's
folder, module path and environment, and starting and stopping them leaks nothing."""

import gc
import json
import os
import subprocess
import sys
import textwrap

import pytest

from localcloud.lambda_runtime import FunctionSpec, WorkerPoolRuntime
from localcloud.lambda_runtime.worker_main import RUN_SO_FAR_FD_VARIABLE
from localcloud.lambda_runtime.worker_process import WorkerProcess
from tests.localcloud.test_lambda_workers import CODE

PROJECT_ROOT = CODE.parents[2]


def _spec(**environment) -> FunctionSpec:
    return FunctionSpec(name="sample", code_dir=CODE, handler="sample.app.handler", environment=environment,
                        timeout_seconds=5.0)


@pytest.fixture
def runtime():
    pool = WorkerPoolRuntime("http://127.0.0.1:1", max_workers=1)
    yield pool
    pool.close()


def test_a_worker_has_its_folder_and_the_interpreters_path_not_this_processs(runtime, tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))  # as pytest and a project checkout put folders on this process's path

    where = json.loads(runtime.invoke(_spec(), {"action": "where"}).payload)

    assert where["cwd"] == str(CODE) and where["path"][0] == str(CODE)
    assert str(tmp_path) not in where["path"] and str(PROJECT_ROOT) not in where["path"]
    assert all(path.startswith((sys.prefix, sys.base_prefix)) for path in where["path"][1:])


def test_a_worker_has_exactly_its_functions_environment(runtime, monkeypatch):
    monkeypatch.setenv("ONLY_IN_THE_PARENT", "1")
    spec = _spec(GREETING="hi")

    where = json.loads(runtime.invoke(spec, {"action": "where"}).payload)

    assert where["environment"] == sorted({*runtime.environment_for(spec), RUN_SO_FAR_FD_VARIABLE})


def test_a_worker_starts_with_the_handlers_packages_already_imported(runtime):
    # The handler imports none of them: the fork server did, once, for every worker.
    where = json.loads(runtime.invoke(_spec(), {"action": "where"}).payload)

    assert where["imported"] == ["aws_lambda_powertools", "boto3", "pydantic"]


def test_a_crashed_workers_exit_status_is_in_the_error(runtime):
    invocation = runtime.invoke(_spec(), {"action": "exit"})

    assert invocation.error_type == "Runtime.ExitError"
    assert json.loads(invocation.payload)["errorMessage"].endswith("Runtime exited with error: exit status 3")


def _start_and_stop(spec: FunctionSpec, environment: dict, count: int) -> list[WorkerProcess]:
    workers = [WorkerProcess(spec, environment) for _ in range(count)]
    assert all(worker.wait_until_initialised(60) for worker in workers)
    for worker in workers:
        worker.stop()
    return [worker.process.pid for worker in workers]


def test_starting_and_stopping_workers_leaves_no_descriptors_or_processes(runtime):
    spec = _spec()
    environment = runtime.environment_for(spec)
    _start_and_stop(spec, environment, 1)  # the fork server is up before counting
    gc.collect()
    before = len(os.listdir("/proc/self/fd"))

    pids = _start_and_stop(spec, environment, 5)
    gc.collect()

    assert not any(os.path.exists(f"/proc/{pid}") for pid in pids)
    assert len(os.listdir("/proc/self/fd")) == before


def test_a_script_that_runs_the_runtime_is_not_run_again_in_its_workers(tmp_path):
    # multiprocessing runs the parent's main script in each child it starts, unless told not to.
    script = tmp_path / "invoke_once.py"
    script.write_text(textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(PROJECT_ROOT)!r})
        print("script ran", flush=True)
        from localcloud.lambda_runtime import FunctionSpec, WorkerPoolRuntime
        runtime = WorkerPoolRuntime("http://127.0.0.1:1", max_workers=1)
        spec = FunctionSpec(name="sample", code_dir={str(CODE)!r}, handler="sample.app.handler", timeout_seconds=5.0)
        print(json.loads(runtime.invoke(spec, {{"action": "echo"}}).payload)["count"], flush=True)
        runtime.close()
    """))

    finished = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)

    assert finished.stdout.splitlines() == ["script ran", "1"], finished.stderr


def test_workers_share_botocores_parsed_service_models(runtime):
    clients = json.loads(runtime.invoke(_spec(), {"action": "clients"}).payload)

    assert clients == {"sameModel": True, "putItem": ["TableName", "Item"]}
