"""Step Functions Local's mock configuration (`SFN_MOCK_CONFIG`), without Java or Docker.

An execution started on `<stateMachineArn>#<TestCase>` runs with the states that test case
names answered by its `MockedResponses` (`Return` or `Throw`, per invocation ranges such as
"0" or "1-2"), exactly as Step Functions Local does. moto carries LocalStack's evaluator for
mocked responses but loads no configuration and ignores the `#TestCase` suffix; this module
supplies both.

Invocations are counted per state across the whole execution, as Step Functions Local counts
them: retries, revisits and every iteration of a Map share one counter, so with MaxConcurrency 1
the n-th iteration of a once-invoked state gets response "n" (the Developer Guide's note on Map
states in sfn-local-mock-cfg-file: concurrent iterations make the assignment unpredictable).
moto counts only the current state's retries, so every Map iteration would get response "0".

State machine names in the file may be the deployed name, the template's logical id, or an
alias registered by the local cloud (for Stepgate: `Jobs`).

A state machine may also have a default test case (`LOCALCLOUD_JOBS_TEST_CASE` for Jobs): every
execution started on its plain ARN runs as if started on `#<that test case>`, so jobs submitted
through the API (whose StartExecution the admission workflow makes) meet it too.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import BaseModel, RootModel
from moto.stepfunctions.exceptions import InvalidName
from moto.stepfunctions.parser import models as parser_models
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.backend import execution as parser_execution
from moto.stepfunctions.parser.mocking import mock_config

_ORIGINAL_START = parser_models.StepFunctionsParserBackend.start_execution
_ORIGINAL_WORKER = parser_execution.Execution._get_start_execution_worker
_ORIGINAL_MOCKED_RESPONSE = Environment.get_current_mocked_response
_counting = threading.Lock()
_pending = threading.local()
_aliases: dict[str, str] = {}
_default_test_cases: dict[str, str] = {}  # state machine name -> test case for executions started without one


class MockConfigError(ValueError):
    """SFN_MOCK_CONFIG is missing, unreadable, or has no such state machine / test case."""


class RawThrow(BaseModel):
    Error: str
    Cause: str = ""


class RawMockedResponse(BaseModel):
    Return: RootModel[Any] | None = None
    Throw: RawThrow | None = None


class RawStateMachine(BaseModel):
    TestCases: dict[str, RootModel[dict[str, str]]]


class RawMockConfig(BaseModel):
    StateMachines: dict[str, RawStateMachine]
    MockedResponses: dict[str, dict[str, RawMockedResponse]]


def register_alias(alias: str, state_machine_name: str) -> None:
    """Let a mock file say `alias` for the deployed state machine `state_machine_name`."""
    _aliases[alias] = state_machine_name


def register_state_machines(state_machines: dict[str, str]) -> None:
    """Aliases for provisioned state machines: their logical ids, and `Jobs` for the Jobs machine."""
    for logical, arn in state_machines.items():
        name = arn.rsplit(":", 1)[1]
        register_alias(logical, name)
        if logical.startswith("Jobs") or "Jobs" in logical:
            register_alias("Jobs", name)


def set_default_test_case(state_machine_name: str, test_case: str | None) -> None:
    """Run every execution of `state_machine_name` started without `#TestCase` on `test_case` (None: none)."""
    if test_case:
        load_test_case(state_machine_name, test_case)  # a missing file or test case stops start-up, not a job
        _default_test_cases[state_machine_name] = test_case
    else:
        _default_test_cases.pop(state_machine_name, None)


def load_config(path: str | os.PathLike | None = None) -> RawMockConfig:
    path = path or os.environ.get("SFN_MOCK_CONFIG")
    if not path:
        raise MockConfigError("an execution named a mock test case (#TestCase) but SFN_MOCK_CONFIG is not set")
    try:
        return RawMockConfig.model_validate(json.loads(Path(path).read_text()))
    except (OSError, ValueError) as exc:
        raise MockConfigError(f"SFN_MOCK_CONFIG={path}: {exc}") from exc


def load_test_case(state_machine_name: str, test_case: str, path: str | None = None) -> mock_config.MockTestCase:
    config = load_config(path)
    names = [state_machine_name] + [alias for alias, name in _aliases.items() if name == state_machine_name]
    configured = next((name for name in names if name in config.StateMachines), None)
    if configured is None:
        raise MockConfigError(
            f"SFN_MOCK_CONFIG has no state machine named any of {names}; it has {sorted(config.StateMachines)}")
    if test_case not in config.StateMachines[configured].TestCases:
        raise MockConfigError(f"SFN_MOCK_CONFIG has no test case {test_case!r} for {configured}")
    try:
        loaded = mock_config._mock_test_case_from_raw(
            state_machine_name=configured, test_case_name=test_case, raw_mock_config=config)
    except (RuntimeError, ValueError) as exc:
        raise MockConfigError(str(exc)) from exc
    loaded.invocations = Counter()  # one test case object per execution, shared by its Map/Parallel frames
    return loaded


def _mocked_response_by_invocation(self: Environment):
    invocations = getattr(self.mock_test_case, "invocations", None)
    if invocations is None or not self.is_mocked_mode():
        return _ORIGINAL_MOCKED_RESPONSE(self)
    state_name = self.next_state_name
    responses = self.mock_test_case.state_mocked_responses[state_name].mocked_responses
    with _counting:
        invocation = invocations[state_name]
        invocations[state_name] += 1
    if invocation >= len(responses):
        # Step Functions Local: "If you do not specify a mocked response, the state machine execution will fail."
        raise RuntimeError(f"No mocked response definition for state '{state_name}' and invocation '{invocation}'")
    return responses[invocation]


def _start_execution(self, state_machine_arn: str, *args: Any, **kwargs: Any):
    base_arn, _, test_case = state_machine_arn.partition("#")
    if not test_case and _default_test_cases:
        test_case = _default_test_cases.get(self.describe_state_machine(base_arn).name, "")
    if not test_case:
        return _ORIGINAL_START(self, state_machine_arn, *args, **kwargs)
    state_machine = self.describe_state_machine(base_arn)
    try:
        _pending.test_case = load_test_case(state_machine.name, test_case)
    except MockConfigError as exc:
        raise InvalidName(f"Invalid mock test case name '{test_case}': {exc}") from exc
    try:
        return _ORIGINAL_START(self, base_arn, *args, **kwargs)
    finally:
        _pending.test_case = None


def _start_execution_worker(self):
    worker = _ORIGINAL_WORKER(self)
    test_case = getattr(_pending, "test_case", None)
    if test_case is not None:
        worker._mock_test_case = test_case  # read when the worker builds its environment
    return worker


def install_mock_config_support() -> None:
    parser_models.StepFunctionsParserBackend.start_execution = _start_execution
    parser_execution.Execution._get_start_execution_worker = _start_execution_worker
    Environment.get_current_mocked_response = _mocked_response_by_invocation


def uninstall_mock_config_support() -> None:
    _default_test_cases.clear()
    parser_models.StepFunctionsParserBackend.start_execution = _ORIGINAL_START
    parser_execution.Execution._get_start_execution_worker = _ORIGINAL_WORKER
    Environment.get_current_mocked_response = _ORIGINAL_MOCKED_RESPONSE
