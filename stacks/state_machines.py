"""A state machine from its ASL file, with its own log group: what every workflow construct builds the same way."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from stacks.settings import Settings, log_retention


def state_machine_from_asl(scope: Construct, name: str, *, asl_file: Path, machine_type: sfn.StateMachineType,
                           substitutions: dict[str, str], settings: Settings,
                           include_execution_data: bool) -> tuple[sfn.StateMachine, logs.LogGroup]:
    """`<name>StateMachine` (its logical id pinned: the API, the ASL and the local cloud name it) and `<name>Logs`."""
    log_group = logs.LogGroup(scope, f"{name}Logs", retention=log_retention(settings.log_retention_days),
                              removal_policy=RemovalPolicy.RETAIN)
    machine = sfn.StateMachine(
        scope,
        f"{name}StateMachine",
        state_machine_type=machine_type,
        # Inline (not from_file): the template carries DefinitionString, so cfn-lint and the local cloud read it.
        definition_body=sfn.DefinitionBody.from_string(asl_file.read_text()),
        definition_substitutions=substitutions,
        logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL,
                            include_execution_data=include_execution_data),
        tracing_enabled=True,
    )
    machine.node.default_child.override_logical_id(f"{name}StateMachine")
    return machine, log_group
