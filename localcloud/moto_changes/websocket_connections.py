"""@connections reaches the local WebSocket server's live connections.

Step Functions' `arn:aws:states:::apigateway:invoke` with `Path: /@connections/{id}` (moto sent it to
`<ApiEndpoint>/<stage>/_user_request_/...`, LocalStack's URL scheme), and moto's API Gateway Management API
backend (it stored the data and delivered nothing; moto's server does not route `execute-api` requests to it
yet, so this serves in-process use). Both answer 410
GoneException for a connection that is not (or no longer) there; the task then fails with `ApiGateway.410`
(moto's name; AWS's documentation writes `APIGateway.<status>`, so the ASL catches both).
moto's copy also kept only ApiEndpoint and Method of the task's parameters (AWS documents all of
ApiEndpoint, Method, Headers, Stage, Path, QueryParameters, RequestBody, AllowNullValues, AuthType), called
the task with a keyword it does not take, and its error mapping omitted the history context (`FailureEvent(env=...)`): any failed
call crashed the execution with a TypeError instead of a catchable error; `_from_error` here passes it.
"""

from __future__ import annotations

import http
import json
import re
from typing import Any

import requests
from moto.apigatewaymanagementapi import models as management_models
from moto.core.exceptions import JsonRESTError
from moto.stepfunctions.parser.api import HistoryEventType, TaskFailedEventDetails
from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEvent
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_api_gateway as sfn_api_gateway,
)

from localcloud.websocket.connections import CONNECTIONS, GoneConnection

_EXECUTE_API_HOST = re.compile(r"^(https?://)?[a-z0-9]+\.execute-api\.[a-z0-9-]+\.amazonaws\.com/?$")
_CONNECTIONS_PATH = re.compile(r"^/?@connections/(?P<id>[^/?]+)$")
_ORIGINALS: dict[str, Any] = {}


class GoneException(JsonRESTError):
    code = 410

    def __init__(self) -> None:
        super().__init__("GoneException", "")


def _post_to_connection(self, data: bytes, connection_id: str) -> None:
    try:
        CONNECTIONS.post(connection_id, data)
    except GoneConnection:
        raise GoneException() from None


def _get_connection(self, connection_id: str) -> management_models.Connection:
    try:
        live = CONNECTIONS.get(connection_id)
    except GoneConnection:
        raise GoneException() from None
    connection = management_models.Connection()
    connection.connected_at, connection.source_ip, connection.user_agent = (
        live.connected_at, live.source_ip, live.user_agent)
    return connection


def _delete_connection(self, connection_id: str) -> None:
    try:
        CONNECTIONS.close(connection_id)
    except GoneConnection:
        raise GoneException() from None


def _gone_response() -> requests.Response:
    response = requests.Response()
    response.status_code = 410
    response._content = json.dumps({"message": None}).encode()
    return response


def _eval_service_task(self, env, resource_runtime_part, normalised_parameters, *args, **kwargs):
    parameters = normalised_parameters
    connection = _CONNECTIONS_PATH.match(parameters.get("Path") or "")
    if not (_EXECUTE_API_HOST.match(parameters.get("ApiEndpoint") or "") and connection):
        return _ORIGINALS["eval"](self, env, resource_runtime_part, normalised_parameters, *args, **kwargs)
    method, connection_id = parameters["Method"].upper(), connection.group("id")
    try:
        if method == "POST":
            body = parameters.get("RequestBody")
            data = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"))
            CONNECTIONS.post(connection_id, data.encode("utf-8"))
            response_body: Any = {}
        elif method == "DELETE":
            CONNECTIONS.close(connection_id)
            response_body = {}
        else:
            live = CONNECTIONS.get(connection_id)
            response_body = {"connectedAt": live.connected_at, "identity": {"sourceIp": live.source_ip}}
    except GoneConnection:
        raise sfn_api_gateway.SfnGatewayException(parameters=parameters, response=_gone_response()) from None
    env.stack.append(sfn_api_gateway.InvokeOutput(
        Headers={"Content-Type": ["application/json"]}, ResponseBody=response_body,
        StatusCode=200, StatusText=http.HTTPStatus(200).phrase))


_TASK_PARAMETERS = {"ApiEndpoint", "Method", "Headers", "Stage", "Path", "QueryParameters", "RequestBody",
                    "AllowNullValues", "AuthType"}


def _supported_parameters(self) -> set[str]:
    return set(_TASK_PARAMETERS)


def _from_error(self, env, ex: Exception) -> FailureEvent:
    if isinstance(ex, sfn_api_gateway.SfnGatewayException):
        error_name, cause = f"ApiGateway.{ex.response.status_code}", ex.response.text
    else:
        error_name, cause = f"ApiGateway.{ex.__class__.__name__}", str(ex)
    return FailureEvent(
        env=env, error_name=CustomErrorName(error_name), event_type=HistoryEventType.TaskFailed,
        event_details=EventDetails(taskFailedEventDetails=TaskFailedEventDetails(
            error=error_name, cause=cause, resource=self._get_sfn_resource(),
            resourceType=self._get_sfn_resource_type())),
    )


def install_websocket_connections() -> None:
    if _ORIGINALS:
        return
    backend = management_models.ApiGatewayManagementApiBackend
    _ORIGINALS.update(post=backend.post_to_connection, get=backend.get_connection, delete=backend.delete_connection,
                      eval=sfn_api_gateway.StateTaskServiceApiGateway._eval_service_task,
                      from_error=sfn_api_gateway.StateTaskServiceApiGateway._from_error,
                      supported=sfn_api_gateway.StateTaskServiceApiGateway._get_supported_parameters)
    backend.post_to_connection, backend.get_connection, backend.delete_connection = (
        _post_to_connection, _get_connection, _delete_connection)
    sfn_api_gateway.StateTaskServiceApiGateway._eval_service_task = _eval_service_task
    sfn_api_gateway.StateTaskServiceApiGateway._from_error = _from_error
    sfn_api_gateway.StateTaskServiceApiGateway._get_supported_parameters = _supported_parameters


def uninstall_websocket_connections() -> None:
    if not _ORIGINALS:
        return
    backend = management_models.ApiGatewayManagementApiBackend
    backend.post_to_connection, backend.get_connection, backend.delete_connection = (
        _ORIGINALS["post"], _ORIGINALS["get"], _ORIGINALS["delete"])
    sfn_api_gateway.StateTaskServiceApiGateway._eval_service_task = _ORIGINALS["eval"]
    sfn_api_gateway.StateTaskServiceApiGateway._from_error = _ORIGINALS["from_error"]
    sfn_api_gateway.StateTaskServiceApiGateway._get_supported_parameters = _ORIGINALS["supported"]
    _ORIGINALS.clear()
