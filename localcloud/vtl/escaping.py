"""$util.escapeJavaScript: commons-lang 2 StringEscapeUtils.escapeJavaScript, as API Gateway runs it."""

from __future__ import annotations

from typing import Any

from localcloud.vtl.java import to_string


def escape_javascript(value: Any) -> str:
    """commons-lang 2 StringEscapeUtils.escapeJavaScript, as API Gateway's $util.escapeJavaScript."""
    if value is None:
        return ""
    text = to_string(value)
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


