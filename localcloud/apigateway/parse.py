"""Parse: the WSGI environ becomes a `GatewayRequest` (request id, time, headers, body)."""

from __future__ import annotations

import time
import urllib.parse
import uuid

from localcloud.apigateway.context import GatewayRequest


def request_from_environ(environ: dict) -> GatewayRequest:
    # PEP 3333 hands the decoded path over as latin-1 code points of the raw bytes.
    path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", errors="replace")
    headers: dict[str, list[str]] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers.setdefault(key[5:].replace("_", "-").lower(), []).append(value)
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = [environ["CONTENT_TYPE"]]
    return GatewayRequest(
        method=environ.get("REQUEST_METHOD", "GET").upper(),
        path=path,
        query=urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True),
        headers=headers,
        body=_body(environ),
        request_id=str(uuid.uuid4()),
        epoch_ms=int(time.time() * 1000),
        source_ip=environ.get("REMOTE_ADDR", "127.0.0.1"),
        host=(headers.get("host") or ["localhost"])[-1],
    )


def _body(environ: dict) -> bytes:
    stream = environ["wsgi.input"]
    if environ.get("wsgi.input_terminated"):  # chunked uploads: the server marks the end of the stream
        return stream.read()
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return stream.read(length) if length > 0 else b""
