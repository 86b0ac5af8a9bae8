"""The Admission state machine, defined only by statemachine/admission.asl.json."""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from stacks.settings import ADMISSION_STATE_MACHINE_FILE, Settings
from stacks.state_machines import state_machine_from_asl
from stacks.storage import Storage
from stacks.workflow import Workflow


class Admission(Construct):
    """An EXPRESS state machine the POSTs run synchronously: it starts each job once per Idempotency-Key."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: Settings, storage: Storage,
                 workflow: Workflow) -> None:
        super().__init__(scope, construct_id)
        jobs = workflow.state_machine

        # Every transition, but no data: the input is the request body, and the job's own history has it.
        # Pinned: the API's POST integrations name it.
        self.state_machine, self.log_group = state_machine_from_asl(
            self, "Admission", asl_file=ADMISSION_STATE_MACHINE_FILE, machine_type=sfn.StateMachineType.EXPRESS,
            settings=settings, include_execution_data=False, substitutions={
                "JobsStateMachineArn": jobs.state_machine_arn,
                # DescribeExecution wants an ARN; the ASL appends the job id to this prefix.
                "JobsExecutionArnPrefix": workflow.execution_arn(""),
                "IdempotencyTableName": storage.idempotency_table.table_name,
                "IdempotencyKeyRetentionSeconds": str(settings.idempotency_key_retention_seconds),
            },
        )

        # Start jobs, and read one's status when a replay finds it already exists.
        jobs.grant_start_execution(self.state_machine)
        iam.Grant.add_to_principal(grantee=self.state_machine, actions=["states:DescribeExecution"],
                                   resource_arns=[workflow.execution_arn()])
        storage.idempotency_table.grant(self.state_machine, "dynamodb:PutItem", "dynamodb:GetItem",
                                        "dynamodb:DeleteItem")
