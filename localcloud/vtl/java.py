"""Java semantics of template values: how API Gateway's JVM prints them and the methods templates call.

API Gateway parses JSON into Java objects: an object is a Map (printed `{key=value}`), an array a JSON
list (printed as compact JSON, maps inside it too), a string a java.lang.String.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1


class ContextMap(dict):
    """A nested $context object (identity, requestOverride, ...): API Gateway prints it as empty."""


def to_string(value: Any) -> str:
    """Java's toString() of a template value (None is "null", as String.valueOf gives)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, ContextMap):
        return ""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{to_string(k)}={to_string(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    if isinstance(value, float):
        return double_to_string(value)
    return str(value)


def double_to_string(value: float) -> str:
    """java.lang.Double.toString: plain between 10^-3 and 10^7, computerized scientific outside."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        text = repr(value)
        return text if "e" not in text else f"{value:.{17}f}".rstrip("0")
    mantissa, exponent = f"{value:.16e}".split("e")
    digits = repr(float(mantissa))  # shortest repr of the mantissa
    return f"{digits}E{int(exponent)}"


def wrap(value: int, low: int, high: int) -> int:
    span = high - low + 1
    return (value - low) % span + low


def to_integral(value: Any, low: int, high: int) -> int:
    return wrap(int(value), low, high)  # int() truncates toward zero, as Java's narrowing does


def java_regex(pattern: str) -> re.Pattern:
    # Java and Python share the regex syntax templates use; named groups differ.
    return re.compile(re.sub(r"\(\?<([A-Za-z][A-Za-z0-9]*)>", r"(?P<\1>", pattern))


def java_replacement(replacement: str) -> Callable[[re.Match], str]:
    """Java's Matcher.appendReplacement: $n / ${name} are groups, \\x is a literal x."""

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
                if not re.match(r"\d", replacement[index + 1:]):
                    raise ValueError(f"illegal group reference in replacement {replacement!r}")
                out.append(match.group(int(replacement[index + 1])) or "")
                index += 2
            else:
                out.append(char)
                index += 1
        return "".join(out)

    return expand


def _split(text: str, regex: str, limit: int = 0) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in java_regex(regex).finditer(text):
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


def _last_index_of(text: str, needle: Any, start: int | None = None) -> int:
    needle = to_string(needle)
    return text.rfind(needle) if start is None else text.rfind(needle, 0, max(start, -1) + len(needle))


def _compare_to(text: str, other: str) -> int:
    for left, right in zip(text, other):
        if left != right:
            return ord(left) - ord(right)
    return len(text) - len(other)


STRING_METHODS: dict[str, Callable] = {
    "length": lambda s: len(s),
    "isEmpty": lambda s: len(s) == 0,
    "charAt": lambda s, i: s[i] if 0 <= i < len(s) else _substring(s, i, i + 1),
    "contains": lambda s, x: to_string(x) in s,
    "startsWith": lambda s, prefix, offset=0: s.startswith(prefix, offset),
    "endsWith": lambda s, suffix: s.endswith(suffix),
    "equals": lambda s, other: isinstance(other, str) and s == other,
    "equalsIgnoreCase": lambda s, other: isinstance(other, str) and s.lower() == other.lower(),
    "compareTo": _compare_to,
    "indexOf": lambda s, needle, start=0: s.find(to_string(needle), max(start, 0)),
    "lastIndexOf": _last_index_of,
    "substring": _substring,
    "replace": lambda s, old, new: s.replace(to_string(old), to_string(new)),
    "replaceAll": lambda s, regex, repl: java_regex(regex).sub(java_replacement(repl), s),
    "replaceFirst": lambda s, regex, repl: java_regex(regex).sub(java_replacement(repl), s, count=1),
    "split": _split,
    "matches": lambda s, regex: java_regex(regex).fullmatch(s) is not None,
    "toLowerCase": lambda s: s.lower(),
    "toUpperCase": lambda s: s.upper(),
    "trim": lambda s: s.strip("".join(chr(c) for c in range(33))),
    "concat": lambda s, other: s + other,
    "toString": lambda s: s,
}

NUMBER_METHODS: dict[str, Callable] = {
    "intValue": lambda n: to_integral(n, INT_MIN, INT_MAX),
    "longValue": lambda n: to_integral(n, LONG_MIN, LONG_MAX),
    "doubleValue": lambda n: float(n),
    "floatValue": lambda n: float(n),
    "toString": to_string,
    "equals": lambda n, other: type(n) is type(other) and n == other,
}

MAP_METHODS: dict[str, Callable] = {
    "size": lambda m: len(m),
    "isEmpty": lambda m: len(m) == 0,
    "containsKey": lambda m, key: key in m,
    "containsValue": lambda m, value: value in m.values(),
    "get": lambda m, key: m.get(key),
    "put": lambda m, key, value: (m.get(key), m.__setitem__(key, value))[0],
    "remove": lambda m, key: m.pop(key, None),
    "keySet": lambda m: list(m.keys()),
    "values": lambda m: list(m.values()),
    "toString": to_string,
}

LIST_METHODS: dict[str, Callable] = {
    "size": lambda items: len(items),
    "isEmpty": lambda items: len(items) == 0,
    "get": lambda items, index: items[index] if 0 <= index < len(items) else items[len(items) + abs(index)],
    "contains": lambda items, value: value in items,
    "add": lambda items, value: (items.append(value), True)[1],  # Java's List.add returns true
    "indexOf": lambda items, value: items.index(value) if value in items else -1,
    "toString": to_string,
}


def methods_for(receiver: Any, namespace_type: type) -> dict[str, Callable] | None:
    """The Java methods of a receiver, or None where airspeed's own lookup applies."""
    if isinstance(receiver, bool):
        return None
    if isinstance(receiver, str):
        return STRING_METHODS
    if isinstance(receiver, (int, float)):
        return NUMBER_METHODS
    if isinstance(receiver, dict) and not isinstance(receiver, namespace_type):
        return MAP_METHODS
    if isinstance(receiver, list):
        return LIST_METHODS
    return None
