"""Resolve the CloudFormation intrinsic functions a CDK template uses, as CloudFormation would.

Physical ids are decided before anything is created (names derived from logical ids, as
CloudFormation does), so any reference resolves regardless of creation order.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Callable

PARTITION = "aws"
URL_SUFFIX = "amazonaws.com"
NO_VALUE = object()


class UnsupportedTemplate(RuntimeError):
    """The template uses something the local cloud cannot serve; raised at start-up."""


def physical_name(stack_name: str, logical_id: str, max_length: int = 64) -> str:
    """CloudFormation-style generated name: Stack-LogicalId-SUFFIX, stable across runs."""
    suffix = hashlib.sha256(f"{stack_name}/{logical_id}".encode()).hexdigest()[:12].upper()
    head = f"{stack_name}-{logical_id}"[: max_length - len(suffix) - 1]
    return f"{head}-{suffix}"


@dataclass
class Resolver:
    """Evaluates intrinsics against pseudo parameters, parameters and resource attributes."""

    template: dict[str, Any]
    region: str
    account_id: str
    stack_name: str
    refs: dict[str, Any] = field(default_factory=dict)
    attributes: dict[tuple[str, str], Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._functions: dict[str, Callable[[Any], Any]] = {
            "Ref": self._ref,
            "Fn::GetAtt": self._get_att,
            "Fn::Join": self._join,
            "Fn::Sub": self._sub,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::If": self._if,
            "Fn::Equals": self._equals,
            "Fn::Not": lambda v: not self.resolve(v[0]),
            "Fn::And": lambda v: all(self.resolve(x) for x in v),
            "Fn::Or": lambda v: any(self.resolve(x) for x in v),
            "Fn::Base64": self._base64,
            "Condition": lambda name: self.condition(name),
        }

    @property
    def pseudo(self) -> dict[str, Any]:
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::Partition": PARTITION,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": f"arn:{PARTITION}:cloudformation:{self.region}:{self.account_id}:stack/{self.stack_name}/local",
            "AWS::URLSuffix": URL_SUFFIX,
            "AWS::NoValue": NO_VALUE,
        }

    def condition(self, name: str) -> bool:
        conditions = self.template.get("Conditions", {})
        if name not in conditions:
            raise UnsupportedTemplate(f"unknown condition {name!r}")
        return bool(self.resolve(conditions[name]))

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            if len(value) == 1:
                (key, argument), = value.items()
                if key in self._functions:
                    return self._functions[key](argument)
                if key.startswith("Fn::"):
                    raise UnsupportedTemplate(f"intrinsic function {key} is not supported locally")
            resolved = {k: self.resolve(v) for k, v in value.items()}
            return {k: v for k, v in resolved.items() if v is not NO_VALUE}
        if isinstance(value, list):
            return [item for item in (self.resolve(v) for v in value) if item is not NO_VALUE]
        return value

    def _ref(self, name: str) -> Any:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.refs:
            return self.refs[name]
        parameter = self.template.get("Parameters", {}).get(name)
        if parameter is not None:
            return parameter.get("Default", "")
        raise UnsupportedTemplate(f"Ref to unknown name {name!r}")

    def _get_att(self, argument: Any) -> Any:
        logical_id, attribute = argument.split(".", 1) if isinstance(argument, str) else argument
        key = (logical_id, self.resolve(attribute))
        if key not in self.attributes:
            raise UnsupportedTemplate(f"Fn::GetAtt {logical_id}.{key[1]} is not available locally")
        return self.attributes[key]

    def _join(self, argument: list) -> str:
        delimiter, parts = argument
        return delimiter.join(str(self.resolve(p)) for p in self.resolve(parts))

    def _sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        values = {k: self.resolve(v) for k, v in variables.items()}

        def replace(match: re.Match) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"  # ${!Literal} is an escaped placeholder
            if name in values:
                return str(values[name])
            if "." in name:
                return str(self._get_att(name))
            return str(self._ref(name))

        return re.sub(r"\$\{([^}]+)\}", replace, text)

    def _select(self, argument: list) -> Any:
        index, items = argument
        return self.resolve(items)[int(self.resolve(index))]

    def _split(self, argument: list) -> list[str]:
        delimiter, text = argument
        return str(self.resolve(text)).split(delimiter)

    def _if(self, argument: list) -> Any:
        name, when_true, when_false = argument
        return self.resolve(when_true if self.condition(name) else when_false)

    def _equals(self, argument: list) -> bool:
        left, right = argument
        return self.resolve(left) == self.resolve(right)

    def _base64(self, argument: Any) -> str:
        import base64

        return base64.b64encode(str(self.resolve(argument)).encode()).decode()
