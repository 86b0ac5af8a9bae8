"""The REST API as deployed: api/openapi.yaml with every placeholder filled, no Lambda on the accept path."""

from __future__ import annotations

import json
import re

import pytest

from tests.infra.template_view import PLACEHOLDER, as_list, operations, sub_text

# docs/ARCHITECTURE.md, "API placeholders".
API_PLACEHOLDERS = {
    "ApiRoleArn", "AdmissionStateMachineArn", "JobsStateMachineName", "OffersReaderFunctionArn", "CancelJobFunctionArn",
    "LabelsTableName", "UsersTableName", "JobsTableName", "UploadsBucketName", "RetryAfterSeconds", "RetryAfterByKind",
    "StatusRetryAfterSeconds", "EventsUrl",
}
PROSE_KEYS = {"description", "summary"}
PSEUDO = re.compile(r"AWS::(Region|Partition|AccountId|URLSuffix|StackName)$")
JOBS_EXECUTION_PREFIX = "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${JobsStateMachineName}:"


def integration(api_body, path: str, method: str) -> dict:
    return api_body["paths"][path][method.lower()]["x-amazon-apigateway-integration"]


def walk(node):
    """Yield (text, Fn::Sub variables or None for a plain string) for every string in the body but prose."""
    if isinstance(node, dict):
        if set(node) == {"Fn::Sub"}:
            sub = node["Fn::Sub"]
            yield (sub, {}) if isinstance(sub, str) else (sub[0], sub[1])
            return
        for key, value in node.items():
            if key not in PROSE_KEYS:
                yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)
    elif isinstance(node, str):
        yield node, None


def test_every_placeholder_is_filled_by_fn_sub_with_a_known_variable(api_body):
    seen = set()
    for text, variables in walk(api_body):
        names = set(PLACEHOLDER.findall(text))
        if variables is None:
            assert not names, f"a ${{...}} left outside Fn::Sub: {text[:120]!r}"
            continue
        for name in names:
            if PSEUDO.match(name) or name.startswith("!"):
                continue
            assert name in API_PLACEHOLDERS, f"unknown placeholder {name!r}"
            assert name in variables, f"{name!r} has no value in its Fn::Sub"
            seen.add(name)
        assert set(variables) <= names, f"unused Fn::Sub variables {set(variables) - names} (cfn-lint W1019)"
    assert {"ApiRoleArn", "AdmissionStateMachineArn", "JobsStateMachineName"} <= seen


@pytest.mark.parametrize("path", ["/searches", "/recognitions", "/users"])
def test_accept_path_runs_the_admission_workflow_without_lambda(api_body, path):
    accept = integration(api_body, path, "POST")
    assert accept["type"].lower() == "aws", "accept path must be an AWS service integration, not a Lambda"
    # Synchronously: the answer (202, or 409 for a reused Idempotency-Key) depends on the admission's outcome.
    assert re.fullmatch(r"arn:\$\{AWS::Partition\}:apigateway:\$\{AWS::Region\}:states:action/StartSyncExecution",
                        sub_text(accept["uri"]))
    assert sub_text(accept["credentials"]) == "${ApiRoleArn}"
    for request_template in accept["requestTemplates"].values():
        # Only the admission state machine can be run, and it alone starts Jobs executions.
        assert "${AdmissionStateMachineArn}" in sub_text(request_template)


def test_job_status_can_only_describe_jobs_executions(api_body):
    status = integration(api_body, "/jobs/{jobId}", "GET")
    assert status["type"].lower() == "aws"
    assert sub_text(status["uri"]).endswith(":states:action/DescribeExecution")
    assert sub_text(status["credentials"]) == "${ApiRoleArn}"
    for request_template in status["requestTemplates"].values():
        arns = re.findall(r'"executionArn"\s*:\s*"([^"]*)"', sub_text(request_template))
        assert arns and all(arn.startswith(JOBS_EXECUTION_PREFIX) for arn in arns), arns


def test_integration_role_runs_admission_and_reads_jobs_only(resources, state_machine, admission_machine):
    sm_id, _ = state_machine
    admission_id, _ = admission_machine
    _, api = resources.one("AWS::ApiGateway::RestApi")
    role_id = next(v for _, v in walk(api["Properties"]["Body"]) if v and "ApiRoleArn" in v)["ApiRoleArn"]["Fn::GetAtt"][0]
    statements = resources.statements_of_role(role_id)
    by_action = {a: s for s in statements for a in as_list(s["Action"])}
    assert by_action["states:StartSyncExecution"]["Resource"] == {"Ref": admission_id}
    executions = by_action["states:DescribeExecution"]["Resource"]["Fn::Join"][1]
    assert executions[-3:] == [":execution:", {"Fn::GetAtt": [sm_id, "Name"]}, ":*"]
    # Starting jobs is the admission's (once per key); cancelling is the cancel_job Lambda's.
    assert {a for a in by_action if a.startswith("states:")} == {"states:StartSyncExecution", "states:DescribeExecution"}


