"""The REST API, defined only by api/openapi.yaml; this construct fills its placeholders."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from aws_cdk import ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from stacks.admission import Admission
from stacks.openapi_spec import deployable_spec
from stacks.placeholders import substitute_placeholders
from stacks.polling import retry_after_table_json, status_retry_after_seconds
from stacks.settings import OPENAPI_FILE, Settings, log_retention
from stacks.storage import Storage
from stacks.workers import Workers
from stacks.workflow import Workflow

# The smallest (and cheapest) API Gateway cache, in GB.
STATUS_CACHE_CLUSTER_SIZE = "0.5"
# CDK's method_options key: resource path + "/" + HTTP method.
STATUS_METHOD_PATH = "/jobs/{jobId}/GET"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def operations(spec: dict[str, Any]):
    """(path, METHOD, operation) for every operation in the spec."""
    for path, item in (spec.get("paths") or {}).items():
        for method, operation in item.items():
            if method.lower() in HTTP_METHODS:
                yield path, method.upper(), operation


class Api(Construct):
    """SpecRestApi + stage logging + API key and usage plan + the role its AWS integrations assume."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        storage: Storage,
        workers: Workers,
        workflow: Workflow,
        admission: Admission,
        events_url: str,
        spec_file: Path = OPENAPI_FILE,
    ) -> None:
        super().__init__(scope, construct_id)
        state_machine = workflow.state_machine
        self.spec = yaml.safe_load(spec_file.read_text())

        # The role API Gateway assumes for its AWS service integrations (x-amazon-apigateway-integration.credentials).
        self.role = iam.Role(
            self,
            "IntegrationRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            description="Stepgate API Gateway service integrations: admit and read Jobs, read results, write uploads",
        )
        # POSTs run the admission workflow, which alone starts jobs (once per Idempotency-Key).
        admission.state_machine.grant_start_sync_execution(self.role)
        # A job id is an execution name: the ARN prefix confines status reads to Jobs executions.
        # (Cancelling is the cancel_job Lambda's, not this role's.)
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["states:DescribeExecution"],
                resources=[workflow.execution_arn()],
            )
        )
        # The labels are read with a Query whose filter decides expiry (no date arithmetic in VTL).
        storage.labels_table.grant(self.role, "dynamodb:Query")
        storage.users_table.grant(self.role, "dynamodb:GetItem")
        # GET /jobs/{jobId}/callback reads the outcome the Delivery workflow records.
        storage.jobs_table.grant(self.role, "dynamodb:GetItem")
        storage.grant_uploads(self.role, "s3:PutObject")

        variables = {
            "ApiRoleArn": self.role.role_arn,
            "AdmissionStateMachineArn": admission.state_machine.state_machine_arn,
            "JobsStateMachineName": state_machine.state_machine_name,
            **{placeholder: fn.function_arn for placeholder, fn in workers.api_functions.items()},
            "LabelsTableName": storage.labels_table.table_name,
            "UsersTableName": storage.users_table.table_name,
            "JobsTableName": storage.jobs_table.table_name,
            "UploadsBucketName": storage.uploads_bucket.bucket_name,
            "RetryAfterSeconds": str(settings.retry_after_seconds),
            # The Retry-After rule, computed here: templates cannot do arithmetic (stacks/polling.py).
            "RetryAfterByKind": retry_after_table_json(settings),
            "StatusRetryAfterSeconds": str(status_retry_after_seconds(settings)),
            # The WebSocket stage's absolute URL (wss://...): the 202 body and the status document carry it.
            "EventsUrl": events_url,
        }
        body = substitute_placeholders(deployable_spec(self.spec), variables)

        self.access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=log_retention(settings.log_retention_days),
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.rest_api = apigw.SpecRestApi(
            self,
            "RestApi",
            api_definition=apigw.ApiDefinition.from_inline(body),
            description="Stepgate: asynchronous request/reply jobs (202 Accepted, poll /jobs/{jobId})",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # Account-level logging role is managed below, least-privilege, instead of the managed-policy one.
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name=settings.stage_name,
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=self._access_log_format(),
                tracing_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                # Request/response bodies carry user emails: keep them out of execution logs.
                data_trace_enabled=False,
                metrics_enabled=True,
                **self._status_cache_options(settings),
            ),
        )
        self.stage = self.rest_api.deployment_stage
        self.cloudwatch_role: iam.Role | None = None
        if settings.manage_api_gateway_account:
            self._account_logging_role()

        self.api_key = apigw.ApiKey(self, "ApiKey", description="Stepgate client key (x-api-key)")
        self.usage_plan = self.rest_api.add_usage_plan(
            "UsagePlan",
            description="Stepgate default clients",
            throttle=apigw.ThrottleSettings(
                rate_limit=settings.throttle_rate_limit, burst_limit=settings.throttle_burst_limit
            ),
            quota=(
                apigw.QuotaSettings(limit=settings.quota_per_day, period=apigw.Period.DAY)
                if settings.quota_per_day
                else None
            ),
            api_stages=[apigw.UsagePlanPerApiStage(api=self.rest_api, stage=self.stage)],
        )
        self.usage_plan.add_api_key(self.api_key)

        self._allow_proxy_invocations(workers, settings.stage_name)

        # SpecRestApi's own URL output, under a name scripts can rely on.
        endpoint = self.rest_api.node.find_child("Endpoint")
        assert isinstance(endpoint, CfnOutput)
        endpoint.override_logical_id("ApiUrl")

    @staticmethod
    def _status_cache_options(settings: Settings) -> dict[str, Any]:
        """The stage cache, for GET /jobs/{jobId} only (keyed on jobId by the spec's cacheKeyParameters).

        Off (no cache cluster, which is billed by the hour) when statusCacheSeconds is 0.
        """
        if not settings.status_cache_seconds:
            return {}
        return {
            "cache_cluster_enabled": True,
            "cache_cluster_size": STATUS_CACHE_CLUSTER_SIZE,
            # Stage-wide (*/*): no other method reads the cache.
            "caching_enabled": False,
            "method_options": {
                STATUS_METHOD_PATH: apigw.MethodDeploymentOptions(
                    caching_enabled=True,
                    cache_ttl=Duration.seconds(settings.status_cache_seconds),
                    cache_data_encrypted=True,
                    # A method's own settings replace the stage's: keep its logging and metrics.
                    logging_level=apigw.MethodLoggingLevel.ERROR,
                    data_trace_enabled=False,
                    metrics_enabled=True,
                )
            },
        }

    def has_request_validation(self) -> bool:
        """True when every operation is covered by an x-amazon-apigateway-request-validator."""
        default = self.spec.get("x-amazon-apigateway-request-validator")
        validators = self.spec.get("x-amazon-apigateway-request-validators") or {}
        return bool(validators) and all(
            (op.get("x-amazon-apigateway-request-validator") or default) in validators
            for _, _, op in operations(self.spec)
        )

    def _allow_proxy_invocations(self, workers: Workers, stage_name: str) -> None:
        """Lambda integrations: a resource policy per operation scoped to this API, stage, method and path
        (or, if the spec passes credentials, lambda:InvokeFunction for the integration role)."""
        for path, method, operation in operations(self.spec):
            integration = operation.get("x-amazon-apigateway-integration") or {}
            uri = str(integration.get("uri", ""))
            function = next((fn for placeholder, fn in workers.api_functions.items() if f"${{{placeholder}}}" in uri), None)
            if function is None:
                continue
            if integration.get("credentials"):
                iam.Grant.add_to_principal(
                    grantee=self.role, actions=["lambda:InvokeFunction"], resource_arns=[function.function_arn]
                )
                continue
            execute_path = re.sub(r"\{[^}]+\}", "*", path)
            function.add_permission(
                f"Invoke{method.title()}{re.sub(r'[^A-Za-z0-9]', '', path.title())}",
                principal=iam.ServicePrincipal("apigateway.amazonaws.com"),
                action="lambda:InvokeFunction",
                source_arn=self.rest_api.arn_for_execute_api(method, execute_path, stage_name),
            )

    def _account_logging_role(self) -> None:
        """API Gateway's per-region account setting: the role it uses to write execution logs.

        The account setting is shared by every REST API in the region, so the role may write to any
        `API-Gateway-Execution-Logs_*` group, but to nothing else. Turn off with context
        `manageApiGatewayAccount=false` where a platform team already owns it.
        """
        stack = Stack.of(self)
        execution_logs = stack.format_arn(
            service="logs",
            resource="log-group",
            resource_name="API-Gateway-Execution-Logs_*",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        all_log_groups = stack.format_arn(
            service="logs", resource="log-group", resource_name="*", arn_format=ArnFormat.COLON_RESOURCE_NAME
        )
        role = iam.Role(
            self,
            "CloudWatchRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            description="API Gateway account-level execution logging (all REST APIs in this region)",
            # Inline, so the permissions exist before the account setting (which API Gateway validates) refers to it.
            inline_policies={
                "ExecutionLogs": iam.PolicyDocument(
                    statements=[
                        iam.PolicyStatement(
                            actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                                     "logs:DescribeLogStreams"],
                            resources=[execution_logs],
                        ),
                        # DescribeLogGroups is a list action: it has no per-group resource.
                        iam.PolicyStatement(actions=["logs:DescribeLogGroups"], resources=[all_log_groups]),
                    ]
                )
            },
        )
        self.cloudwatch_role = role
        account = apigw.CfnAccount(self, "Account", cloud_watch_role_arn=role.role_arn)
        # Keep the account pointing at a role on stack deletion: other APIs in the region may rely on it.
        account.apply_removal_policy(RemovalPolicy.RETAIN)
        role.apply_removal_policy(RemovalPolicy.RETAIN)
        # The stage's execution logging is rejected until the account has a role.
        self.stage.node.add_dependency(account)

    @staticmethod
    def _access_log_format() -> apigw.AccessLogFormat:
        f = apigw.AccessLogField
        return apigw.AccessLogFormat.custom(
            json.dumps(
                {
                    "requestId": f.context_request_id(),
                    "extendedRequestId": f.context_extended_request_id(),
                    "requestTime": f.context_request_time(),
                    "httpMethod": f.context_http_method(),
                    "resourcePath": f.context_resource_path(),
                    "path": f.context_path(),
                    "status": f.context_status(),
                    "protocol": f.context_protocol(),
                    "responseLength": f.context_response_length(),
                    "responseLatency": f.context_response_latency(),
                    "integrationStatus": f.context_integration_status(),
                    "integrationLatency": f.context_integration_latency(),
                    "integrationError": "$context.integration.error",
                    "errorType": f.context_error_response_type(),
                    "errorMessage": f.context_error_message(),
                    "apiKeyId": f.context_identity_api_key_id(),
                    "sourceIp": f.context_identity_source_ip(),
                    "userAgent": f.context_identity_user_agent(),
                    "xrayTraceId": f.context_xray_trace_id(),
                }
            )
        )
