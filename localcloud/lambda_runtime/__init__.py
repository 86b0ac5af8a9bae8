"""Run real Lambda handler code locally, with Lambda's contract.

| module | what |
|---|---|
| `contract.py` | `FunctionSpec`, `LambdaContext`, `Invocation`, Lambda's error and timeout documents |
| `in_process_runtime.py` | `InProcessRuntime`: handlers imported into this process (workflow tests on in-process moto) |
| `worker_pool.py` | `WorkerPoolRuntime`: worker processes per function, grown as invocations queue and stopped when idle (the local cloud) |
| `worker_process.py` | one worker process seen from the parent: its environment's process, its protocol, its backstop |
| `worker_forks.py` | `ForkedWorker`: a worker forked from a server that imported the handlers' packages once (`worker_preload.py`) |
| `worker_main.py` | the worker process itself, which times its own run |
| `run_clock.py` | `RunClock`: the function's own run time, less waits for a core and for the local AWS endpoint |
| `invocation_log.py` | each invocation's output kept per job under `.localcloud/logs` |

Both runtimes keep one contract: `LambdaRuntime.invoke(spec, event) -> Invocation`.
"""

from localcloud.lambda_runtime.contract import (
    LOCAL_BASE_ENVIRONMENT,
    FunctionSpec,
    Invocation,
    LambdaContext,
    LambdaRuntime,
    as_event,
    error_payload,
    timeout_payload,
    to_json,
)
from localcloud.lambda_runtime.in_process_runtime import InProcessRuntime
from localcloud.lambda_runtime.invocation_log import InvocationLog
from localcloud.lambda_runtime.worker_pool import WorkerPoolRuntime
from localcloud.lambda_runtime.worker_process import WorkerUnavailable

__all__ = [
    "LOCAL_BASE_ENVIRONMENT", "FunctionSpec", "InProcessRuntime", "Invocation", "InvocationLog", "LambdaContext",
    "LambdaRuntime", "WorkerPoolRuntime", "WorkerUnavailable", "as_event", "error_payload", "timeout_payload", "to_json",
]
