"""Fake WebSocket connections for the workflow tests: what @connections posts to them is recorded."""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field

from localcloud.websocket.connections import CONNECTIONS, Connection, new_connection_id


@dataclass
class RecordingSocket:
    frames: list[str] = field(default_factory=list)

    async def send(self, text: str) -> None:
        self.frames.append(text)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        pass

    def events(self) -> list[dict]:
        return [json.loads(frame) for frame in self.frames]


class Subscribers:
    """Connections registered where @connections finds them, served by one event loop thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="fake-connections")
        self._thread.start()

    def connect(self) -> tuple[str, RecordingSocket]:
        connection_id, socket = new_connection_id(), RecordingSocket()
        CONNECTIONS.add(Connection(connection_id, socket, self.loop, "127.0.0.1", "tests"))
        return connection_id, socket

    @staticmethod
    def disconnect(connection_id: str) -> None:
        CONNECTIONS.remove(connection_id)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
