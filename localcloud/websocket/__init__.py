"""The local WebSocket API (README "Push: the WebSocket API"): `api.py` compiles the template's
AWS::ApiGatewayV2 resources, `server.py` serves them with the real protocol, `integrations.py` runs a
route's integration and templates, `connections.py` holds the live connections @connections posts to."""

from localcloud.websocket.api import WebSocketApi, WebSocketBuildError, compile_websocket_api
from localcloud.websocket.connections import CONNECTIONS, ConnectionRegistry, GoneConnection
from localcloud.websocket.server import WebSocketGateway

__all__ = ["CONNECTIONS", "ConnectionRegistry", "GoneConnection", "WebSocketApi", "WebSocketBuildError",
           "WebSocketGateway", "compile_websocket_api"]
