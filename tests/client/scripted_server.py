"""A real HTTP server on 127.0.0.1 answering scripted responses, for what the local cloud cannot yet do (429 quotas).

Each route has a list of answers served in order (the last repeats); every request is recorded.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int
    body: dict | None = None
    headers: dict = field(default_factory=dict)

    @classmethod
    def problem(cls, status: int, slug: str, **headers) -> "Answer":
        return cls(status, {"type": f"urn:stepgate:problem:{slug}", "title": slug, "status": status,
                            "detail": f"scripted {slug}"}, {"Content-Type": "application/problem+json", **headers})


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    at: float


class ScriptedServer:
    def __init__(self, script: dict[tuple[str, str], list[Answer]]):
        self.script = {route: list(answers) for route, answers in script.items()}
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                path = self.path.split("?")[0]
                server.seen.append(Seen(self.command, path, {k.lower(): v for k, v in self.headers.items()},
                                        time.monotonic()))
                answers = server.script.get((self.command, path)) or [Answer.problem(404, "not-found")]
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
                payload = json.dumps(answer.body).encode() if answer.body is not None else b""
                self.send_response(answer.status)
                headers = {"Content-Type": "application/json", **answer.headers}
                for name, value in headers.items():
                    # A callable is evaluated when served (e.g. an HTTP-date a few seconds from now).
                    self.send_header(name, value() if callable(value) else value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def requests(self, method: str, path: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.method == method and seen.path == path]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
