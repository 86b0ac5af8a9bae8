"""The request validator's messages: `<field>: <what is wrong>`, in API Gateway's own words.

API Gateway validates models with a draft-4 JSON-schema validator and reports
`$context.error.validationErrorString` in that validator's wording, e.g.
`[object has missing required properties (["email"])]` or
`[instance type (string) does not match any allowed primitive type (allowed: ["integer","number"])]`
(message formats: java-json-tools/json-schema-validator,
src/main/resources/com/github/fge/jsonschema/validator/validation.properties). Those messages
never say where in the body the value sits, so each of ours starts with the field's dotted
path; required and unexpected properties are reported per property (`email: is required`).
Values are printed as JSON, never as Python reprs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from jsonschema import ValidationError

MAX_MESSAGES = 10  # a body with thousands of stray keys still gets a readable detail
MAX_VALUE_CHARS = 80


def describe_all(errors: Iterable[ValidationError]) -> str:
    messages: list[str] = []
    for error in sorted(errors, key=lambda e: [str(part) for part in e.absolute_path]):
        for message in describe(error):
            if message not in messages:
                messages.append(message)
    if len(messages) > MAX_MESSAGES:
        messages = messages[:MAX_MESSAGES] + [f"and {len(messages) - MAX_MESSAGES} more"]
    return "; ".join(messages)


def describe(error: ValidationError) -> list[str]:
    """One validation error as messages naming the field by its dotted path (`image.key`)."""
    path = ".".join(str(part) for part in error.absolute_path)
    field = path or "body"
    value, rule = error.instance, error.validator_value
    if error.validator == "required" and isinstance(value, dict):
        return [f"{_join(path, name)}: is required" for name in rule if name not in value]
    if error.validator == "additionalProperties" and isinstance(value, dict):
        declared = set(error.schema.get("properties") or {})
        return [f"{_join(path, name)}: is not allowed by the schema" for name in value if name not in declared]
    return [f"{field}: {_wording(error.validator, value, rule, error.message)}"]


def _wording(keyword: str, value: Any, rule: Any, fallback: str) -> str:
    if keyword == "type":
        allowed = rule if isinstance(rule, list) else [rule]
        return (f"instance type ({_json_type(value)}) does not match any allowed primitive type "
                f"(allowed: {_compact(allowed)})")
    if keyword == "pattern":
        return f'ECMA 262 regex "{rule}" does not match input string "{_shortened(value)}"'
    if keyword == "minLength":
        return f'string "{_shortened(value)}" is too short (length: {len(value)}, required minimum: {rule})'
    if keyword == "maxLength":
        return f'string "{_shortened(value)}" is too long (length: {len(value)}, maximum allowed: {rule})'
    if keyword == "enum":
        return f"instance value ({_shortened(_compact(value))}) not found in enum (possible values: {_compact(rule)})"
    if keyword == "minimum":
        return f"numeric instance is lower than the required minimum (minimum: {rule}, found: {_compact(value)})"
    if keyword == "maximum":
        return f"numeric instance is greater than the required maximum (maximum: {rule}, found: {_compact(value)})"
    if keyword == "format":
        return f'string "{_shortened(value)}" is not a valid {rule}'
    return fallback


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), type(value).__name__)


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _shortened(text: Any) -> str:
    text = str(text)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "…"
