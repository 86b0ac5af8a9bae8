"""StartExecution without a name gets a UUID, as on AWS.

The API reference (StartExecution, `name`): "If you don't provide a name for the execution,
Step Functions automatically generates a universally unique identifier (UUID) as the execution
name." moto uses the missing name as is, so every such execution is named `None` and the second
one collides with the first.
"""

from __future__ import annotations

import uuid
from typing import Any

from moto.stepfunctions.parser.models import StepFunctionsParserBackend


def install_generated_execution_names() -> None:
    start_execution = StepFunctionsParserBackend.start_execution  # whatever is installed (mock config support)
    if hasattr(start_execution, "without_generated_names"):
        return

    def start_with_a_name(self, state_machine_arn: str, name: str | None = None, *args: Any, **kwargs: Any):
        return start_execution(self, state_machine_arn, name or str(uuid.uuid4()), *args, **kwargs)

    start_with_a_name.without_generated_names = start_execution
    StepFunctionsParserBackend.start_execution = start_with_a_name


def uninstall_generated_execution_names() -> None:
    installed = StepFunctionsParserBackend.start_execution
    if hasattr(installed, "without_generated_names"):
        StepFunctionsParserBackend.start_execution = installed.without_generated_names
