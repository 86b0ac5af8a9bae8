"""A plain-JSON view of the synthesized template, shared by the infra tests (no jsii in the test process)."""

from __future__ import annotations

import re
from typing import Any, Iterator

PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


class Resources:
    """Plain-JSON view of the synthesized template (no jsii in the test process)."""

    def __init__(self, template: dict[str, Any]) -> None:
        self.template = template
        self.all = template["Resources"]

    def of_type(self, cfn_type: str) -> dict[str, dict[str, Any]]:
        return {name: r for name, r in self.all.items() if r["Type"] == cfn_type}

    def one(self, cfn_type: str) -> tuple[str, dict[str, Any]]:
        found = self.of_type(cfn_type)
        assert len(found) == 1, f"expected one {cfn_type}, found {sorted(found)}"
        return next(iter(found.items()))

    def props(self, logical_id: str) -> dict[str, Any]:
        return self.all[logical_id]["Properties"]

    def policy_statements(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(owner logical id, statement) for every identity policy: inline role policies and AWS::IAM::Policy."""
        for name, resource in self.all.items():
            if resource["Type"] == "AWS::IAM::Policy":
                documents = [resource["Properties"]["PolicyDocument"]]
            elif resource["Type"] == "AWS::IAM::Role":
                documents = [p["PolicyDocument"] for p in resource["Properties"].get("Policies", [])]
            else:
                continue
            for document in documents:
                for statement in document["Statement"]:
                    yield name, statement

    def statements_of_role(self, role_id: str) -> list[dict[str, Any]]:
        """Allow statements attached to one role (its DefaultPolicy and inline policies)."""
        found = [p["PolicyDocument"]["Statement"] for p in self.props(role_id).get("Policies", [])]
        for resource in self.of_type("AWS::IAM::Policy").values():
            if {"Ref": role_id} in resource["Properties"].get("Roles", []):
                found.append(resource["Properties"]["PolicyDocument"]["Statement"])
        return [s for statements in found for s in statements if s["Effect"] == "Allow"]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def sub_text(value: Any) -> str:
    """The template string of a string or an Fn::Sub (either form)."""
    if isinstance(value, str):
        return value
    sub = value["Fn::Sub"]
    return sub if isinstance(sub, str) else sub[0]


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method.lower() in HTTP_METHODS:
                yield path, method.upper(), operation
