"""The Lambda functions: one factory builds each from its `functions/<name>/` folder.

No reserved concurrency: it would carve capacity out of the account pool for functions that
are already bounded upstream (the usage plan throttles accepts, and Step Functions retries
Lambda.TooManyRequestsException with backoff).
"""

from __future__ import annotations

import math

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ssm as ssm
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from stacks.settings import FUNCTIONS_DIR, Settings, log_retention
from stacks.storage import Storage

# AWS publishes the layer ARN here; CloudFormation resolves it at deploy time (no AWS call at synth).
POWERTOOLS_LAYER_PARAMETER = "/aws/service/powertools/python/x86_64/python3.13/latest"
RUNTIME = lambda_.Runtime.PYTHON_3_13
# Everything in functions/ ships except tests and bytecode: one asset shared by every function.
ASSET_EXCLUDES = ["tests", "**/tests", "**/__pycache__", "**/*.pyc", ".pytest_cache", "**/.pytest_cache", "**/conftest.py"]


class Workers(Construct):
    """validate_job, search_worker, label_worker, create_user, describe_failure, deliver_callback, offers_reader (+ cancel_job)."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: Settings, storage: Storage) -> None:
        super().__init__(scope, construct_id)
        self._settings = settings
        self._code = lambda_.Code.from_asset(str(FUNCTIONS_DIR), exclude=ASSET_EXCLUDES)
        self._powertools = lambda_.LayerVersion.from_layer_version_arn(
            self,
            "PowertoolsLayer",
            ssm.StringParameter.value_for_string_parameter(self, POWERTOOLS_LAYER_PARAMETER),
        )
        uploads = storage.uploads_bucket
        ttl = str(settings.result_ttl_seconds)

        self.validate_job = self._function(
            "validate_job",
            description="Stepgate: business rules beyond the API's JSON schema",
            environment={"UPLOADS_BUCKET_NAME": uploads.bucket_name, "MAX_IMAGE_BYTES": str(settings.max_image_bytes)},
            timeout=Duration.seconds(10),
        )
        # HeadObject (the image's size and type) is authorised by s3:GetObject.
        storage.grant_uploads(self.validate_job, "s3:GetObject")

        self.search_worker = self._function(
            "search_worker",
            description="Stepgate: prices car-rental offers from the fleet dataset",
            environment={"SEARCH_LATENCY_MS": str(settings.search_latency_ms), "RESULT_TTL_SECONDS": ttl},
            # The simulated supplier latency plus headroom for a cold start with the Powertools layer.
            timeout=Duration.seconds(math.ceil(settings.search_latency_ms / 1000) + 15),
        )

        self.label_worker = self._function(
            "label_worker",
            description="Stepgate: Rekognition DetectLabels on an uploaded image",
            environment={"RESULT_TTL_SECONDS": ttl},
            timeout=Duration.seconds(30),
            memory_size=512,
        )
        # DetectLabels has no resource-level permissions; Rekognition reads the object with the caller's rights.
        self.label_worker.add_to_role_policy(iam.PolicyStatement(actions=["rekognition:DetectLabels"], resources=["*"]))
        storage.grant_uploads(self.label_worker, "s3:GetObject")

        self.create_user = self._function(
            "create_user",
            description="Stepgate: writes a user and its email-uniqueness record in one transaction",
            environment={"USERS_TABLE_NAME": storage.users_table.table_name},
            timeout=Duration.seconds(10),
        )
        # TransactWriteItems is authorised per item: two conditional Puts.
        # GetItem: after a refused transaction, who owns the email, or whether a cancel left a tombstone.
        storage.users_table.grant(self.create_user, "dynamodb:PutItem", "dynamodb:GetItem")

        self.describe_failure = self._function(
            "describe_failure",
            description="Stepgate: shapes a failed job's terminal event for the Delivery workflow",
            environment={},
            timeout=Duration.seconds(10),
        )

        self.offers_reader = self._function(
            "offers_reader",
            description="Stepgate: GET /searches/{jobId}/offers, filtered at read time",
            environment={"OFFERS_TABLE_NAME": storage.offers_table.table_name,
                         "RETRY_AFTER_SECONDS": str(settings.retry_after_seconds)},
            # API Gateway gives up after 29 s; a reader is a single GetItem.
            timeout=Duration.seconds(10),
        )
        storage.offers_table.grant(self.offers_reader, "dynamodb:GetItem")

        # Standard Webhooks signing key: 32 base64-alphabet characters (24 bytes); receivers use `whsec_<value>`.
        self.callback_secret = secretsmanager.Secret(
            self,
            "CallbackSigningSecret",
            description="Stepgate: signing secret of job callbacks (Standard Webhooks); receivers use whsec_<value>",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=32, exclude_punctuation=True, include_space=False
            ),
        )
        self.deliver_callback = self._function(
            "deliver_callback",
            description="Stepgate: POSTs a job's signed terminal event to its callbackUrl",
            environment={"CALLBACK_SECRET_ARN": self.callback_secret.secret_arn},
            # One attempt: a 5 s HTTP timeout plus signing; the workflow retries with backoff.
            timeout=Duration.seconds(15),
        )
        self.callback_secret.grant_read(self.deliver_callback)

    def add_cancel_job(self, state_machine: sfn.StateMachine, storage: Storage, execution_arns: str,
                       delivery: sfn.StateMachine) -> None:
        """DELETE /jobs/{jobId}; built after the workflow because it addresses the Jobs state machine."""
        settings = self._settings
        self.cancel_job = self._function(
            "cancel_job",
            description="Stepgate: DELETE /jobs/{jobId}, tombstone then StopExecution",
            environment={
                "JOBS_STATE_MACHINE_ARN": state_machine.state_machine_arn,
                "OFFERS_TABLE_NAME": storage.offers_table.table_name,
                "LABELS_TABLE_NAME": storage.labels_table.table_name,
                "USERS_TABLE_NAME": storage.users_table.table_name,
                "JOBS_TABLE_NAME": storage.jobs_table.table_name,
                "CANCELLATION_RETENTION_SECONDS": str(settings.result_ttl_seconds + settings.expired_result_grace_seconds),
                "RETRY_AFTER_SECONDS": str(settings.retry_after_seconds),
                "DELIVERY_STATE_MACHINE_ARN": delivery.state_machine_arn,
            },
            timeout=Duration.seconds(10),
        )
        # A stopped job starts no Delivery: the cancel hands its ABORTED event to Delivery (WebSocket push).
        delivery.grant_start_execution(self.cancel_job)
        # Executions of the Jobs state machine only (the ARN prefix), and conditional puts on the tables it guards.
        self.cancel_job.add_to_role_policy(iam.PolicyStatement(
            actions=["states:DescribeExecution", "states:StopExecution"], resources=[execution_arns]))
        for table in (storage.offers_table, storage.labels_table, storage.users_table, storage.jobs_table):
            table.grant(self.cancel_job, "dynamodb:PutItem")

    @property
    def api_functions(self) -> dict[str, lambda_.Function]:
        """The functions the API integrates with (aws_proxy), by their OpenAPI placeholder."""
        return {"OffersReaderFunctionArn": self.offers_reader, "CancelJobFunctionArn": self.cancel_job}

    @property
    def workflow_functions(self) -> dict[str, lambda_.Function]:
        """The functions the Jobs workflow invokes, by their ASL substitution key."""
        return {
            "ValidateJobFunctionArn": self.validate_job,
            "SearchWorkerFunctionArn": self.search_worker,
            "LabelWorkerFunctionArn": self.label_worker,
            "CreateUserFunctionArn": self.create_user,
            "DescribeFailureFunctionArn": self.describe_failure,
        }

    def _function(
        self,
        folder: str,
        *,
        description: str,
        environment: dict[str, str],
        timeout: Duration,
        memory_size: int = 256,
    ) -> lambda_.Function:
        construct_id = "".join(part.title() for part in folder.split("_"))
        if not (FUNCTIONS_DIR / folder / "app.py").is_file():
            raise FileNotFoundError(f"{FUNCTIONS_DIR / folder / 'app.py'} is missing: every function needs a handler")

        log_group = logs.LogGroup(
            self,
            f"{construct_id}Logs",
            retention=log_retention(self._settings.log_retention_days),
            # Logs outlive the stack for post-incident review; retention bounds their cost.
            removal_policy=RemovalPolicy.RETAIN,
        )
        # A role per function, granted only what that function uses (no AWS managed policies).
        role = iam.Role(
            self,
            f"{construct_id}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Stepgate {folder} Lambda execution role",
        )
        log_group.grant_write(role)

        return lambda_.Function(
            self,
            f"{construct_id}Function",
            description=description,
            runtime=RUNTIME,
            architecture=lambda_.Architecture.X86_64,
            code=self._code,
            handler=f"{folder}.app.handler",
            layers=[self._powertools],
            role=role,
            log_group=log_group,
            tracing=lambda_.Tracing.ACTIVE,
            timeout=timeout,
            memory_size=memory_size,
            environment={
                "POWERTOOLS_SERVICE_NAME": "stepgate",
                "POWERTOOLS_METRICS_NAMESPACE": "Stepgate",
                "LOG_LEVEL": self._settings.log_level,
                **environment,
            },
        )
