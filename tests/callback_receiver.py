"""A webhook receiver on 127.0.0.1 for tests: verifies each delivery as a real receiver would.

It answers `failures` deliveries with 503 first, then 204; every delivery's verification result
is kept, so a test can assert both what was sent and that it was authentic. With `hold` set, each
answer waits until the event is set (at most 4 s: the sender gives up after 5 s), so a test can see
the delivery in flight.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from stepgate_client.webhooks import WebhookVerificationError, verify


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes
    event: dict | None
    verification_error: str | None
    answered: int


@dataclass
class CallbackReceiver:
    secret: str
    failures: int = 0
    hold: threading.Event | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/stepgate"

    def __enter__(self) -> "CallbackReceiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                if receiver.hold is not None:
                    receiver.hold.wait(4)
                headers = {name.lower(): value for name, value in self.headers.items()}
                try:
                    event, problem = verify(receiver.secret, headers, body), None
                except WebhookVerificationError as error:
                    event, problem = None, str(error)
                with receiver._lock:
                    failing = len(receiver.deliveries) < receiver.failures
                    status = 503 if failing else (204 if problem is None else 400)
                    receiver.deliveries.append(Delivery(headers, body, event, problem, status))
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
