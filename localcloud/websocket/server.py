"""The local WebSocket API: the real protocol (the pinned `websockets` library) on WS_PORT, serving the
routes of the synthesized template as API Gateway does:

- handshake on `/<stage>`: the `$connect` route's API key check (403 otherwise), then its integration;
- each text message: route selection (`$request.body.<field>`, else `$default`), the route's integration
  with its templates, and for a two-way route the integration response as a frame;
- close: the `$disconnect` route; the connection is gone for @connections (410) from then on.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request

from localcloud.websocket.api import Route, WebSocketApi
from localcloud.websocket.connections import CONNECTIONS, Connection, ConnectionRegistry, new_connection_id
from localcloud.websocket.integrations import run_integration

LOG = logging.getLogger("localcloud.websocket")
# API Gateway's limits: a message is at most 128 KB; an idle connection closes after 10 minutes (not mimicked).
MAX_MESSAGE_BYTES = 128 * 1024
# Many clients connect at once (make bench-polling MODES=websocket: 1,000 in a second): a deep accept queue, a
# generous handshake timeout, and enough threads that subscribes waiting on their workflow never starve handshakes.
ACCEPT_BACKLOG = 2048
HANDSHAKE_TIMEOUT_SECONDS = 60
INTEGRATION_THREADS = 64


class WebSocketGateway:
    def __init__(self, api: WebSocketApi, *, api_keys: set[str], aws_endpoint: str, region: str, account_id: str,
                 host: str, port: int, connections: ConnectionRegistry = CONNECTIONS) -> None:
        self.api, self.api_keys, self.aws_endpoint, self.region = api, api_keys, aws_endpoint, region
        self.account_id, self.host, self.port, self.connections = account_id, host, port, connections
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}/{self.api.stage}"

    def start(self) -> None:
        ready = threading.Event()
        failure: list[BaseException] = []

        async def main() -> None:
            self._loop, self._stopped = asyncio.get_running_loop(), asyncio.Event()
            self._loop.set_default_executor(ThreadPoolExecutor(INTEGRATION_THREADS, thread_name_prefix="ws-route"))
            try:
                server = await serve(self._session, self.host, self.port, process_request=self._handshake,
                                     max_size=MAX_MESSAGE_BYTES, server_header=None, backlog=ACCEPT_BACKLOG,
                                     open_timeout=HANDSHAKE_TIMEOUT_SECONDS)
            except OSError as error:
                failure.append(error)
                ready.set()
                return
            ready.set()
            async with server:
                await self._stopped.wait()

        self._thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True, name="websocket-gateway")
        self._thread.start()
        ready.wait(timeout=30)
        if failure:
            raise OSError(f"{self.host}:{self.port} is already in use; set WS_PORT to another port") from failure[0]

    def stop(self) -> None:
        if self._loop is not None and self._stopped is not None:
            self._loop.call_soon_threadsafe(self._stopped.set)
        if self._thread is not None:
            self._thread.join(timeout=10)

    # --- $connect ---
    async def _handshake(self, websocket: ServerConnection, request: Request):
        if request.path.split("?")[0].rstrip("/") != f"/{self.api.stage}":
            return websocket.respond(HTTPStatus.FORBIDDEN, '{"message":"Forbidden"}\n')
        route = self.api.routes.get("$connect")
        api_key = request.headers.get(self.api.api_key_header or "x-api-key", "")
        if route is not None and route.api_key_required and api_key not in self.api_keys:
            return websocket.respond(HTTPStatus.FORBIDDEN, '{"message":"Forbidden"}\n')
        connection_id = new_connection_id()
        websocket.stepgate = {  # what the later events of this connection need
            "connection_id": connection_id, "api_key": api_key if api_key in self.api_keys else "",
            "source_ip": (websocket.remote_address or ("127.0.0.1",))[0],
            "user_agent": request.headers.get("user-agent", ""), "connected_at": int(time.time() * 1000),
        }
        if route is not None:
            outcome = await self._run(route, "CONNECT", websocket, "")
            if outcome is None or outcome.status != 200:
                return websocket.respond(HTTPStatus.INTERNAL_SERVER_ERROR, '{"message":"Internal server error"}\n')
        self.connections.add(Connection(connection_id, websocket, asyncio.get_running_loop(),
                                        websocket.stepgate["source_ip"], websocket.stepgate["user_agent"]))
        return None

    # --- messages, then $disconnect ---
    async def _session(self, websocket: ServerConnection) -> None:
        connection_id = websocket.stepgate["connection_id"]
        try:
            async for message in websocket:
                text = message if isinstance(message, str) else message.decode("utf-8", errors="replace")
                route = self.api.select_route(_json_or_none(text))
                if route is None:
                    await websocket.send('{"message": "Forbidden", "connectionId":"%s"}' % connection_id)
                    continue
                outcome = await self._run(route, "MESSAGE", websocket, text)
                if outcome is None:
                    await websocket.send(json.dumps({"message": "Internal server error",
                                                     "connectionId": connection_id}))
                elif outcome.reply is not None:
                    await websocket.send(outcome.reply)
        except ConnectionClosed:
            pass
        finally:
            self.connections.remove(connection_id)
            route = self.api.routes.get("$disconnect")
            if route is not None:
                await self._run(route, "DISCONNECT", websocket, "")

    async def _run(self, route: Route, event_type: str, websocket: ServerConnection, body: str):
        """AWS integrations off the event loop (one may wait on a workflow that posts back to this loop); a MOCK
        only renders templates, so handshakes never queue behind subscribes for a thread."""
        context = self._context(route, event_type, websocket)
        try:
            if route.integration.type == "MOCK":
                return run_integration(route, body, context, self.aws_endpoint, self.region)
            return await asyncio.to_thread(run_integration, route, body, context, self.aws_endpoint, self.region)
        except Exception:  # noqa: BLE001 - API Gateway answers an integration failure, it does not crash
            LOG.exception("route %s of connection %s failed", route.key, context["connectionId"])
            return None

    def _context(self, route: Route, event_type: str, websocket: ServerConnection) -> dict:
        """$context of a WebSocket event, with API Gateway's WebSocket variable names."""
        info = websocket.stepgate
        epoch_ms = int(time.time() * 1000)
        request_id = str(uuid.uuid4())
        identity = {"sourceIp": info["source_ip"], "userAgent": info["user_agent"]}
        if info["api_key"]:
            identity.update(apiKey=info["api_key"],
                            apiKeyId=hashlib.sha256(info["api_key"].encode()).hexdigest()[:10])
        return {
            "routeKey": route.key, "eventType": event_type, "messageDirection": "IN",
            "messageId": request_id[:16] if event_type == "MESSAGE" else None,
            "connectionId": info["connection_id"], "connectedAt": info["connected_at"],
            "requestId": request_id, "extendedRequestId": request_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(epoch_ms / 1000)),
            "requestTimeEpoch": epoch_ms, "stage": self.api.stage, "apiId": self.api.api_id,
            "domainName": f"{self.host}:{self.port}", "accountId": self.account_id, "identity": identity,
        }


def _json_or_none(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None
