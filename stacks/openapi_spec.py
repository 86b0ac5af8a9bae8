"""api/openapi.yaml as sent to API Gateway (no CDK import: the API tests use it too)."""

from __future__ import annotations

from typing import Any

# Top-level section of api/openapi.yaml that only holds YAML anchors (the one accept template, ...).
TEMPLATE_ANCHORS_KEY = "x-stepgate-templates"


def deployable_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec without its anchor section: each operation already holds the expanded text, and API
    Gateway (which has no templates shared between methods) would only store a fourth, unused copy."""
    return {key: value for key, value in spec.items() if key != TEMPLATE_ANCHORS_KEY}
