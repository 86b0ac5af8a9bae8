"""WebSocket push: the WebSocket API (defined only by api/websocket.yaml) and the Subscribe state machine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from aws_cdk import ArnFormat, CfnOutput, Fn, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from stacks.placeholders import substitute_placeholders
from stacks.settings import SUBSCRIBE_STATE_MACHINE_FILE, WEBSOCKET_API_FILE, Settings, log_retention
from stacks.state_machines import state_machine_from_asl
from stacks.storage import Storage

if TYPE_CHECKING:  # Delivery (imported by Workflow) needs this module first
    from stacks.workflow import Workflow

# API Gateway closes a WebSocket connection after 2 hours: a subscription cannot outlive it.
SUBSCRIPTION_TTL_SECONDS = 2 * 3600
# Step Functions keeps a closed execution 90 days: a stored terminal event is kept as long.
TERMINAL_EVENT_RETENTION_SECONDS = 90 * 24 * 3600


def route_logical_id(route_key: str) -> str:
    """`$connect` -> `Connect`, `subscribe` -> `Subscribe`: stable logical-id parts per route."""
    return route_key.lstrip("$").title().replace("-", "")


class Push(Construct):
    """The WebSocket API beside the REST API, its stage, the Subscribe machine and @connections access.

    Built in two steps: the API first (Delivery, which Jobs starts, posts to its connections), then
    `add_routes` once the Jobs workflow exists (the Subscribe machine describes its executions).
    """

    def __init__(self, scope: Construct, construct_id: str, *, settings: Settings,
                 spec_file: Path = WEBSOCKET_API_FILE) -> None:
        super().__init__(scope, construct_id)
        self.spec: dict[str, Any] = yaml.safe_load(spec_file.read_text())
        self.settings = settings
        self.stage_name = settings.stage_name

        self.api = apigwv2.CfnApi(
            self, "WebSocketApi",
            name=f"{Stack.of(self).stack_name}-events",
            protocol_type="WEBSOCKET",
            route_selection_expression=self.spec["routeSelectionExpression"],
            api_key_selection_expression=self.spec["apiKeySelectionExpression"],
            description="Stepgate events: subscribe to jobs, receive their progress and terminal events",
        )
        self.api.override_logical_id("WebSocketApi")
        # The host apigateway:invoke posts to (the task takes a host name, not a URL).
        self.api_host = Fn.sub("${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}", {"Api": self.api.ref})
        self.url = f"{self.api.attr_api_endpoint}/{self.stage_name}"

    def add_routes(self, storage: Storage, workflow: Workflow) -> None:
        """The Subscribe machine, the routes of api/websocket.yaml, the stage and the WebSocketUrl output."""
        settings, table = self.settings, storage.subscriptions_table
        # Every transition, no data: the input names connections.
        self.subscribe_machine, self.subscribe_logs = state_machine_from_asl(
            self, "Subscribe", asl_file=SUBSCRIBE_STATE_MACHINE_FILE, machine_type=sfn.StateMachineType.EXPRESS,
            settings=settings, include_execution_data=False, substitutions={
                "SubscriptionsTableName": table.table_name,
                "SubscriptionTtlSeconds": str(SUBSCRIPTION_TTL_SECONDS),
                "JobsExecutionArnPrefix": workflow.execution_arn(""),
                "WebSocketApiEndpoint": self.api_host,
                "WebSocketStageName": self.stage_name,
            },
        )
        table.grant(self.subscribe_machine, "dynamodb:PutItem", "dynamodb:GetItem")
        iam.Grant.add_to_principal(grantee=self.subscribe_machine, actions=["states:DescribeExecution"],
                                   resource_arns=[workflow.execution_arn()])
        self.grant_post_to_connections(self.subscribe_machine)

        # The role the WebSocket API's AWS integrations assume: run the Subscribe machine, nothing else.
        self.role = iam.Role(self, "IntegrationRole", assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
                             description="Stepgate WebSocket API integrations: run the Subscribe machine")
        self.subscribe_machine.grant_start_sync_execution(self.role)

        self.routes = self._routes({"WebSocketRoleArn": self.role.role_arn,
                                    "SubscribeStateMachineArn": self.subscribe_machine.state_machine_arn})
        self.stage = self._stage(settings)
        CfnOutput(Stack.of(self), "WebSocketUrl", value=self.url,
                  description="Push events: connect with x-api-key, send {\"action\":\"subscribe\",\"jobIds\":[...]}")

    def connections_arn(self, method: str = "POST") -> str:
        """execute-api:ManageConnections scope: this API's stage's @connections, one method."""
        return Stack.of(self).format_arn(
            service="execute-api", resource=self.api.ref,
            resource_name=f"{self.stage_name}/{method}/@connections/*", arn_format=ArnFormat.SLASH_RESOURCE_NAME,
        )

    def grant_post_to_connections(self, grantee: iam.IGrantable) -> iam.Grant:
        return iam.Grant.add_to_principal(grantee=grantee, actions=["execute-api:ManageConnections"],
                                          resource_arns=[self.connections_arn("POST")])

    def add_to_usage_plan(self, usage_plan: apigw.UsagePlan, rest_api_id: str, rest_stage: apigw.Stage) -> None:
        """The REST API's key opens the WebSocket API too: its stage joins the same usage plan."""
        plan = usage_plan.node.default_child
        assert isinstance(plan, apigw.CfnUsagePlan)
        plan.add_property_override("ApiStages", [
            {"ApiId": rest_api_id, "Stage": rest_stage.stage_name},
            {"ApiId": self.api.ref, "Stage": self.stage.ref},
        ])

    def _routes(self, variables: dict[str, str]) -> dict[str, apigwv2.CfnRoute]:
        routes = {}
        for route_key, definition in substitute_placeholders(self.spec["routes"], variables).items():
            name = route_logical_id(route_key)
            spec = definition["integration"]
            integration = apigwv2.CfnIntegration(
                self, f"{name}Integration", api_id=self.api.ref,
                integration_type=spec["type"],
                integration_method=spec.get("integrationMethod"),
                integration_uri=spec.get("integrationUri"),
                credentials_arn=spec.get("credentialsArn"),
                passthrough_behavior=spec.get("passthroughBehavior"),
                template_selection_expression=spec.get("templateSelectionExpression"),
                request_templates=spec.get("requestTemplates"),
            )
            integration.override_logical_id(f"WebSocket{name}Integration")
            route = apigwv2.CfnRoute(
                self, f"{name}Route", api_id=self.api.ref, route_key=route_key,
                api_key_required=definition.get("apiKeyRequired"),
                authorization_type="NONE",
                route_response_selection_expression=definition.get("routeResponseSelectionExpression"),
                target=f"integrations/{integration.ref}",
            )
            route.override_logical_id(f"WebSocket{name}Route")
            for key, response in (spec.get("responses") or {}).items():
                apigwv2.CfnIntegrationResponse(
                    self, f"{name}IntegrationResponse", api_id=self.api.ref, integration_id=integration.ref,
                    integration_response_key=key,
                    template_selection_expression=response.get("templateSelectionExpression"),
                    response_templates=response.get("responseTemplates"),
                ).override_logical_id(f"WebSocket{name}IntegrationResponse")
                apigwv2.CfnRouteResponse(
                    self, f"{name}RouteResponse", api_id=self.api.ref, route_id=route.ref, route_response_key=key,
                ).override_logical_id(f"WebSocket{name}RouteResponse")
            routes[route_key] = route
        return routes

    def _stage(self, settings: Settings) -> apigwv2.CfnStage:
        self.access_logs = logs.LogGroup(self, "AccessLogs", retention=log_retention(settings.log_retention_days),
                                         removal_policy=RemovalPolicy.RETAIN)
        stage = apigwv2.CfnStage(
            self, "Stage", api_id=self.api.ref, stage_name=self.stage_name,
            # Every route change deploys itself: no hand-kept Deployment resource to bump.
            auto_deploy=True,
            access_log_settings=apigwv2.CfnStage.AccessLogSettingsProperty(
                destination_arn=self.access_logs.log_group_arn,
                format=json.dumps({
                    "requestId": "$context.requestId", "connectionId": "$context.connectionId",
                    "eventType": "$context.eventType", "routeKey": "$context.routeKey",
                    "status": "$context.status", "requestTime": "$context.requestTime",
                    "integrationError": "$context.integrationErrorMessage", "apiKeyId": "$context.identity.apiKeyId",
                    "sourceIp": "$context.identity.sourceIp", "errorMessage": "$context.error.message",
                }),
            ),
            default_route_settings=apigwv2.CfnStage.RouteSettingsProperty(
                throttling_rate_limit=settings.throttle_rate_limit,
                throttling_burst_limit=settings.throttle_burst_limit,
                # Messages carry job ids only, but keep bodies out of logs like the REST stage.
                data_trace_enabled=False,
            ),
        )
        stage.override_logical_id("WebSocketStage")
        for route in self.routes.values():
            stage.node.add_dependency(route)
        return stage
