"""The Jobs state machine, defined only by statemachine/jobs.asl.json."""

from __future__ import annotations

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from stacks.settings import STATE_MACHINE_FILE, Settings
from stacks.state_machines import state_machine_from_asl
from stacks.delivery import Delivery
from stacks.storage import Storage
from stacks.workers import Workers


class Workflow(Construct):
    """A STANDARD state machine: jobs run for seconds to minutes and their history is the job status."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: Settings, storage: Storage, workers: Workers,
                 delivery: Delivery) -> None:
        super().__init__(scope, construct_id)

        substitutions = {key: fn.function_arn for key, fn in workers.workflow_functions.items()}
        substitutions.update(
            OffersTableName=storage.offers_table.table_name,
            LabelsTableName=storage.labels_table.table_name,
            JobsTableName=storage.jobs_table.table_name,
            DeliveryStateMachineArn=delivery.state_machine.state_machine_arn,
            ApiStageName=settings.stage_name,
            ResultTtlSeconds=str(settings.result_ttl_seconds),
            ExpiredResultGraceSeconds=str(settings.expired_result_grace_seconds),
        )

        # ALL (with data): every state transition of an async job is its only debugging trail, and the
        # ASL's own TimeoutSeconds caps the volume; retention bounds how long request bodies are kept.
        # Pinned: the API's status integration and every client's job id are tied to this state machine.
        self.state_machine, self.log_group = state_machine_from_asl(
            self, "Jobs", asl_file=STATE_MACHINE_FILE, machine_type=sfn.StateMachineType.STANDARD,
            substitutions=substitutions, settings=settings, include_execution_data=True)

        # Exactly the functions and tables the ASL names; the ASL invokes unqualified ARNs, so no `:*` versions.
        for fn in workers.workflow_functions.values():
            iam.Grant.add_to_principal(
                grantee=self.state_machine, actions=["lambda:InvokeFunction"], resource_arns=[fn.function_arn]
            )
        for table in (storage.offers_table, storage.labels_table, storage.jobs_table):
            table.grant(self.state_machine, "dynamodb:PutItem")
        # Delivery only: the job starts it and does not wait (no .sync, so no DescribeExecution or events rule).
        delivery.state_machine.grant_start_execution(self.state_machine)

    def execution_arn(self, execution_name: str = "*") -> str:
        """The ARN of a Jobs execution; a job id is an execution name, so "*" covers every job."""
        return Stack.of(self).format_arn(
            service="states",
            resource="execution",
            resource_name=f"{self.state_machine.state_machine_name}:{execution_name}",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
