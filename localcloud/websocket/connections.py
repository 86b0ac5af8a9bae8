"""The live WebSocket connections, addressed by connection id as @connections addresses them.

The local WebSocket server registers each connection after its handshake; the @connections endpoint
(moto's apigatewaymanagementapi, and Step Functions' apigateway:invoke) posts through here from
other threads. An unknown id is a gone connection: API Gateway answers 410 for it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from typing import Any

LOG = logging.getLogger("localcloud.websocket")
SEND_TIMEOUT_SECONDS = 10


class GoneConnection(LookupError):
    """No such connection (never was, or closed): @connections answers 410 GoneException."""


@dataclass
class Connection:
    connection_id: str
    websocket: Any  # websockets.asyncio.server.ServerConnection
    loop: asyncio.AbstractEventLoop
    source_ip: str
    user_agent: str
    connected_at: float = field(default_factory=time.time)
    last_active_at: float = field(default_factory=time.time)


_ID_ALPHABET = string.ascii_letters + string.digits


def new_connection_id() -> str:
    """Shaped like API Gateway's (`L0SM9cOFvHcCIhw=`): 15 letters or digits and `=`, safe in a path."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(15)) + "="


class ConnectionRegistry:
    def __init__(self) -> None:
        self._connections: dict[str, Connection] = {}
        self._lock = threading.Lock()

    def add(self, connection: Connection) -> None:
        with self._lock:
            self._connections[connection.connection_id] = connection

    def remove(self, connection_id: str) -> Connection | None:
        with self._lock:
            return self._connections.pop(connection_id, None)

    def get(self, connection_id: str) -> Connection:
        with self._lock:
            connection = self._connections.get(connection_id)
        if connection is None:
            raise GoneConnection(connection_id)
        return connection

    def post(self, connection_id: str, data: bytes) -> None:
        """Send one text frame (as API Gateway does for UTF-8 data); waits until it is written."""
        connection = self.get(connection_id)
        text = data.decode("utf-8", errors="replace")
        future = asyncio.run_coroutine_threadsafe(connection.websocket.send(text), connection.loop)
        try:
            future.result(timeout=SEND_TIMEOUT_SECONDS)
        except Exception as error:  # closed while sending: as gone as an unknown id
            # Said out loud: the workflow that posted only sees a 410, which its Catch takes quietly.
            LOG.warning("@connections post to %s failed (%s: %s); the connection is dropped", connection_id,
                        type(error).__name__, error)
            self.remove(connection_id)
            raise GoneConnection(connection_id) from error
        connection.last_active_at = time.time()

    def close(self, connection_id: str) -> None:
        """DELETE @connections/{id}: the server closes the connection."""
        connection = self.get(connection_id)
        asyncio.run_coroutine_threadsafe(connection.websocket.close(1000, "closed by @connections"), connection.loop)

    def __len__(self) -> int:
        with self._lock:
            return len(self._connections)


# One per process: moto's threads and the WebSocket server's loop meet here.
CONNECTIONS = ConnectionRegistry()
