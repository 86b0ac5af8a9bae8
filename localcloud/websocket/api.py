"""A WebSocket API compiled from its provisioned AWS::ApiGatewayV2 resources: routes, their integrations
and responses, the stage. Anything the local server cannot serve fails start-up, naming the route."""

from __future__ import annotations

import re
from dataclasses import dataclass

from localcloud.provisioning.stack import WebSocketApiResources

STATIC_DEFAULT = "\\$default"  # a template selection expression that always picks the `$default` template
_BODY_FIELD = re.compile(r"^\$request\.body\.([A-Za-z0-9_]+)$")
_HEADER = re.compile(r"^\$request\.header\.([A-Za-z0-9_-]+)$")
_AWS_ACTION = re.compile(r"^arn:[^:]+:apigateway:[^:]*:(?P<service>states|dynamodb):action/(?P<action>[A-Za-z]+)$")


class WebSocketBuildError(RuntimeError):
    """The template holds a WebSocket route the local server cannot serve."""


@dataclass(frozen=True)
class Integration:
    type: str  # MOCK | AWS
    request_template: str | None
    service: str | None = None
    action: str | None = None
    response_template: str | None = None  # the `$default` integration response's template


@dataclass(frozen=True)
class Route:
    key: str
    api_key_required: bool
    integration: Integration
    two_way: bool  # a route response exists: the integration response is sent back to the client


@dataclass(frozen=True)
class WebSocketApi:
    api_id: str
    stage: str
    route_field: str  # $request.body.<route_field> selects the route
    api_key_header: str | None
    routes: dict[str, Route]

    def select_route(self, document: object) -> Route | None:
        """The route for a message (its JSON document, or None when it is not JSON): else `$default`."""
        key = document.get(self.route_field) if isinstance(document, dict) else None
        if isinstance(key, str) and key in self.routes and not key.startswith("$"):
            return self.routes[key]
        return self.routes.get("$default")


def compile_websocket_api(resources: WebSocketApiResources) -> WebSocketApi:
    where = f"WebSocket API {resources.api_id}"
    route_field = _BODY_FIELD.match(resources.route_selection_expression or "")
    if not route_field:
        raise WebSocketBuildError(f"{where}: route selection {resources.route_selection_expression!r} is not served "
                                  "locally (only $request.body.<field>)")
    api_key_header = None
    if resources.api_key_selection_expression:
        header = _HEADER.match(resources.api_key_selection_expression)
        if not header:
            raise WebSocketBuildError(f"{where}: API key selection {resources.api_key_selection_expression!r} is not "
                                      "served locally (only $request.header.<name>)")
        api_key_header = header.group(1).lower()
    if len(resources.stages) != 1:
        raise WebSocketBuildError(f"{where}: expected one stage, found {len(resources.stages)}")
    stage = next(iter(resources.stages.values()))["StageName"]

    responses = {props["IntegrationId"]: props for props in resources.integration_responses.values()}
    two_way_routes = {props["RouteId"] for props in resources.route_responses.values()}
    routes = {}
    for route_id, props in resources.routes.items():
        key = props["RouteKey"]
        target = props.get("Target") or ""
        integration_id = target.removeprefix("integrations/")
        if integration_id not in resources.integrations:
            raise WebSocketBuildError(f"{where}: route {key} has no integration ({target!r})")
        integration = _integration(f"{where} route {key}", resources.integrations[integration_id],
                                   responses.get(integration_id))
        routes[key] = Route(key, bool(props.get("ApiKeyRequired")), integration, route_id in two_way_routes)
    return WebSocketApi(resources.api_id, stage, route_field.group(1), api_key_header, routes)


def _integration(where: str, props: dict, response: dict | None) -> Integration:
    kind = props["IntegrationType"]
    request_template = _default_template(where, props.get("TemplateSelectionExpression"), props.get("RequestTemplates"))
    response_template = None
    if response is not None:
        if response.get("IntegrationResponseKey") != "$default":
            raise WebSocketBuildError(f"{where}: only the $default integration response is served locally")
        response_template = _default_template(where, response.get("TemplateSelectionExpression"),
                                              response.get("ResponseTemplates"))
    if kind == "MOCK":
        return Integration("MOCK", request_template, response_template=response_template)
    if kind == "AWS":
        action = _AWS_ACTION.match(props.get("IntegrationUri") or "")
        if not action:
            raise WebSocketBuildError(f"{where}: AWS integration {props.get('IntegrationUri')!r} is not served locally")
        return Integration("AWS", request_template, action.group("service"), action.group("action"),
                           response_template)
    raise WebSocketBuildError(f"{where}: integration type {kind} is not served locally")


def _default_template(where: str, selection: str | None, templates: dict | None) -> str | None:
    if not templates:
        return None
    if selection not in (None, STATIC_DEFAULT) or "$default" not in templates:
        raise WebSocketBuildError(f"{where}: template selection {selection!r} is not served locally (only \\$default)")
    return templates["$default"]
