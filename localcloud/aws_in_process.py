"""Calls to the local AWS endpoint from inside its own process, made without loopback HTTP.

The interpreter's tasks, the gateway's integrations and the cloud's own clients all run in
the process that serves the AWS endpoint. Over loopback each call cost a connection, a server
thread and HTTP parsing at both ends, all under the one GIL. Here the same request (method,
URL, signed headers, body) is handed to moto's WSGI app directly, so it is routed, throttled
(`api_quotas`) and answered exactly as one that came over the wire. Lambda workers (other
processes) and outside clients still use the HTTP endpoint.
"""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Callable
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from moto.core.botocore_stubber import MockRawResponse
from werkzeug.test import EnvironBuilder, run_wsgi_app

WsgiApp = Callable[..., Any]

_apps: dict[str, WsgiApp] = {}  # origin ("http://127.0.0.1:4566") -> the app behind it
_lock = threading.Lock()


def serve_in_process(host: str, port: int, app: WsgiApp) -> Callable[[], None]:
    """Route this process's calls to host:port (and localhost:port, the interpreter's name for it) to `app`.

    Returns the function that stops it."""
    origins = {f"http://{name}:{port}" for name in (host, "localhost", "127.0.0.1")}
    with _lock:
        _apps.update(dict.fromkeys(origins, app))

    def stop() -> None:
        with _lock:
            for origin in origins:
                if _apps.get(origin) is app:
                    del _apps[origin]

    return stop


def app_for(url: str) -> WsgiApp | None:
    parts = urllib.parse.urlsplit(url)
    return _apps.get(f"{parts.scheme}://{parts.netloc}")


def call(app: WsgiApp, method: str, url: str, headers: dict[str, str], body: bytes | None) -> tuple[int, dict[str, str], bytes]:
    """The app's (status, headers, body) for one request, as its HTTP server would have produced them."""
    parts = urllib.parse.urlsplit(url)
    builder = EnvironBuilder(path=parts.path or "/", base_url=f"{parts.scheme}://{parts.netloc}",
                             query_string=parts.query, method=method, headers=headers, data=body or b"")
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    environ["RAW_URI"] = environ["REQUEST_URI"] = parts.path + (f"?{parts.query}" if parts.query else "")
    app_iter, status, response_headers = run_wsgi_app(app, environ, buffered=True)
    try:
        content = b"".join(app_iter)
    finally:
        getattr(app_iter, "close", lambda: None)()
    return int(status.split(" ", 1)[0]), dict(response_headers.items()), content


def _send(request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
    """botocore's before-send hook: answer from the app when the client targets one served here."""
    app = app_for(request.url)
    if app is None:
        return None  # not ours: botocore sends it over HTTP as usual
    body = request.body
    if hasattr(body, "read"):
        body = body.read()
    elif isinstance(body, str):
        body = body.encode("utf-8")
    headers = {name: value.decode("latin-1") if isinstance(value, bytes) else value for name, value in request.headers.items()}
    status, headers, content = call(app, request.method, request.url, headers, body)
    return AWSResponse(request.url, status, headers, MockRawResponse(content))


def attach(client: Any) -> Any:
    """Make a botocore client's calls to an endpoint served in this process skip the network."""
    client.meta.events.register_first("before-send", _send, unique_id="localcloud-in-process")
    return client
