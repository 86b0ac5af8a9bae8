"""The synthesized stack inside moto's in-process mock, with the real handlers running.

Used by the workflow tests: the template's tables, functions and state machine are
provisioned into `mock_aws`, moto's Step Functions interpreter executes the real ASL, and
every Lambda task runs the real handler code through the moto hook.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import boto3
from botocore.config import Config
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID

from localcloud.provisioning.assembly import Assembly
from localcloud.lambda_runtime import InProcessRuntime
from localcloud.moto_changes import install_local_behaviour, uninstall_local_behaviour
from localcloud.moto_changes.lambda_hook import LambdaHook, install, uninstall
from localcloud.provisioning import ProvisionedStack, Provisioner
from localcloud.moto_changes.stepfunctions.mock_config import register_state_machines

REGION = "us-east-1"
TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}
# Not {"lambda": {"use_docker": False}}: that swaps in an echo backend that never calls the hook.
MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}}


@dataclass
class LocalJobs:
    """Start jobs as the API would, and watch them as an operator would."""

    stack: ProvisionedStack
    hook: LambdaHook
    region: str = REGION

    _clients: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    def client(self, service: str):
        # Made once: creating a client iterates os.environ, which a Lambda task on the interpreter's thread
        # may be changing (KeyError mid-iteration); fewer creations, fewer such windows.
        if service not in self._clients:
            self._clients[service] = boto3.client(service, region_name=self.region)
        return self._clients[service]

    @property
    def state_machine_arn(self) -> str:
        return self.stack.state_machine_arn()

    @property
    def admission_arn(self) -> str:
        return self.stack.state_machine_arn("AdmissionStateMachine")

    def start(self, kind: str, request: dict[str, Any], name: str | None = None,
              submitted_at: datetime | None = None) -> str:
        """StartExecution with the input the admission workflow passes on."""
        name = name or f"job-{time.monotonic_ns()}"
        response = self.client("stepfunctions").start_execution(
            stateMachineArn=self.state_machine_arn, name=name, input=json.dumps(_job(kind, request, submitted_at)))
        return response["executionArn"]

    def admit(self, kind: str, request: dict[str, Any], *, idempotency_key: str | None = None,
              malformed_key: bool = False, api_key_id: str = "apikey0001", request_id: str | None = None,
              submitted_at: datetime | None = None) -> dict[str, Any]:
        """StartSyncExecution of the admission workflow with the input the API's accept template builds."""
        admission_input = {
            "jobId": request_id or f"req-{time.monotonic_ns()}",
            "apiKeyId": api_key_id,
            "idempotencyKey": idempotency_key,
            "idempotencyKeyMalformed": malformed_key,
            "job": _job(kind, request, submitted_at),
        }
        # Botocore would send StartSyncExecution to sync-states.<region>; moto answers on states.<region>.
        sfn = boto3.client("stepfunctions", region_name=self.region, config=Config(inject_host_prefix=False))
        return sfn.start_sync_execution(stateMachineArn=self.admission_arn, input=json.dumps(admission_input))

    def job_arn(self, job_id: str) -> str:
        return self.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{job_id}"

    def wait(self, execution_arn: str, timeout: float = 30.0) -> dict[str, Any]:
        """DescribeExecution until the job is terminal."""
        sfn = self.client("stepfunctions")
        deadline = time.monotonic() + timeout
        while True:
            description = sfn.describe_execution(executionArn=execution_arn)
            if description["status"] in TERMINAL:
                return description
            if time.monotonic() > deadline:
                raise TimeoutError(f"{execution_arn} still {description['status']} after {timeout} s")
            time.sleep(0.02)

    def run(self, kind: str, request: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return self.wait(self.start(kind, request, **kwargs))

    def history(self, execution_arn: str) -> list[dict[str, Any]]:
        return self.client("stepfunctions").get_execution_history(
            executionArn=execution_arn, maxResults=1000)["events"]

    def entered_states(self, execution_arn: str) -> list[str]:
        return [event["stateEnteredEventDetails"]["name"] for event in self.history(execution_arn)
                if "stateEnteredEventDetails" in event]


def _job(kind: str, request: dict[str, Any], submitted_at: datetime | None) -> dict[str, Any]:
    """A Jobs execution's input: the job as the accept template describes it."""
    submitted_at = submitted_at or datetime.now(timezone.utc)
    return {
        "kind": kind,
        "submittedAt": submitted_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "submittedEpoch": int(submitted_at.timestamp()),
        "request": request,
    }


@contextlib.contextmanager
def local_jobs(assembly: Assembly, wait_time_scale: float = 0.0,
               extra_environment: dict[str, str] | None = None) -> Iterator[LocalJobs]:
    """Provision `assembly` into a fresh in-process moto and yield a handle on its jobs."""
    with mock_aws(config=MOTO_CONFIG):
        hook = install(InProcessRuntime(extra_environment))
        install_local_behaviour(wait_time_scale)
        try:
            stack = Provisioner(
                assembly, lambda service: boto3.client(service, region_name=REGION),
                REGION, DEFAULT_ACCOUNT_ID,
            ).provision()
            for spec in stack.functions.values():
                hook.register(spec)
            register_state_machines(stack.state_machines)
            yield LocalJobs(stack, hook)
        finally:
            uninstall_local_behaviour()
            uninstall()
