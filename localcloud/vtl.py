"""API Gateway mapping templates rendered offline: airspeed-ext plus API Gateway's $input, $util, $context.

API Gateway runs Velocity 1.7 on the JVM, so template values are Java objects. This module gives
airspeed's Python values the Java behaviour templates rely on (see docs/VTL.md for the exact list):
Java String/Number/Map/List methods, Velocity's integer arithmetic, null as false in #if, and
commons-lang's escapeJavaScript (which turns ' into \\' — invalid JSON, as in the real service).
"""

from __future__ import annotations

import base64
import json
import math
import re
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from airspeed import Template
from airspeed import operators as _airspeed

__all__ = [
    "RenderResult",
    "escape_javascript",
    "json_path",
    "render_template",
    "request_context",
]

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1


# ---------------------------------------------------------------- $util.escapeJavaScript


def escape_javascript(value: Any) -> str:
    """commons-lang 2 StringEscapeUtils.escapeJavaScript, as API Gateway's $util.escapeJavaScript."""
    if value is None:
        return ""
    text = _java_to_string(value)
    out: list[str] = []
    for unit in _utf16_units(text):
        if unit > 0x7F:
            out.append(f"\\u{unit:04X}")
        elif unit < 32:
            out.append(_CONTROL_ESCAPES.get(unit, f"\\u{unit:04X}"))
        else:
            char = chr(unit)
            out.append(_QUOTE_ESCAPES.get(char, char))
    return "".join(out)


_CONTROL_ESCAPES = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"}
_QUOTE_ESCAPES = {"'": "\\'", '"': '\\"', "\\": "\\\\", "/": "\\/"}


def _utf16_units(text: str):
    # Java strings are UTF-16: characters beyond the BMP escape as two surrogate \uXXXX.
    data = text.encode("utf-16-be", "surrogatepass")
    for index in range(0, len(data), 2):
        yield (data[index] << 8) | data[index + 1]


# ---------------------------------------------------------------- JSONPath subset


_PATH_TOKEN = re.compile(r"\.\.|\.([A-Za-z_$][\w$-]*|\*)|\[\s*(?:'([^']*)'|\"([^\"]*)\"|(-?\d+)|(\*))\s*\]")


class _Missing:
    pass


def json_path(document: Any, path: str) -> Any:
    """Evaluate the JSONPath subset API Gateway templates use: $, .name, ['name'], [index], [*], .*"""
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


# ---------------------------------------------------------------- $input, $util, $context


class _Input:
    """$input: the request (or integration response) payload and the method request parameters."""

    def __init__(self, body: str, path_params: dict, query_params: dict, headers: dict):
        self.body = body
        self._params = {"path": dict(path_params), "querystring": dict(query_params), "header": dict(headers)}

    def _document(self) -> Any:
        if not self.body.strip():
            return {}
        return json.loads(self.body)

    def json(self, path: str = "$") -> str:
        value = json_path(self._document(), path)
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def path(self, path: str = "$") -> Any:
        return json_path(self._document(), path)

    def params(self, name: str | None = None) -> Any:
        if name is None:
            return self._params
        for location in ("path", "querystring"):
            if name in self._params[location]:
                return self._params[location][name]
        # Header names are case-insensitive on the wire.
        for header, value in self._params["header"].items():
            if header.lower() == name.lower():
                return value
        return ""


class _Util:
    """$util as documented for API Gateway REST mapping templates."""

    escapeJavaScript = staticmethod(escape_javascript)

    @staticmethod
    def parseJson(text: str) -> Any:
        return json.loads(text)

    @staticmethod
    def urlEncode(text: str) -> str:
        # java.net.URLEncoder: space -> '+', unreserved = A-Z a-z 0-9 . - * _
        return urllib.parse.quote_plus(_java_to_string(text), safe="*")

    @staticmethod
    def urlDecode(text: str) -> str:
        return urllib.parse.unquote_plus(_java_to_string(text))

    @staticmethod
    def base64Encode(text: str) -> str:
        return base64.b64encode(_java_to_string(text).encode("utf-8")).decode("ascii")

    @staticmethod
    def base64Decode(text: str) -> str:
        return base64.b64decode(_java_to_string(text)).decode("utf-8", errors="replace")


