"""StepgateStack: storage, workers, workflow, admission, push and API, composed; no resources of its own."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from stacks.admission import Admission
from stacks.api import Api
from stacks.delivery import Delivery
from stacks.nag_acknowledgements import acknowledge_nag_findings
from stacks.push import Push
from stacks.settings import Settings
from stacks.storage import Storage
from stacks.workers import Workers
from stacks.workflow import Workflow


class StepgateStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        settings = Settings.from_context(self.node)

        self.storage = Storage(self, "Storage", uploads_expire_days=settings.uploads_expire_days)
        self.workers = Workers(self, "Workers", settings=settings, storage=self.storage)
        self.push = Push(self, "Push", settings=settings)
        self.delivery = Delivery(self, "Delivery", settings=settings, storage=self.storage, workers=self.workers,
                                 push=self.push)
        self.workflow = Workflow(self, "Workflow", settings=settings, storage=self.storage, workers=self.workers,
                                 delivery=self.delivery)
        self.workers.add_cancel_job(self.workflow.state_machine, self.storage,
                                    self.workflow.execution_arn(), self.delivery.state_machine)
        self.admission = Admission(self, "Admission", settings=settings, storage=self.storage, workflow=self.workflow)
        self.push.add_routes(self.storage, self.workflow)
        self.api = Api(self, "Api", settings=settings, storage=self.storage, workers=self.workers, workflow=self.workflow,
                       admission=self.admission, events_url=self.push.url)
        self.push.add_to_usage_plan(self.api.usage_plan, self.api.rest_api.rest_api_id, self.api.stage)

        CfnOutput(self, "ApiKeyId", value=self.api.api_key.key_id,
                  description="The key's value: aws apigateway get-api-key --include-value --api-key <ApiKeyId>")
        CfnOutput(self, "JobsStateMachineArn", value=self.workflow.state_machine.state_machine_arn)
        CfnOutput(self, "UploadsBucketName", value=self.storage.uploads_bucket.bucket_name)
        CfnOutput(self, "CallbackSigningSecretArn", value=self.workers.callback_secret.secret_arn,
                  description="Webhook receivers verify with whsec_<value>: aws secretsmanager get-secret-value --secret-id <arn>")

        acknowledge_nag_findings(self)
