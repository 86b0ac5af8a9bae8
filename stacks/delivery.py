"""The Delivery state machine, defined only by statemachine/delivery.asl.json."""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from stacks.push import TERMINAL_EVENT_RETENTION_SECONDS, Push
from stacks.settings import DELIVERY_STATE_MACHINE_FILE, Settings
from stacks.state_machines import state_machine_from_asl
from stacks.storage import Storage
from stacks.workers import Workers


class Delivery(Construct):
    """An EXPRESS state machine Jobs starts without waiting: a job's terminal event, one Parallel branch per channel."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: Settings, storage: Storage,
                 workers: Workers, push: Push) -> None:
        super().__init__(scope, construct_id)

        # Every transition, but no data: the input holds the receiver's URL and the job's event.
        # Pinned: Jobs' definition names it, and the local cloud finds it by it.
        self.state_machine, self.log_group = state_machine_from_asl(
            self, "Delivery", asl_file=DELIVERY_STATE_MACHINE_FILE, machine_type=sfn.StateMachineType.EXPRESS,
            settings=settings, include_execution_data=False, substitutions={
                "DeliverCallbackFunctionArn": workers.deliver_callback.function_arn,
                "JobsTableName": storage.jobs_table.table_name,
                "SubscriptionsTableName": storage.subscriptions_table.table_name,
                "TerminalEventRetentionSeconds": str(TERMINAL_EVENT_RETENTION_SECONDS),
                "WebSocketApiEndpoint": push.api_host,
                "WebSocketStageName": push.stage_name,
            },
        )

        # Exactly what the ASL calls: the delivery function (unqualified ARN) and the callback record's UpdateItem.
        iam.Grant.add_to_principal(grantee=self.state_machine, actions=["lambda:InvokeFunction"],
                                   resource_arns=[workers.deliver_callback.function_arn])
        storage.jobs_table.grant(self.state_machine, "dynamodb:UpdateItem")
        # Push: store the terminal event, find the job's subscribers, drop the gone ones; post to their connections.
        storage.subscriptions_table.grant(self.state_machine, "dynamodb:PutItem", "dynamodb:Query",
                                          "dynamodb:DeleteItem")
        push.grant_post_to_connections(self.state_machine)
