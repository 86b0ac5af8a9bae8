"""Every mapping template in api/openapi.yaml: request and response templates and gateway responses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

OPENAPI_FILE = Path(__file__).resolve().parents[2] / "api" / "openapi.yaml"


def api_templates(spec: dict | None = None) -> Iterator[tuple[str, str]]:
    """(where, template) for every mapping template of the API, `where` naming it for messages."""
    spec = spec if spec is not None else yaml.safe_load(OPENAPI_FILE.read_text())
    for path, item in (spec.get("paths") or {}).items():
        for method, operation in item.items():
            integration = operation.get("x-amazon-apigateway-integration") if isinstance(operation, dict) else None
            if not integration:
                continue
            for content_type, template in (integration.get("requestTemplates") or {}).items():
                yield f"{method.upper()} {path} request template ({content_type})", template
            for selection, response in (integration.get("responses") or {}).items():
                for content_type, template in (response.get("responseTemplates") or {}).items():
                    yield f"{method.upper()} {path} response {selection!r} ({content_type})", template
    for name, response in (spec.get("x-amazon-apigateway-gateway-responses") or {}).items():
        for content_type, template in (response.get("responseTemplates") or {}).items():
            yield f"gateway response {name} ({content_type})", template
