"""`${Name}` placeholders in the API definition files (api/openapi.yaml, api/websocket.yaml) as Fn::Sub."""

from __future__ import annotations

import re
from typing import Any

from aws_cdk import Fn

PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
# Documentation prose may mention `${Name}` literally; it is never an integration value.
PROSE_KEYS = {"description", "summary"}


def substitute_placeholders(node: Any, variables: dict[str, str]) -> Any:
    """Every string holding `${...}` becomes an Fn::Sub naming only the variables it uses.

    Pseudo parameters (`${AWS::Region}`) and Fn::Sub literals (`${!x}`) pass through; any
    other unknown name fails synthesis rather than deploying a broken integration. Prose
    (`description`, `summary`) is kept verbatim.
    """
    if isinstance(node, dict):
        return {
            key: value if key in PROSE_KEYS and isinstance(value, str) else substitute_placeholders(value, variables)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [substitute_placeholders(value, variables) for value in node]
    if isinstance(node, str) and "${" in node:
        names = set(PLACEHOLDER.findall(node))
        unknown = sorted(n for n in names if n not in variables and not n.startswith(("AWS::", "!")))
        if unknown:
            raise ValueError(f"api/openapi.yaml uses unknown placeholders {unknown} in {node[:80]!r}")
        used = {name: variables[name] for name in sorted(names) if name in variables}
        return Fn.sub(node, used or None)
    return node