def test_api_key_is_required_on_every_method(api_spec):
    schemes = api_spec.get("components", {}).get("securitySchemes", {})
    api_key_schemes = {
        name for name, scheme in schemes.items()
        if scheme.get("type") == "apiKey" and scheme.get("in") == "header" and scheme.get("name", "").lower() == "x-api-key"
    }
    assert api_key_schemes, "no x-api-key security scheme"
    assert api_spec.get("x-amazon-apigateway-api-key-source", "HEADER") == "HEADER"
    for path, method, operation in operations(api_spec):
        requirements = operation.get("security", api_spec.get("security", []))
        assert requirements and all(set(r) & api_key_schemes for r in requirements), f"{method} {path} has no API key"


def test_usage_plan_throttles_and_caps_the_stage_from_context(resources, context):
    plan_id, plan = resources.one("AWS::ApiGateway::UsagePlan")
    props = plan["Properties"]
    assert props["Throttle"] == {"RateLimit": context["throttleRateLimit"], "BurstLimit": context["throttleBurstLimit"]}
    if context.get("quotaPerDay"):
        assert props["Quota"] == {"Limit": context["quotaPerDay"], "Period": "DAY"}
    stage_id, _ = resources.one("AWS::ApiGateway::Stage")
    assert props["ApiStages"][0]["Stage"] == {"Ref": stage_id}
    key_id, _ = resources.one("AWS::ApiGateway::ApiKey")
    _, link = resources.one("AWS::ApiGateway::UsagePlanKey")
    assert link["Properties"]["UsagePlanId"] == {"Ref": plan_id} and link["Properties"]["KeyId"] == {"Ref": key_id}


def test_stage_logs_traces_and_measures(resources, context):
    _, stage = resources.one("AWS::ApiGateway::Stage")
    props = stage["Properties"]
    assert props["StageName"] == context["stageName"]
    assert props["TracingEnabled"] is True
    assert props["AccessLogSetting"]["Format"].startswith("{")
    [settings] = props["MethodSettings"]
    assert settings["LoggingLevel"] in {"ERROR", "INFO"} and settings["MetricsEnabled"] is True
    assert settings["DataTraceEnabled"] is False


def test_proxy_functions_may_be_invoked_by_this_api_only(resources, api_body):
    permissions = resources.of_type("AWS::Lambda::Permission")
    api_id, _ = resources.one("AWS::ApiGateway::RestApi")
    # One per aws_proxy operation: GET offers (offers_reader) and DELETE /jobs/{jobId} (cancel_job).
    assert len(permissions) == 2, "every proxy function needs an invoke permission for API Gateway"
    sources = [str(p["Properties"]["SourceArn"]["Fn::Join"][1][-1]) for p in permissions.values()]
    assert any("/DELETE/jobs/*" in source for source in sources), sources
    for permission in permissions.values():
        props = permission["Properties"]
        assert props["Principal"] == "apigateway.amazonaws.com" and props["Action"] == "lambda:InvokeFunction"
        source = props["SourceArn"]["Fn::Join"][1]
        assert {"Ref": api_id} in source and not str(source[-1]).startswith("/*/*")


def test_the_deployed_body_carries_the_one_accept_template_per_method_and_no_anchor_section(api_body):
    # The anchor in api/openapi.yaml is the source; API Gateway needs the text on each method.
    assert "x-stepgate-templates" not in api_body
    templates = [integration(api_body, path, "POST")["requestTemplates"]["application/json"]
                 for path in ("/searches", "/recognitions", "/users")]
    assert templates[0] == templates[1] == templates[2]


def test_labels_are_read_by_a_query_the_role_may_run_on_the_labels_table_only(api_body, resources):
    labels = integration(api_body, "/recognitions/{jobId}/labels", "GET")
    assert sub_text(labels["uri"]).endswith(":dynamodb:action/Query")
    _, api = resources.one("AWS::ApiGateway::RestApi")
    role_id = next(v for _, v in walk(api["Properties"]["Body"]) if v and "ApiRoleArn" in v)["ApiRoleArn"]["Fn::GetAtt"][0]
    queries = [s for s in resources.statements_of_role(role_id) if "dynamodb:Query" in as_list(s["Action"])]
    assert len(queries) == 1 and "LabelsTable" in json.dumps(queries[0]["Resource"])


def test_the_callback_outcome_is_read_by_get_item_on_the_jobs_table(api_body, resources):
    read = integration(api_body, "/jobs/{jobId}/callback", "GET")
    assert read["type"].lower() == "aws"
    assert sub_text(read["uri"]).endswith(":dynamodb:action/GetItem")
    assert sub_text(read["credentials"]) == "${ApiRoleArn}"
    [role] = [name for name in resources.of_type("AWS::IAM::Role") if name.startswith("ApiIntegrationRole")]
    on_jobs_table = {a for s in resources.statements_of_role(role) for a in as_list(s["Action"])
                     if {"Fn::GetAtt": ["JobsTable", "Arn"]} in as_list(s["Resource"])}
    assert on_jobs_table == {"dynamodb:GetItem"}
