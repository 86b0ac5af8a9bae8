"""A real WebSocket server on 127.0.0.1 (websockets' sync server in a thread) that plays a script after a subscribe.

It speaks the protocol of README "WebSocket push" (x-api-key on the handshake, `subscribe` then JSON frames), so
the SDK's push and each of its fallbacks are tested over the real protocol before and beside the local cloud.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve


@dataclass
class Frame:
    """Send this document (after `delay` seconds)."""

    document: dict
    delay: float = 0.0


@dataclass
class Raw:
    """Send this text as is (e.g. not JSON)."""

    text: str


@dataclass
class Gate:
    """Hold the script until the test opens the gate (e.g. once it saw the previous event's effect)."""

    opened: threading.Event = field(default_factory=threading.Event)
    timeout: float = 120.0


@dataclass
class Silence:
    seconds: float


@dataclass
class Drop:
    """End the connection: abruptly (TCP shut, no close frame) or with a close frame."""

    abrupt: bool = True


Step = Frame | Raw | Gate | Silence | Drop


def acked(*job_ids: str) -> Frame:
    return Frame({"type": "subscribed", "jobIds": list(job_ids)})


def progress(job_id: str, step: str, kind: str = "user") -> Frame:
    return Frame({"type": "progress", "jobId": job_id, "kind": kind, "step": step, "status": "RUNNING",
                  "at": "2030-01-01T00:00:00.500Z"})


def terminal(job_id: str, status: str = "SUCCEEDED", kind: str = "user", **extra) -> Frame:
    return Frame({"type": "terminal", "jobId": job_id, "kind": kind, "status": status,
                  "finishedAt": "2030-01-01T00:00:01Z", **extra})


@dataclass
class Seen:
    headers: dict[str, str]
    messages: list[dict] = field(default_factory=list)


class ScriptedSocketServer:
    """Requires `api_key` on the handshake (else 403, as API Gateway's $connect); plays `script` per connection."""

    def __init__(self, script: list[Step], api_key: str = "key"):
        self.script = script
        self.api_key = api_key
        self.connections: list[Seen] = []
        self.refused = 0
        # Set on close: scripts stop waiting, so shutting down does not wait out their silences.
        self._closing = threading.Event()
        self._server = serve(self._serve, "127.0.0.1", 0, process_request=self._check_key)
        self.url = f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/v1"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _check_key(self, connection: ServerConnection, request):
        if request.headers.get("x-api-key") != self.api_key:
            self.refused += 1
            return connection.respond(403, "Forbidden\n")
        return None

    def _serve(self, connection: ServerConnection) -> None:
        seen = Seen({name.lower(): value for name, value in connection.request.headers.raw_items()})
        self.connections.append(seen)
        try:
            seen.messages.append(json.loads(connection.recv(timeout=10)))
            for step in self.script:
                if isinstance(step, Frame):
                    time.sleep(step.delay)
                    connection.send(json.dumps(step.document))
                elif isinstance(step, Raw):
                    connection.send(step.text)
                elif isinstance(step, Gate):
                    step.opened.wait(step.timeout)
                elif isinstance(step, Silence):
                    self._closing.wait(step.seconds)
                elif step.abrupt:
                    connection.socket.shutdown(socket.SHUT_RDWR)
                    return
                else:
                    connection.close(code=1001, reason="going away")
                    return
            for message in connection:
                seen.messages.append(json.loads(message))
        except (ConnectionClosed, OSError, TimeoutError):
            pass

    def close(self) -> None:
        self._closing.set()
        for step in self.script:
            if isinstance(step, Gate):
                step.opened.set()
        self._server.shutdown()
