"""The local WebSocket API compiled from ApiGatewayV2 resources: route selection as API Gateway does it, and
start-up failures for what the local server cannot serve."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from localcloud.provisioning.stack import WebSocketApiResources
from localcloud.websocket import WebSocketBuildError, compile_websocket_api
from localcloud.websocket.connections import Connection, ConnectionRegistry, GoneConnection, new_connection_id

MOCK = {"IntegrationType": "MOCK", "TemplateSelectionExpression": "\\$default",
        "RequestTemplates": {"$default": '{"statusCode":200}'}}


def resources(**overrides) -> WebSocketApiResources:
    api = WebSocketApiResources(
        "abc123", route_selection_expression="$request.body.action",
        api_key_selection_expression="$request.header.x-api-key",
        routes={"r1": {"RouteKey": "$connect", "ApiKeyRequired": True, "Target": "integrations/i1"},
                "r2": {"RouteKey": "subscribe", "Target": "integrations/i2"},
                "r3": {"RouteKey": "$default", "Target": "integrations/i1"}},
        integrations={"i1": MOCK, "i2": {"IntegrationType": "AWS", "TemplateSelectionExpression": "\\$default",
                                         "IntegrationUri": "arn:aws:apigateway:us-east-1:states:action/StartSyncExecution",
                                         "RequestTemplates": {"$default": "{}"}}},
        stages={"s": {"StageName": "v1"}},
    )
    for name, value in overrides.items():
        setattr(api, name, value)
    return api


def test_routes_are_selected_by_the_body_field_else_default():
    api = compile_websocket_api(resources())
    assert api.stage == "v1" and api.api_key_header == "x-api-key"
    assert api.routes["$connect"].api_key_required and not api.routes["subscribe"].api_key_required
    assert api.select_route({"action": "subscribe"}).key == "subscribe"
    assert api.routes["subscribe"].integration.action == "StartSyncExecution"
    # Another action, a non-string, a message that is not JSON (None), and the $-routes by name: $default
    for document in ({"action": "other"}, {"action": 3}, None, ["subscribe"], {"action": "$connect"}):
        assert api.select_route(document).key == "$default"


@pytest.mark.parametrize("overrides, complaint", [
    ({"route_selection_expression": "${request.body.action}"}, "route selection"),
    ({"api_key_selection_expression": "$context.authorizer.usageIdentifierKey"}, "API key selection"),
    ({"integrations": {"i1": {**MOCK, "TemplateSelectionExpression": "$request.body.kind"},
                       "i2": MOCK}}, "template selection"),
    ({"integrations": {"i1": MOCK, "i2": {"IntegrationType": "AWS_PROXY", "IntegrationUri": "x"}}}, "AWS_PROXY"),
    ({"stages": {}}, "one stage"),
])
def test_what_cannot_be_served_fails_start_up_by_name(overrides, complaint):
    with pytest.raises(WebSocketBuildError, match=complaint.replace("$", r"\$")):
        compile_websocket_api(resources(**overrides))


def test_an_unknown_connection_is_gone():
    registry = ConnectionRegistry()
    with pytest.raises(GoneConnection):
        registry.post(new_connection_id(), b"{}")
    assert len(new_connection_id()) == 16 and new_connection_id().endswith("=")


def test_a_failed_send_drops_the_connection_and_says_why(caplog):
    """The posting workflow only sees a 410, which its Catch takes quietly: the log is where the reason shows."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    class ClosedSocket:
        async def send(self, text):
            raise ConnectionResetError("peer went away")

    registry = ConnectionRegistry()
    connection_id = new_connection_id()
    registry.add(Connection(connection_id, ClosedSocket(), loop, "127.0.0.1", "test"))
    try:
        with caplog.at_level(logging.WARNING, "localcloud.websocket"), pytest.raises(GoneConnection):
            registry.post(connection_id, b"{}")
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
    assert len(registry) == 0
    assert f"@connections post to {connection_id} failed (ConnectionResetError: peer went away)" in caplog.text
