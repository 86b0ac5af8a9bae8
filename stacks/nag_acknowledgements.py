"""Every cdk-nag finding Stepgate accepts, on the narrowest construct, with the reason.

cdk-nag 3.x ids are `<pack>::<rule>[<finding>]`, one acknowledgement per finding. Token ids such
as `<UploadsBucket.Arn>` are stable because stacks/storage.py and stacks/workflow.py pin those
logical ids.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct

if TYPE_CHECKING:
    from stacks.stepgate_stack import StepgateStack

PACK = "AwsSolutions::AwsSolutions"
UPLOADS_OBJECTS = f"{PACK}-IAM5[Resource::<UploadsBucket.Arn>/uploads/*]"
JOBS_EXECUTIONS = (
    f"{PACK}-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<JobsStateMachine.Name>:*]"
)
EXECUTION_LOG_GROUPS = (
    f"{PACK}-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:API-Gateway-Execution-Logs_*]"
)
ALL_LOG_GROUPS = f"{PACK}-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*]"
ANY_RESOURCE = f"{PACK}-IAM5[Resource::*]"


def _ack(scope: IConstruct, rule: str, reason: str) -> None:
    Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))


def _default_policy(role) -> IConstruct:
    """The role's grant policy: narrower than the role, so a later inline policy is still checked."""
    return role.node.find_child("DefaultPolicy")


