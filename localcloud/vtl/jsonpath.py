"""The JSONPath subset API Gateway templates use: $, .name, ['name'], [index], [*], .*"""

from __future__ import annotations

import re
from typing import Any

_PATH_TOKEN = re.compile(r"\.\.|\.([A-Za-z_$][\w$-]*|\*)|\[\s*(?:'([^']*)'|\"([^\"]*)\"|(-?\d+)|(\*))\s*\]")


def json_path(document: Any, path: str) -> Any:
    """Evaluate `path` on a parsed JSON document; a wildcard gives a list, a miss gives None."""
    path = path.strip()
    if not path.startswith("$"):
        raise ValueError(f"JSONPath must start with $: {path!r}")
    nodes, wildcard, position = [document], False, 1
    while position < len(path):
        match = _PATH_TOKEN.match(path, position)
        if match is None or match.group(0) == "..":
            raise ValueError(f"unsupported JSONPath (local cloud supports $, .name, ['name'], [n], [*]): {path!r}")
        position = match.end()
        name = match.group(1) or match.group(2) or match.group(3)
        index, star = match.group(4), match.group(1) == "*" or match.group(5)
        selected = []
        for node in nodes:
            if star:
                wildcard = True
                selected.extend(node.values() if isinstance(node, dict) else node if isinstance(node, list) else [])
            elif index is not None and isinstance(node, list):
                if -len(node) <= int(index) < len(node):
                    selected.append(node[int(index)])
            elif name is not None and isinstance(node, dict) and name in node:
                selected.append(node[name])
        nodes = selected
    if wildcard:
        return nodes
    return nodes[0] if nodes else None
