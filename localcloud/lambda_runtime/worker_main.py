"""One warm Lambda execution environment: a process that imports a handler once and serves events.

Started by `WorkerPoolRuntime` with the function's environment and its code folder as the
working directory. Protocol: one JSON request per line on stdin, one JSON response per line
on the original stdout. Whatever the handler prints goes to stderr, which the parent keeps
as the invocation's logs; a marker line closes each invocation's logs.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time

from localcloud.lambda_runtime.contract import FunctionSpec, LambdaContext, error_payload, to_json

END_OF_LOGS = "\x1e-end-of-invocation "


class ImportModuleError(Exception):
    """Lambda's `Runtime.ImportModuleError`: the handler's module failed to import."""


def main() -> None:
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # handler prints become logs, not protocol
    sys.stdout = os.fdopen(1, "w", buffering=1)
    spec = FunctionSpec(
        name=os.environ["AWS_LAMBDA_FUNCTION_NAME"],
        code_dir=os.getcwd(),
        handler=os.environ["_HANDLER"],
        timeout_seconds=float(os.environ["AWS_LAMBDA_FUNCTION_TIMEOUT"]),
        memory_mb=int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")),
        region=os.environ.get("AWS_REGION", "us-east-1"),
        account_id=os.environ.get("LOCALCLOUD_ACCOUNT_ID", "123456789012"),
    )
    # The handler sees only its asset folder and the venv's packages, as on Lambda.
    project_root = os.environ.get("LOCALCLOUD_PROJECT_ROOT")
    sys.path[:] = [os.getcwd()] + [p for p in sys.path if p not in (project_root, "", ".")]
    module_name, attribute = spec.module_and_attribute
    try:  # the init phase, before the first event, as in a provisioned Lambda environment
        handler = getattr(importlib.import_module(module_name), attribute)
        init_error = None
    except Exception as exc:  # noqa: BLE001 - reported on every invocation, as Lambda does
        handler, init_error = None, exc
    protocol.write(json.dumps({"ready": True}) + "\n")  # init is over: the function timeout applies from here
    for line in sys.stdin:
        request = json.loads(line)
        request_id = request["requestId"]
        context = LambdaContext(spec, request_id, time.monotonic() + spec.timeout_seconds)
        try:
            if init_error is not None:
                raise ImportModuleError(f"Unable to import module '{module_name}': {init_error}") from init_error
            response = {"payload": to_json(handler(request["event"], context)), "errored": False}
        except Exception as exc:  # noqa: BLE001 - every handler error becomes Lambda's error shape
            error = error_payload(exc, request_id)
            if isinstance(exc, ImportModuleError):
                error["errorType"] = "Runtime.ImportModuleError"
            response = {"payload": to_json(error), "errored": True}
        sys.stdout.flush()
        sys.stderr.write(f"{END_OF_LOGS}{request_id}\n")
        sys.stderr.flush()
        protocol.write(json.dumps(response) + "\n")


if __name__ == "__main__":
    main()