def acknowledge_nag_findings(stack: "StepgateStack") -> None:
    storage, workers, workflow, admission, api, push = (stack.storage, stack.workers, stack.workflow, stack.admission,
                                                        stack.api, stack.push)

    # --- storage ---
    for table in (storage.offers_table, storage.labels_table, storage.jobs_table):
        _ack(table, f"{PACK}-DDB3",
             "Items live at most resultTtlMinutes plus expiredResultGraceMinutes (DynamoDB TTL) and are recomputed by re-submitting "
             "the job; point-in-time recovery would back up expiring cache entries only. UsersTable has it.")
    _ack(storage.idempotency_table, f"{PACK}-DDB3",
         "Idempotency records live idempotencyKeyRetentionHours (DynamoDB TTL); losing them only means a retried "
         "POST with the same key is answered 409 (key expired) instead of a replay. No job is lost.")

    _ack(storage.subscriptions_table, f"{PACK}-DDB3",
         "Subscriptions live at most 2 hours (API Gateway's connection limit, DynamoDB TTL); the stored terminal "
         "events are copies of what DescribeExecution and the status URL serve. Nothing here needs restoring.")

    # --- workers ---
    for fn in (workers.validate_job, workers.search_worker, workers.label_worker, workers.create_user,
               workers.offers_reader, workers.cancel_job, workers.deliver_callback, workers.describe_failure):
        _ack(fn, f"{PACK}-L1",
             "Pinned to Python 3.13 on purpose: the AWS Powertools layer is resolved from "
             "/aws/service/powertools/python/x86_64/python3.13/latest (docs/ARCHITECTURE.md); move both together.")
        _ack(_default_policy(fn.role), ANY_RESOURCE,
             "Only xray:PutTraceSegments/PutTelemetryRecords (tracing ACTIVE), which have no resource-level "
             "permissions" + ("; and rekognition:DetectLabels, which has none either." if fn is workers.label_worker
                              else "."))
    for fn in (workers.validate_job, workers.label_worker):
        _ack(_default_policy(fn.role), UPLOADS_OBJECTS,
             "s3:GetObject on the uploads/ prefix only: object keys are uploads/<requestId>/<name>, chosen per "
             "request by the API, so the prefix is the narrowest stable scope.")

    _ack(_default_policy(workers.cancel_job.role), JOBS_EXECUTIONS,
         "DescribeExecution/StopExecution on executions of the Jobs state machine only; the wildcard is the "
         "execution name, i.e. the job id the client asks to cancel.")

    _ack(workers.callback_secret, f"{PACK}-SMG4",
         "The callback signing secret is shared with every webhook receiver; an automatic rotation would break "
         "their verification. Rotate by hand (docs: README, callbacks) while receivers accept both signatures.")

    # --- workflow ---
    _ack(_default_policy(workflow.state_machine.role), ANY_RESOURCE,
         "CDK's logging and tracing statements: CloudWatch Logs vended-delivery actions (logs:CreateLogDelivery, "
         "PutResourcePolicy, DescribeLogGroups, ...) and X-Ray PutTraceSegments/GetSampling* support only "
         "Resource '*'. Lambda and DynamoDB grants are scoped to the exact ARNs.")

    # --- delivery ---
    _ack(_default_policy(stack.delivery.state_machine.role), ANY_RESOURCE,
         "CDK's logging and tracing statements: CloudWatch Logs vended-delivery actions and X-Ray "
         "PutTraceSegments/GetSampling* support only Resource '*'. Lambda and DynamoDB grants are exact ARNs.")

    # --- admission ---
    _ack(_default_policy(admission.state_machine.role), ANY_RESOURCE,
         "CDK's logging and tracing statements: CloudWatch Logs vended-delivery actions and X-Ray "
         "PutTraceSegments/GetSampling* support only Resource '*'. Start and DynamoDB grants are exact ARNs.")
    _ack(_default_policy(admission.state_machine.role), JOBS_EXECUTIONS,
         "DescribeExecution on executions of the Jobs state machine only: a replayed Idempotency-Key reads the "
         "status of the job it started earlier; the wildcard is that job's id.")

    # --- api ---
    _ack(_default_policy(api.role), JOBS_EXECUTIONS,
         "DescribeExecution on executions of the Jobs state machine only; the wildcard is the "
         "execution name, i.e. the client's job id, unknown until the job is accepted.")
    _ack(_default_policy(api.role), UPLOADS_OBJECTS,
         "PUT /uploads/{name} writes uploads/<requestId>/<name>; the key is per request, so the uploads/ prefix "
         "is the narrowest scope.")
    if api.has_request_validation():
        _ack(api.rest_api, f"{PACK}-APIG2",
             "Request validation is declared in api/openapi.yaml (x-amazon-apigateway-request-validators, on every "
             "operation), which cdk-nag cannot see inside the inline OpenAPI body; checked at synth by "
             "Api.has_request_validation().")
    _ack(api.stage, f"{PACK}-APIG3",
         "No WAF web ACL yet: every method requires an API key and the usage plan throttles and caps each key; "
         "attach a regional WAFv2 web ACL when the API is opened to untrusted clients.")
    if api.cloudwatch_role is not None:
        _ack(api.cloudwatch_role, EXECUTION_LOG_GROUPS,
             "API Gateway's account-level logging role serves every REST API in the region, each writing its own "
             "API-Gateway-Execution-Logs_<apiId>/<stage> group; it may write to those groups and no others.")
        _ack(api.cloudwatch_role, ALL_LOG_GROUPS,
             "logs:DescribeLogGroups only: a list action that IAM authorises on log-group:* (no per-group resource).")

    # --- push (WebSocket API) ---
    subscribe_policy = _default_policy(push.subscribe_machine.role)
    _ack(subscribe_policy, ANY_RESOURCE,
         "CDK's logging and tracing statements: CloudWatch Logs vended-delivery actions and X-Ray "
         "PutTraceSegments/GetSampling* support only Resource '*'. DynamoDB and @connections grants are exact.")
    _ack(subscribe_policy, JOBS_EXECUTIONS,
         "DescribeExecution on executions of the Jobs state machine only: a subscriber names the jobs (their ids "
         "are execution names) it wants the terminal event of.")
    _ack(subscribe_policy, connections_ack(push.stage_name),
         "execute-api:ManageConnections for POST on this WebSocket API's stage only; the wildcard is the "
         "connection id, which API Gateway assigns per client connection.")
    _ack(_default_policy(stack.delivery.state_machine.role), connections_ack(push.stage_name),
         "execute-api:ManageConnections for POST on this WebSocket API's stage only (the Push branch posts each "
         "event to the job's subscribers); the wildcard is the connection id API Gateway assigns per client.")
    for route_key, route in push.routes.items():
        _ack(route, f"{PACK}-APIG4",
             "$connect requires the stage's API key (the REST API's usage plan); every other route is reachable "
             "only over a connection that passed it. IAM or a Lambda authorizer would take clients' AWS "
             "credentials or a Lambda on the path." if route_key != "$connect" else
             "API key required (apiKeyRequired, the REST API's usage plan and key): the same credential as the "
             "REST API, checked by API Gateway before the handshake completes (403 otherwise).")


def connections_ack(stage_name: str) -> str:
    """The IAM5 finding id of the @connections scope (the stage name is a literal in it)."""
    return (f"{PACK}-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:"
            f"<WebSocketApi>/{stage_name}/POST/@connections/*]")