def request_context(
    *,
    request_id: str,
    epoch_ms: int,
    stage: str,
    http_method: str,
    resource_path: str,
    path: str,
    source_ip: str = "127.0.0.1",
    api_key: str = "",
    api_key_id: str = "",
    user_agent: str = "",
    domain_name: str = "localhost",
    account_id: str = "123456789012",
    api_id: str = "local",
) -> dict:
    """The $context of one request, with API Gateway's names and formats."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=timezone.utc)
    return {
        "requestId": request_id,
        "extendedRequestId": request_id,
        "requestTime": moment.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "requestTimeEpoch": epoch_ms,
        "stage": stage,
        "httpMethod": http_method,
        "resourcePath": resource_path,
        "path": path,
        "domainName": domain_name,
        "accountId": account_id,
        "apiId": api_id,
        "protocol": "HTTP/1.1",
        "identity": {"sourceIp": source_ip, "apiKey": api_key, "apiKeyId": api_key_id, "userAgent": user_agent},
    }


@dataclass(frozen=True)
class RenderResult:
    """A rendered template and what it wrote to $context.responseOverride / requestOverride."""

    output: str
    status_override: int | None = None
    header_overrides: dict[str, str] = field(default_factory=dict)
    request_overrides: dict[str, dict[str, str]] = field(default_factory=dict)


def render_template(
    template: str,
    *,
    body: str = "",
    path_params: dict | None = None,
    query_params: dict | None = None,
    headers: dict | None = None,
    context: dict | None = None,
    stage_variables: dict | None = None,
) -> RenderResult:
    """Render one mapping template; `context` is typically built by request_context()."""
    ctx = json.loads(json.dumps(context or {}))  # a private copy: templates may write to it
    ctx["responseOverride"] = {"status": None, "header": {}}
    ctx["requestOverride"] = {"header": {}, "path": {}, "querystring": {}}
    namespace = {
        "input": _Input(body, path_params or {}, query_params or {}, headers or {}),
        "util": _Util(),
        "context": ctx,
        "stageVariables": dict(stage_variables or {}),
    }
    output = _compiled(template).merge(namespace)
    override = ctx["responseOverride"]
    status = override.get("status")
    return RenderResult(
        output=output,
        status_override=int(status) if status not in (None, "") else None,
        header_overrides={k: _java_to_string(v) for k, v in (override.get("header") or {}).items()},
        request_overrides={
            location: {k: _java_to_string(v) for k, v in (ctx["requestOverride"].get(location) or {}).items()}
            for location in ("header", "path", "querystring")
        },
    )


_TEMPLATE_CACHE: dict[str, Template] = {}


def _compiled(text: str) -> Template:
    template = _TEMPLATE_CACHE.get(text)
    if template is None:
        template = Template(text)
        template.ensure_compiled()
        _TEMPLATE_CACHE[text] = template
    return template


# ---------------------------------------------------------------- Java semantics


def _java_to_string(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_java_to_string(k)}={_java_to_string(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_java_to_string(v) for v in value) + "]"
    return str(value)


def _wrap(value: int, low: int, high: int) -> int:
    span = high - low + 1
    return (value - low) % span + low


def _to_integral(value: Any, low: int, high: int) -> int:
    return _wrap(int(value), low, high)  # int() truncates toward zero, as Java's narrowing does


def _java_regex(pattern: str) -> re.Pattern:
    # Java and Python share the regex syntax API Gateway templates use; named groups differ.
    return re.compile(re.sub(r"\(\?<([A-Za-z][A-Za-z0-9]*)>", r"(?P<\1>", pattern))


def _java_replacement(replacement: str) -> Callable[[re.Match], str]:
    # Java's Matcher.appendReplacement: $n / ${name} are groups, \x is a literal x.
    def expand(match: re.Match) -> str:
        out, index = [], 0
        while index < len(replacement):
            char = replacement[index]
            if char == "\\" and index + 1 < len(replacement):
                out.append(replacement[index + 1])
                index += 2
            elif char == "$":
                named = re.match(r"\{([A-Za-z][A-Za-z0-9]*)\}", replacement[index + 1:])
                if named:
                    out.append(match.group(named.group(1)) or "")
                    index += 1 + named.end()
                    continue
                digits = re.match(r"\d", replacement[index + 1:])
                if not digits:
                    raise ValueError(f"illegal group reference in replacement {replacement!r}")
                out.append(match.group(int(digits.group(0))) or "")
                index += 2
            else:
                out.append(char)
                index += 1
        return "".join(out)

    return expand


def _java_split(text: str, regex: str, limit: int = 0) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _java_regex(regex).finditer(text):
        if limit > 0 and len(pieces) == limit - 1:
            break
        if match.end() == 0:
            continue  # a zero-width match at the start never yields a leading empty string (Java 8+)
        pieces.append(text[start:match.start()])
        start = match.end()
    pieces.append(text[start:])
    if limit == 0:
        while len(pieces) > 1 and pieces[-1] == "":
            pieces.pop()
        if pieces == [""] and text:
            pieces = []
    return pieces


def _substring(text: str, begin: int, end: int | None = None) -> str:
    end = len(text) if end is None else end
    if begin < 0 or end > len(text) or begin > end:
        raise IndexError(f"String index out of range: begin {begin}, end {end}, length {len(text)}")
    return text[begin:end]


def _index_of(text: str, needle: Any, start: int = 0) -> int:
    return text.find(_java_to_string(needle), max(start, 0))


def _last_index_of(text: str, needle: Any, start: int | None = None) -> int:
    needle = _java_to_string(needle)
    return text.rfind(needle) if start is None else text.rfind(needle, 0, max(start, -1) + len(needle))


def _compare_to(text: str, other: str) -> int:
    for left, right in zip(text, other):
        if left != right:
            return ord(left) - ord(right)
    return len(text) - len(other)


_STRING_METHODS: dict[str, Callable] = {
    "length": lambda s: len(s),
    "isEmpty": lambda s: len(s) == 0,
    "charAt": lambda s, i: s[i] if 0 <= i < len(s) else _substring(s, i, i + 1),
    "contains": lambda s, x: _java_to_string(x) in s,
    "startsWith": lambda s, prefix, offset=0: s.startswith(prefix, offset),
    "endsWith": lambda s, suffix: s.endswith(suffix),
    "equals": lambda s, other: isinstance(other, str) and s == other,
    "equalsIgnoreCase": lambda s, other: isinstance(other, str) and s.lower() == other.lower(),
    "compareTo": _compare_to,
    "indexOf": _index_of,
    "lastIndexOf": _last_index_of,
    "substring": _substring,
    "replace": lambda s, old, new: s.replace(_java_to_string(old), _java_to_string(new)),
    "replaceAll": lambda s, regex, repl: _java_regex(regex).sub(_java_replacement(repl), s),
    "replaceFirst": lambda s, regex, repl: _java_regex(regex).sub(_java_replacement(repl), s, count=1),
    "split": _java_split,
    "matches": lambda s, regex: _java_regex(regex).fullmatch(s) is not None,
    "toLowerCase": lambda s: s.lower(),
    "toUpperCase": lambda s: s.upper(),
    "trim": lambda s: s.strip("".join(chr(c) for c in range(33))),
    "concat": lambda s, other: s + other,
    "toString": lambda s: s,
}

_NUMBER_METHODS: dict[str, Callable] = {
    "intValue": lambda n: _to_integral(n, _INT_MIN, _INT_MAX),
    "longValue": lambda n: _to_integral(n, _LONG_MIN, _LONG_MAX),
    "doubleValue": lambda n: float(n),
    "floatValue": lambda n: float(n),
    "toString": lambda n: _java_to_string(n),
    "equals": lambda n, other: type(n) is type(other) and n == other,
}

_MAP_METHODS: dict[str, Callable] = {
    "size": lambda m: len(m),
    "isEmpty": lambda m: len(m) == 0,
    "containsKey": lambda m, key: key in m,
    "containsValue": lambda m, value: value in m.values(),
    "get": lambda m, key: m.get(key),
    "put": lambda m, key, value: (m.get(key), m.__setitem__(key, value))[0],
    "remove": lambda m, key: m.pop(key, None),
    "keySet": lambda m: list(m.keys()),
    "values": lambda m: list(m.values()),
    "toString": _java_to_string,
}

_LIST_METHODS: dict[str, Callable] = {
    "size": lambda items: len(items),
    "isEmpty": lambda items: len(items) == 0,
    "get": lambda items, index: items[index] if 0 <= index < len(items) else items[len(items) + abs(index)],
    "contains": lambda items, value: value in items,
    "add": lambda items, value: (items.append(value), True)[1],  # Java's List.add returns true
    "indexOf": lambda items, value: items.index(value) if value in items else -1,
    "toString": _java_to_string,
}


def _java_methods_for(receiver: Any) -> dict[str, Callable] | None:
    if isinstance(receiver, bool):
        return None
    if isinstance(receiver, str):
        return _STRING_METHODS
    if isinstance(receiver, (int, float)):
        return _NUMBER_METHODS
    if isinstance(receiver, dict) and not isinstance(receiver, _airspeed.LocalNamespace):
        return _MAP_METHODS
    if isinstance(receiver, list):
        return _LIST_METHODS
    return None


class _JavaNameOrCall(_airspeed.NameOrCall):
    """A method call on a string/number/map/list resolves to the Java method first (e.g. split(regex))."""

    def calculate(self, current_object, loader, top_namespace):
        methods = _java_methods_for(current_object)
        if self.parameters is not None and methods is not None and self.name in methods:
            return methods[self.name](current_object, *self.parameters.calculate(top_namespace, loader))
        return super().calculate(current_object, loader, top_namespace)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _velocity_divide(left: Any, right: Any) -> Any:
    # Velocity 1.7: integral operands give a Java integral quotient (truncated); x/0 is null.
    if right == 0:
        return None
    if isinstance(left, int) and isinstance(right, int):
        quotient = abs(left) // abs(right)
        return quotient if (left >= 0) == (right >= 0) else -quotient
    return left / right


def _velocity_modulo(left: Any, right: Any) -> Any:
    if right == 0:
        return None
    if isinstance(left, int) and isinstance(right, int):
        return left - right * _velocity_divide(left, right)
    return math.fmod(left, right)


def _velocity_add(left: Any, right: Any) -> Any:
    if _is_number(left) and _is_number(right):
        return left + right
    if isinstance(left, str) or isinstance(right, str):
        return _java_to_string(left) + _java_to_string(right)
    return None


def _velocity_truth(value: Any) -> bool:
    # Velocity 1.7: only null and false are false ("" and 0 are true); airspeed-ext calls null true.
    return value is not None and value is not False


def _velocity_condition(self, namespace, loader) -> bool:
    return _velocity_truth(self.expression.calculate(namespace, loader))


def _velocity_not(self, namespace, loader) -> bool:
    return not _velocity_truth(self.value.calculate(namespace, loader))


def _install_java_semantics() -> None:
    """Make airspeed evaluate the way API Gateway's Velocity 1.7 does (process-wide, idempotent)."""
    _airspeed.NameOrCall = _JavaNameOrCall
    _airspeed.BinaryOperator.OPERATORS.update({"/": _velocity_divide, "%": _velocity_modulo, "+": _velocity_add})
    _airspeed.Condition.calculate = _velocity_condition
    _airspeed.UnaryOperatorValue.calculate = _velocity_not
    _airspeed.boolean_value = _velocity_truth  # used by airspeed's && || and or


_install_java_semantics()
