"""A state machine's definition as the console draws it: nodes, edges, and containers for nested states.

The layout itself is left to the browser (cytoscape + dagre); this only says what is connected to what.
Like the Step Functions console's graph view: a Start and an End node, one node per state (names are
unique across the whole machine, nested ones included), Choice rules, Defaults and Catchers as labelled
edges, and the states of a Parallel branch or a Map's item processor inside a container of their own.
"""

from __future__ import annotations

from typing import Any

START, END = "__start__", "__end__"


def workflow_graph(definition: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    nodes: list[dict[str, Any]] = [{"id": START, "label": "Start", "type": "Start"},
                                   {"id": END, "label": "End", "type": "End"}]
    edges: list[dict[str, Any]] = [{"source": START, "target": definition["StartAt"], "kind": "next", "label": ""}]
    _add_states(definition["States"], None, END, nodes, edges)
    for number, edge in enumerate(edges):
        edge["id"] = f"e{number}"
    return {"nodes": nodes, "edges": edges}


def _add_states(states: dict[str, Any], container: str | None, after_end: str,
                nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> None:
    """`after_end`: where a state with `End: true` leads (the End node, or the state after its Parallel/Map)."""
    for name, state in states.items():
        kind = state["Type"]
        nodes.append({"id": name, "label": name, "type": kind, "parent": container})
        after_this = state.get("Next", after_end)
        for inner_container, inner in _nested_workflows(name, state):
            nodes.append({"id": inner_container, "label": "", "type": "Container", "parent": container})
            edges.append({"source": name, "target": inner["StartAt"], "kind": "branch", "label": ""})
            _add_states(inner["States"], inner_container, after_this, nodes, edges)
        if kind == "Choice":
            for rule in state.get("Choices", []):
                edges.append({"source": name, "target": rule["Next"], "kind": "choice", "label": _rule_label(rule)})
            if "Default" in state:
                edges.append({"source": name, "target": state["Default"], "kind": "default", "label": "Default"})
        elif kind in ("Succeed", "Fail"):
            edges.append({"source": name, "target": after_end if kind == "Succeed" else END, "kind": "next", "label": ""})
        elif not _nested_workflows(name, state):  # a Parallel/Map goes on from its branches' End states
            edges.append({"source": name, "target": after_this, "kind": "next", "label": ""})
        for catcher in state.get("Catch", []):
            edges.append({"source": name, "target": catcher["Next"], "kind": "catch",
                          "label": "Catch " + ", ".join(catcher.get("ErrorEquals", []))})


def _nested_workflows(name: str, state: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    if state["Type"] == "Parallel":
        return [(f"{name}#branch{number}", branch) for number, branch in enumerate(state.get("Branches", []))]
    if state["Type"] == "Map":
        processor = state.get("ItemProcessor") or state.get("Iterator")
        return [(f"{name}#items", processor)] if processor else []
    return []


def _rule_label(rule: dict[str, Any]) -> str:
    """A short reading of a Choice rule: `$.kind == "search"`, `$.x IsPresent`, `And(...)`."""
    if "Condition" in rule:  # JSONata
        return str(rule["Condition"])
    for combinator in ("And", "Or"):
        if combinator in rule:
            return f"{combinator}({len(rule[combinator])} rules)"
    if "Not" in rule:
        return "Not(" + _rule_label(rule["Not"]) + ")"
    variable = rule.get("Variable", "")
    for key, value in rule.items():
        if key in ("Variable", "Next"):
            continue
        if key.startswith("Is"):
            return f"{variable} {key}" if value is True else f"{variable} not {key}"
        comparison = key.removesuffix("Path")
        shown = value if key.endswith("Path") else _literal(value)
        return f"{variable} == {shown}" if comparison.endswith("Equals") else f"{variable} {comparison} {shown}"
    return variable


def _literal(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
