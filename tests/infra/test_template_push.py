"""The WebSocket API as deployed: api/websocket.yaml's routes, no Lambda anywhere, the API key on $connect,
the Subscribe machine, and @connections access scoped to this API's stage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.infra.template_view import PLACEHOLDER, as_list, sub_text

ROOT = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "api" / "websocket.yaml").read_text())
SUBSCRIBE_ASL = (ROOT / "statemachine" / "subscribe.asl.json").read_text()
SUBSCRIBE_SUBSTITUTIONS = {"SubscriptionsTableName", "SubscriptionTtlSeconds", "JobsExecutionArnPrefix",
                           "WebSocketApiEndpoint", "WebSocketStageName"}


@pytest.fixture(scope="module")
def websocket(resources):
    return resources.one("AWS::ApiGatewayV2::Api")


@pytest.fixture(scope="module")
def routes(resources):
    return {r["Properties"]["RouteKey"]: r["Properties"] for r in resources.of_type("AWS::ApiGatewayV2::Route").values()}


def integration_of(resources, route) -> dict:
    target = route["Target"]["Fn::Join"][1]
    assert target[0] == "integrations/"
    return resources.props(target[1]["Ref"])


def test_the_api_is_a_websocket_api_routed_by_action_and_keyed_by_header(websocket):
    _, api = websocket
    props = api["Properties"]
    assert props["ProtocolType"] == "WEBSOCKET"
    assert props["RouteSelectionExpression"] == "$request.body.action"
    assert props["ApiKeySelectionExpression"] == "$request.header.x-api-key"


def test_routes_are_exactly_the_spec_and_only_connect_takes_the_key(routes):
    assert set(routes) == set(SPEC["routes"]) == {"$connect", "$disconnect", "subscribe", "$default"}
    assert routes["$connect"]["ApiKeyRequired"] is True
    assert not any(route.get("ApiKeyRequired") for key, route in routes.items() if key != "$connect")


def test_no_lambda_on_any_route(resources, routes):
    for key, route in routes.items():
        integration = integration_of(resources, route)
        assert integration["IntegrationType"] in {"MOCK", "AWS"}, key
        assert "lambda" not in json.dumps(integration).lower(), key


def test_subscribe_runs_the_subscribe_machine_synchronously_with_the_spec_template(resources, routes):
    integration = integration_of(resources, routes["subscribe"])
    assert integration["IntegrationType"] == "AWS"
    assert sub_text(integration["IntegrationUri"]).endswith(":states:action/StartSyncExecution")
    template = sub_text(integration["RequestTemplates"]["$default"])
    spec_template = SPEC["routes"]["subscribe"]["integration"]["requestTemplates"]["$default"]
    # One source of truth: the deployed template is the spec's, placeholders filled by Fn::Sub.
    assert template == spec_template
    assert integration["RequestTemplates"]["$default"]["Fn::Sub"][1]["SubscribeStateMachineArn"] == {
        "Ref": "SubscribeStateMachine"}


def test_the_integration_role_may_only_run_the_subscribe_machine(resources, routes):
    integration = integration_of(resources, routes["subscribe"])
    role_id = integration["CredentialsArn"]["Fn::Sub"][1]["WebSocketRoleArn"]["Fn::GetAtt"][0]
    statements = resources.statements_of_role(role_id)
    assert [(as_list(s["Action"]), s["Resource"]) for s in statements] == [
        (["states:StartSyncExecution"], {"Ref": "SubscribeStateMachine"})]


def test_default_route_answers_an_error_event_naming_the_field(resources, routes):
    route = routes["$default"]
    assert route["RouteResponseSelectionExpression"] == "$default"
    (response,) = resources.of_type("AWS::ApiGatewayV2::IntegrationResponse").values()
    event = json.loads(response["Properties"]["ResponseTemplates"]["$default"])
    assert event["type"] == "error" and event["error"]["field"] == "action"
    assert event["error"]["type"] == "urn:stepgate:problem:validation-error"


def test_stage_is_the_rest_stage_name_with_access_logs_and_joins_the_usage_plan(resources, context):
    stage_id, stage = resources.one("AWS::ApiGatewayV2::Stage")
    assert stage["Properties"]["StageName"] == context["stageName"]
    assert stage["Properties"]["AccessLogSettings"]["DestinationArn"]["Fn::GetAtt"][1] == "Arn"
    _, plan = resources.one("AWS::ApiGateway::UsagePlan")
    assert {"ApiId": {"Ref": "WebSocketApi"}, "Stage": {"Ref": stage_id}} in plan["Properties"]["ApiStages"]


def test_output_websocket_url_is_the_stage_url(template, context):
    value = template["Outputs"]["WebSocketUrl"]["Value"]["Fn::Join"][1]
    assert value == [{"Fn::GetAtt": ["WebSocketApi", "ApiEndpoint"]}, f"/{context['stageName']}"]


def test_subscribe_machine_is_express_with_the_definition_inline(resources):
    props = resources.props("SubscribeStateMachine")
    assert props["StateMachineType"] == "EXPRESS"
    assert props["DefinitionString"] == SUBSCRIBE_ASL
    assert set(PLACEHOLDER.findall(SUBSCRIBE_ASL)) == set(props["DefinitionSubstitutions"]) == SUBSCRIBE_SUBSTITUTIONS
    assert props["DefinitionSubstitutions"]["SubscriptionTtlSeconds"] == "7200"  # API Gateway's 2 h connection limit


def manage_connections_statements(resources):
    return [(owner, s) for owner, s in resources.policy_statements()
            if any(a.startswith("execute-api:") for a in as_list(s["Action"]))]


def test_manage_connections_is_post_on_this_apis_stage_connections_only(resources, context):
    found = manage_connections_statements(resources)
    assert found, "no execute-api:ManageConnections grant"
    for owner, statement in found:
        assert as_list(statement["Action"]) == ["execute-api:ManageConnections"], owner
        parts = statement["Resource"]["Fn::Join"][1]
        assert {"Ref": "WebSocketApi"} in parts, owner
        assert parts[-1] == f"/{context['stageName']}/POST/@connections/*", owner
        assert ":execute-api:" in "".join(p for p in parts if isinstance(p, str)), owner


def test_subscriptions_table_has_ttl_encryption_and_job_connection_key(resources):
    props = resources.props("SubscriptionsTable")
    assert props["KeySchema"] == [{"AttributeName": "jobId", "KeyType": "HASH"},
                                  {"AttributeName": "connectionId", "KeyType": "RANGE"}]
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    assert props["SSESpecification"]["SSEEnabled"] is True


def test_the_subscribe_machine_reads_and_writes_subscriptions_and_describes_jobs_only(resources):
    role_id = resources.props("SubscribeStateMachine")["RoleArn"]["Fn::GetAtt"][0]
    actions = {a for s in resources.statements_of_role(role_id) for a in as_list(s["Action"])}
    assert {"dynamodb:PutItem", "dynamodb:GetItem", "states:DescribeExecution",
            "execute-api:ManageConnections"} <= actions
    assert not any(a.endswith("*") for a in actions)
    assert not any(a.startswith(("lambda:", "dynamodb:Delete", "states:Start")) for a in actions)


def test_events_url_is_in_the_202_body_and_the_status_document(api_body):
    def templates_with_events_url(node):
        if isinstance(node, dict):
            if "Fn::Sub" in node and '"eventsUrl":"${EventsUrl}"' in sub_text(node):
                yield node["Fn::Sub"][1]["EventsUrl"]
            else:
                for value in node.values():
                    yield from templates_with_events_url(value)
        elif isinstance(node, list):
            for value in node:
                yield from templates_with_events_url(value)

    found = list(templates_with_events_url(api_body["paths"]))
    # The three POSTs' accept template (one anchor) and the status template; all the WebSocket stage's URL.
    assert len(found) == 4
    assert all(value["Fn::Join"][1] == [{"Fn::GetAtt": ["WebSocketApi", "ApiEndpoint"]}, "/v1"] for value in found)
