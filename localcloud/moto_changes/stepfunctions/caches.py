"""Two caches that make moto's Step Functions interpreter fast enough to serve an API.

- The ASL is parsed once per definition, not once per execution: the ANTLR parse is 80-200 ms
  of CPU that, under the GIL, also stalls the StartExecution call that spawned it. Parsed
  programs keep per-execution state in the evaluation environment (its heap), not in the
  components, so one parse serves every execution of a definition, and CreateStateMachine's
  check (`definition_validation`) makes it. With a directory, parses outlive the process
  (`parsed_programs`).
- Each task's boto3 client is reused instead of created per task (~20 ms each). boto3
  clients are thread-safe; the key includes everything that decides the client's endpoint.
- Each client calls an endpoint served in this process directly (`localcloud/aws_in_process.py`).
- JSONPath expressions are compiled once (jsonpath-ng builds a PLY parser per call).

Each is computed once even when many executions ask at the same time (`computed_once`): a plain
`lru_cache` lets every concurrent first caller compute, and on a fresh cloud under load dozens of
threads parsed the same ASL or built the same client at once, each slower for the others.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.core.models import botocore_stubber
from moto.settings import moto_server_port
from moto.stepfunctions.parser.asl.component.common.path import result_path
from moto.stepfunctions.parser.asl.utils import boto_client, json_path
from moto.stepfunctions.parser.backend import execution_worker

from localcloud import aws_in_process
from localcloud.moto_changes.stepfunctions.imported_names import rebind_imported_name
from localcloud.moto_changes.stepfunctions.parsed_programs import read_or_parse

_ORIGINAL_ENTRYPOINT = execution_worker.ExecutionWorker._get_evaluation_entrypoint
_ORIGINAL_CLIENT_FOR = boto_client.boto_client_for
_ORIGINAL_JSON_PATH_PARSE = json_path.parse
_ORIGINAL_RESULT_PATH_PARSE = result_path.parse


class computed_once:  # noqa: N801 - used as a decorator, like functools.lru_cache
    """A bounded cache whose concurrent first callers wait for one computation instead of each making it.

    A hit takes no lock, only a dict read under the GIL: with hundreds of executions' threads, a lock on
    every call would queue each task behind a holder the GIL had preempted."""

    def __init__(self, maxsize: int | None):
        self.maxsize = maxsize

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        answers: dict[tuple, Any] = {}
        lock = threading.Lock()

        @functools.wraps(function)
        def once(*args: Any) -> Any:
            answer = answers.get(args, _MISSING)
            if answer is _MISSING:
                with lock:
                    answer = answers.get(args, _MISSING)
                    if answer is _MISSING:
                        answer = function(*args)
                        if self.maxsize is not None and len(answers) >= self.maxsize:
                            answers.pop(next(iter(answers)))  # the oldest
                        answers[args] = answer
            return answer

        once.cache_clear = answers.clear  # type: ignore[attr-defined]
        return once


_MISSING = object()


@computed_once(maxsize=64)
def parsed_program(definition: str):
    """The evaluation component moto runs for `definition`; raises as moto's parser does for an invalid one."""
    return read_or_parse(definition)


def _cached_entrypoint(self):
    return parsed_program(self._evaluation_details.state_machine_details.definition)


@computed_once(maxsize=256)
def _client(region: str, service: str, intercepted: bool, port: str):
    return aws_in_process.attach(_ORIGINAL_CLIENT_FOR(region=region, service=service))


def _cached_client_for(region: str, service: str, state_credentials=None):
    # moto's factory ignores state_credentials (it always signs with fixed local keys).
    return _client(region, service, botocore_stubber.enabled, str(moto_server_port()))


@functools.lru_cache(maxsize=1024)
def _parsed_json_path(path: str):
    return _ORIGINAL_JSON_PATH_PARSE(path)


@functools.lru_cache(maxsize=1024)
def _parsed_result_path(path: str):
    return _ORIGINAL_RESULT_PATH_PARSE(path)


def install_interpreter_caches() -> None:
    execution_worker.ExecutionWorker._get_evaluation_entrypoint = _cached_entrypoint
    _client.cache_clear()  # clients made for an earlier mock must not leak into this one
    rebind_imported_name("boto_client_for", _cached_client_for)
    json_path.parse = _parsed_json_path
    result_path.parse = _parsed_result_path


def uninstall_interpreter_caches() -> None:
    execution_worker.ExecutionWorker._get_evaluation_entrypoint = _ORIGINAL_ENTRYPOINT
    rebind_imported_name("boto_client_for", _ORIGINAL_CLIENT_FOR)
    _client.cache_clear()
    json_path.parse = _ORIGINAL_JSON_PATH_PARSE
    result_path.parse = _ORIGINAL_RESULT_PATH_PARSE
