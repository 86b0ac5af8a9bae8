"""API Gateway mapping templates rendered offline: airspeed-ext plus API Gateway's $input, $util, $context.

API Gateway runs Velocity 1.7 on the JVM, so template values are Java objects. This package gives
airspeed's Python values the Java behaviour templates rely on (localcloud.vtl.java), Velocity 1.7's
evaluation and whitespace (localcloud.vtl.velocity) and API Gateway's variables
(localcloud.vtl.variables). tests/parity holds the AWS-recorded cases it is checked against; docs/VTL.md
maps each construct to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from airspeed import Template

from localcloud.vtl import velocity
from localcloud.vtl.escaping import escape_javascript
from localcloud.vtl.java import to_string
from localcloud.vtl.jsonpath import json_path
from localcloud.vtl.variables import Input, Util, request_context, template_context

__all__ = [
    "RenderResult",
    "escape_javascript",
    "json_path",
    "render_template",
    "request_context",
]


@dataclass(frozen=True)
class RenderResult:
    """A rendered template and what it wrote to $context.responseOverride / requestOverride."""

    output: str
    status_override: int | None = None
    header_overrides: dict[str, str] = field(default_factory=dict)
    request_overrides: dict[str, dict[str, str]] = field(default_factory=dict)
    # The raw override maps, for the response template of the same request (render_template(carried=)).
    overrides: dict = field(default_factory=dict, repr=False)


def render_template(
    template: str,
    *,
    body: str = "",
    path_params: dict | None = None,
    query_params: dict | None = None,
    headers: dict | None = None,
    context: dict | None = None,
    stage_variables: dict | None = None,
    carried: RenderResult | None = None,
) -> RenderResult:
    """Render one mapping template; `context` is typically built by request_context().

    Pass the request template's result as `carried` when rendering the response template of the same
    request: the overrides the request template set are visible there, as on API Gateway.
    """
    ctx = template_context(context or {}, carried.overrides if carried else None)
    namespace = {
        "input": Input(body, path_params or {}, query_params or {}, headers or {}),
        "util": Util(),
        "context": ctx,
        "stageVariables": dict(stage_variables or {}),
    }
    output = _compiled(template).merge(namespace)
    overrides = {"requestOverride": ctx["requestOverride"], "responseOverride": ctx["responseOverride"]}
    status = overrides["responseOverride"].get("status")
    return RenderResult(
        output=output,
        status_override=int(status) if status not in (None, "") else None,
        header_overrides=_header_values(overrides["responseOverride"].get("header")),
        request_overrides={
            location: _header_values(overrides["requestOverride"].get(location))
            for location in ("header", "path", "querystring")
        },
        overrides=_plain(overrides),
    )


def _header_values(values: dict | None) -> dict[str, str]:
    # A list is a multi-value override: API Gateway sends its items comma-separated (documented).
    return {
        name: ",".join(to_string(item) for item in value) if isinstance(value, list) else to_string(value)
        for name, value in (values or {}).items()
        if value is not None
    }


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


_TEMPLATE_CACHE: dict[str, Template] = {}


def _compiled(text: str) -> Template:
    template = _TEMPLATE_CACHE.get(text)
    if template is None:
        template = Template(text)
        template.ensure_compiled()
        _TEMPLATE_CACHE[text] = template
    return template


velocity.install()
