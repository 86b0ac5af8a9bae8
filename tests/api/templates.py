"""Render the real templates of api/openapi.yaml as API Gateway would for one request."""

from __future__ import annotations

import json

from localcloud.vtl import RenderResult, render_template, request_context
from tests.api.api_spec import integration

# 2026-11-22T07:56:35.123Z
REQUEST_EPOCH_MS = 1795334195123


def context(resource_path: str, method: str = "GET", epoch_ms: int = REQUEST_EPOCH_MS, request_id: str = "req-1",
            api_key_id: str = "") -> dict:
    return request_context(request_id=request_id, epoch_ms=epoch_ms, stage="v1", http_method=method,
                           resource_path=resource_path, path=f"/v1{resource_path}", api_key_id=api_key_id)


def render_request(path: str, method: str, *, body: str = "", path_params: dict | None = None,
                   headers: dict | None = None, content_type: str = "application/json", **context_args) -> RenderResult:
    template = integration(path, method)["requestTemplates"][content_type]
    return render_template(template, body=body, path_params=path_params or {}, headers=headers or {},
                           context=context(path, method.upper(), **context_args))


def render_response(path: str, method: str, selection: str, backend_body: dict | str, *,
                    path_params: dict | None = None, **context_args) -> RenderResult:
    response = integration(path, method)["responses"][selection]
    body = backend_body if isinstance(backend_body, str) else json.dumps(backend_body)
    return render_template(response["responseTemplates"]["application/json"], body=body,
                           path_params=path_params or {}, context=context(path, method.upper(), **context_args))
