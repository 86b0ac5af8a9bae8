"""`LOCALCLOUD_FAULTS=SearchOffers:0.3`: transient failures of a workflow's task states, at a rate, for jobs.

A user testing a client against failures asks for them when starting the local cloud, and every
job submitted through the API meets them. Each entry is `<State>:<rate>[:<Error>]`; the error
defaults to the transient service error the ASL retries for the state's integration
(`Lambda.ServiceException` for `lambda:invoke`, `DynamoDB.InternalServerErrorException` for
DynamoDB tasks). A faulted attempt fails before the service is called, as that service failing
would: `<Service>.<Code>` is raised as the service's error response (so the interpreter records
it with its own error and cause), any other name as a task failure with that error (a Lambda
task's cause in a function error's shape). When an attempt is not faulted the real task runs:
a state that finally succeeds gives the real worker's output.

Whether an attempt fails is drawn from (seed, execution name, state, retry count), so a job
replays its faults exactly under the same `LOCALCLOUD_FAULTS_SEED` (a new seed per start when
unset), however many jobs run at once. Faults apply to the executions of the state machines
they are installed for (the Jobs machine) unless started on a mock test case (`#TestCase`).
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError
from moto.stepfunctions.parser.asl.component.state.exec.state_task.mock_eval_utils import eval_mocked_response
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_factory  # noqa: F401 - loads every integration class
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import StateTaskService
from moto.stepfunctions.parser.mocking.mock_config import MockedResponseThrow

ENVIRONMENT_VARIABLE = "LOCALCLOUD_FAULTS"
SEED_VARIABLE = "LOCALCLOUD_FAULTS_SEED"
TEST_CASE_VARIABLE = "LOCALCLOUD_JOBS_TEST_CASE"
# Each integration's transient error, as the Jobs ASL retries it.
DEFAULT_ERRORS = {"lambda": "Lambda.ServiceException", "dynamodb": "DynamoDB.InternalServerErrorException"}
_PREFIXES = {"lambda": "Lambda", "dynamodb": "DynamoDB"}
_HTTP_STATUS = {"ServiceException": 500, "InternalServerErrorException": 500, "AWSLambdaException": 500,
                "TooManyRequestsException": 429, "ThrottlingException": 400,
                "ProvisionedThroughputExceededException": 400, "RequestLimitExceeded": 400}

_originals: dict[type, Any] = {}


class FaultSpecError(ValueError):
    """LOCALCLOUD_FAULTS does not parse, or names a state the workflow lacks."""


@dataclass(frozen=True)
class Fault:
    state: str
    rate: float
    error: str | None = None  # None: the state's integration's transient error


@dataclass
class FaultPlan:
    faults: dict[str, Fault]
    seed: str
    state_machine_names: frozenset[str] = frozenset()

    def fails(self, execution_name: str, state: str, retry_count: int) -> bool:
        fault = self.faults.get(state)
        if fault is None:
            return False
        key = f"{self.seed}|{execution_name}|{state}|{retry_count}".encode()
        draw = int.from_bytes(hashlib.sha256(key).digest()[:8], "big") / 2 ** 64
        return draw < fault.rate

    def describe(self) -> str:
        entries = ", ".join(f"{f.state} {f.rate:g}" + (f" {f.error}" if f.error else "") for f in self.faults.values())
        return f"{entries} (seed {self.seed})"


def parse_faults(spec: str, seed: str | None = None) -> FaultPlan:
    faults: dict[str, Fault] = {}
    for entry in filter(None, (part.strip() for part in spec.split(","))):
        parts = entry.split(":")
        if len(parts) not in (2, 3) or not parts[0]:
            raise FaultSpecError(f"{ENVIRONMENT_VARIABLE}: {entry!r} is not <State>:<rate>[:<Error>]")
        try:
            rate = float(parts[1])
        except ValueError:
            raise FaultSpecError(f"{ENVIRONMENT_VARIABLE}: {entry!r}: the rate must be a number from 0 to 1") from None
        if not 0 <= rate <= 1:
            raise FaultSpecError(f"{ENVIRONMENT_VARIABLE}: {entry!r}: the rate must be a number from 0 to 1")
        faults[parts[0]] = Fault(parts[0], rate, parts[2] if len(parts) == 3 and parts[2] else None)
    return FaultPlan(faults, seed if seed not in (None, "") else str(random.SystemRandom().randrange(10 ** 9)))


def check_against_definition(plan: FaultPlan, definition: str) -> None:
    """Every faulted state is a service-integration Task of the workflow, with an error to raise."""
    tasks = _service_tasks(json.loads(definition).get("States", {}))
    for fault in plan.faults.values():
        if fault.state not in tasks:
            raise FaultSpecError(f"{ENVIRONMENT_VARIABLE}: {fault.state!r} is not a Task state of the workflow; "
                                 f"its task states: {', '.join(sorted(tasks))}")
        if fault.error is None and tasks[fault.state] not in DEFAULT_ERRORS:
            raise FaultSpecError(f"{ENVIRONMENT_VARIABLE}: {fault.state!r} calls {tasks[fault.state]}: name the error "
                                 f"to raise ({fault.state}:{fault.rate:g}:<Error>)")


def _service_tasks(states: dict[str, Any]) -> dict[str, str]:
    """Task state name -> service (`lambda`, `dynamodb`, ...), nested Parallel branches and Map processors included."""
    found: dict[str, str] = {}
    for name, state in states.items():
        resource = state.get("Resource", "")
        if state.get("Type") == "Task" and resource.startswith("arn:aws:states:::"):
            found[name] = resource.split(":::", 1)[1].split(":", 1)[0]
        for branch in state.get("Branches", []):
            found.update(_service_tasks(branch.get("States", {})))
        for processor in (state.get("ItemProcessor"), state.get("Iterator")):
            if processor:
                found.update(_service_tasks(processor.get("States", {})))
    return found


def _injected(plan: FaultPlan, task: StateTaskService, env) -> Exception | None:
    """The failure this attempt meets, or None to run the real task."""
    context = env.states.context_object.context_object_data
    if env.mock_test_case is not None or context["StateMachine"]["Name"] not in plan.state_machine_names:
        return None
    retry_count = context["State"]["RetryCount"]
    if not plan.fails(context["Execution"]["Name"], task.name, retry_count):
        return None
    service = task.resource.service_name
    error = plan.faults[task.name].error or DEFAULT_ERRORS[service]
    message = f"Injected by {ENVIRONMENT_VARIABLE} (attempt {retry_count + 1} of {task.name})"
    prefix, _, code = error.partition(".")
    if code and _PREFIXES.get(service) == prefix:
        return ClientError({"Error": {"Code": code, "Message": message},
                            "ResponseMetadata": {"HTTPStatusCode": _HTTP_STATUS.get(code, 400), "RequestId": str(uuid.uuid4())}},
                           "Invoke" if service == "lambda" else task.resource.api_action)
    return _TaskFailure(error, json.dumps({"errorType": error, "errorMessage": message}) if service == "lambda" else message)


class _TaskFailure(Exception):
    def __init__(self, error: str, cause: str):
        super().__init__(error)
        self.error, self.cause = error, cause


def configure_job_faults(jobs_name: str, definition: str, environ: dict[str, str]) -> str:
    """LOCALCLOUD_FAULTS and LOCALCLOUD_JOBS_TEST_CASE for the Jobs machine; a line for the banner ("" when off)."""
    from localcloud.moto_changes.stepfunctions.mock_config import set_default_test_case

    said = []
    if spec := environ.get(ENVIRONMENT_VARIABLE, "").strip():
        plan = parse_faults(spec, environ.get(SEED_VARIABLE))
        check_against_definition(plan, definition)
        plan.state_machine_names = frozenset({jobs_name})
        install_faults(plan)
        said.append(plan.describe())
    if test_case := environ.get(TEST_CASE_VARIABLE, "").strip():
        set_default_test_case(jobs_name, test_case)
        said.append(f"every job runs mock test case {test_case} ({environ.get('SFN_MOCK_CONFIG')})")
    return "; ".join(said)


def unconfigure_job_faults(jobs_name: str) -> None:
    from localcloud.moto_changes.stepfunctions.mock_config import set_default_test_case

    uninstall_faults()
    set_default_test_case(jobs_name, None)


def install_faults(plan: FaultPlan) -> None:
    """Wraps `_eval_service_task` of every service-integration class (each defines its own)."""
    for cls in [StateTaskService, *_subclasses(StateTaskService)]:
        if "_eval_service_task" not in vars(cls) or cls in _originals:
            continue
        original = _originals[cls] = vars(cls)["_eval_service_task"]

        def eval_or_fail(self, env, *args, _original=original, **kwargs):
            failure = _injected(plan, self, env)
            if isinstance(failure, _TaskFailure):
                # Recorded as a mocked Throw is: TaskFailed with this error and cause.
                eval_mocked_response(env, MockedResponseThrow(0, 0, error=failure.error, cause=failure.cause))
            if failure is not None:
                raise failure
            return _original(self, env, *args, **kwargs)

        cls._eval_service_task = eval_or_fail


def uninstall_faults() -> None:
    for cls, original in _originals.items():
        cls._eval_service_task = original
    _originals.clear()


def _subclasses(cls: type) -> list[type]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_subclasses(direct))]
