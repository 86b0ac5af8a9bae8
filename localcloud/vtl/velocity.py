"""airspeed-ext made to evaluate and lay out templates the way API Gateway's Velocity 1.7 does.

Installed process-wide and idempotently when localcloud.vtl is imported:
- Java methods on strings, numbers, maps and lists (localcloud.vtl.java);
- values printed with Java's toString (a map as `{k=v}`, a list as compact JSON, nested $context
  objects as nothing) and a null reference printed as nothing;
- `==`/`!=`: a null reference equals "" (AWS recorded), values of different types compare by toString;
- Velocity's integer arithmetic; truth where only null and false are false;
- Velocity 1.7's whitespace: the newline after a directive's closing `)`, `#else` and `#end` is part
  of the directive, and so is the indentation before a `#set` that starts a token (Parser.jjt).
"""

from __future__ import annotations

import math
import re
from typing import Any

from airspeed import operators as _airspeed

from localcloud.vtl.java import methods_for, to_string

_NEWLINE = r"(?:[ \t]*(?:\r\n|\n|\r))?"


class _JavaNameOrCall(_airspeed.NameOrCall):
    """A method call on a string/number/map/list resolves to the Java method first (e.g. split(regex))."""

    def calculate(self, current_object, loader, top_namespace):
        methods = methods_for(current_object, _airspeed.LocalNamespace)
        if self.parameters is not None and methods is not None and self.name in methods:
            return methods[self.name](current_object, *self.parameters.calculate(top_namespace, loader))
        return super().calculate(current_object, loader, top_namespace)


class _VelocityText(_airspeed.Text):
    """Indentation that starts a token right before `#set` belongs to the #set (Velocity 1.7 SET_DIRECTIVE)."""

    _SET_AHEAD = re.compile(r"#(?:set|\{set\})[ ]*\(")

    def parse(self):
        super().parse()
        if self.text and not self.text.strip(" \t") and self._SET_AHEAD.match(self._full_text, self.end):
            self.text = ""


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def velocity_equals(left: Any, right: Any) -> bool:
    """API Gateway's `==`: a null reference equals "" and null; numbers by value; else by toString."""
    if left is None or right is None:
        other = right if left is None else left
        return other is None or other == ""
    if _is_number(left) and _is_number(right):
        return left == right
    if type(left) is type(right) or isinstance(left, type(right)) or isinstance(right, type(left)):
        return left == right
    return to_string(left) == to_string(right)


def _compare(operation):
    def compare(left: Any, right: Any) -> bool:
        if left is None or right is None:
            return False  # Velocity logs the null operand and answers false
        return operation(left, right)

    return compare


def _velocity_divide(left: Any, right: Any) -> Any:
    # Velocity 1.7: integral operands give a Java integral quotient (truncated); x/0 is null.
    if left is None or right is None or right == 0:
        return None
    if isinstance(left, int) and isinstance(right, int):
        quotient = abs(left) // abs(right)
        return quotient if (left >= 0) == (right >= 0) else -quotient
    return left / right


def _velocity_modulo(left: Any, right: Any) -> Any:
    if left is None or right is None or right == 0:
        return None
    if isinstance(left, int) and isinstance(right, int):
        return left - right * _velocity_divide(left, right)
    return math.fmod(left, right)


def _velocity_add(left: Any, right: Any) -> Any:
    if _is_number(left) and _is_number(right):
        return left + right
    if isinstance(left, str) or isinstance(right, str):
        return to_string(left) + to_string(right)
    return None


def _numeric(operation):
    def apply(left: Any, right: Any) -> Any:
        return operation(left, right) if _is_number(left) and _is_number(right) else None

    return apply


def _velocity_truth(value: Any) -> bool:
    # Velocity 1.7: only null and false are false ("" and 0 are true); airspeed-ext calls null true.
    return value is not None and value is not False


def _velocity_condition(self, namespace, loader) -> bool:
    return _velocity_truth(self.expression.calculate(namespace, loader))


def _velocity_not(self, namespace, loader) -> bool:
    return not _velocity_truth(self.value.calculate(namespace, loader))


def _print_value(value: Any) -> str:
    return "" if value is None else to_string(value)


def install() -> None:
    """Make airspeed evaluate and lay out templates as API Gateway's Velocity 1.7 does."""
    _airspeed.NameOrCall = _JavaNameOrCall
    _airspeed.Text = _VelocityText
    _airspeed.value_to_string = _print_value
    _airspeed.BinaryOperator.OPERATORS.update({
        "/": _velocity_divide, "%": _velocity_modulo, "+": _velocity_add,
        "-": _numeric(lambda a, b: a - b), "*": _numeric(lambda a, b: a * b),
        "==": velocity_equals, "eq": velocity_equals,
        "!=": lambda a, b: not velocity_equals(a, b), "ne": lambda a, b: not velocity_equals(a, b),
        **{op: _compare(fn) for op, fn in (
            (">", lambda a, b: a > b), ("gt", lambda a, b: a > b), ("<", lambda a, b: a < b),
            ("lt", lambda a, b: a < b), (">=", lambda a, b: a >= b), ("ge", lambda a, b: a >= b),
            ("<=", lambda a, b: a <= b), ("le", lambda a, b: a <= b))},
    })
    _airspeed.Condition.calculate = _velocity_condition
    _airspeed.UnaryOperatorValue.calculate = _velocity_not
    _airspeed.boolean_value = _velocity_truth  # used by airspeed's && || and or
    # The newline after #foreach(...) and #else belongs to the directive (Velocity 1.7 RPAREN, ELSE_DIRECTIVE).
    _airspeed.ForeachDirective.CLOSE_PAREN = re.compile(r"[ \t]*\)" + _NEWLINE + r"(.*)$", re.S)
    _airspeed.ElseBlock.START = re.compile(r"#(?:else|\{else\})" + _NEWLINE + r"(.*)$", re.S + re.I)
