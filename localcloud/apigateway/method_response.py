"""Method response: the status line and headers sent to the client, with API Gateway's request id."""

from __future__ import annotations

import http
from collections.abc import Callable, Iterable

from localcloud.apigateway.context import GatewayRequest, GatewayResponse


def send(response: GatewayResponse, request: GatewayRequest, start_response: Callable) -> Iterable[bytes]:
    try:
        reason = http.HTTPStatus(response.status).phrase
    except ValueError:  # a status a template chose that HTTP has no name for
        reason = ""
    headers = {**response.headers, "x-amzn-RequestId": request.request_id, "Content-Length": str(len(response.body))}
    start_response(f"{response.status} {reason}".strip(), [(name, _wire(value)) for name, value in headers.items()])
    return [response.body]


def _wire(value: str) -> str:
    """A header value WSGI can send: UTF-8 octets as latin-1 code points, no line breaks to inject headers."""
    return str(value).replace("\r", " ").replace("\n", " ").encode("utf-8").decode("latin-1")
