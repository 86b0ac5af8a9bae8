"""No mapping template computes: no arithmetic operator, no number conversion (issue 8, section 2).

Nothing recorded on API Gateway backs Velocity arithmetic, so times arrive as strings the workflow
recorded (docs/VTL.md, "Where times come from"). The parse is airspeed's, the renderer's own parser.
"""

from __future__ import annotations

import airspeed
import pytest
from airspeed.operators import BinaryOperator, NameOrCall, _Element

from tests.api.api_spec import api_body

ARITHMETIC = {"+", "-", "*", "/", "%"}
NUMBER_CONVERSIONS = {"longValue", "intValue", "doubleValue", "floatValue", "shortValue", "byteValue"}


def mapping_templates(node, where="body"):
    """(where, text) for every request and response template of every integration."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("requestTemplates", "responseTemplates") and isinstance(value, dict):
                for content_type, text in value.items():
                    yield f"{where}.{key}[{content_type}]", text
            else:
                yield from mapping_templates(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from mapping_templates(value, f"{where}[{index}]")


def elements(element):
    """Every element of an airspeed parse tree."""
    seen, stack = set(), [element]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for value in vars(current).values():
            children = value if isinstance(value, (list, tuple)) else [value]
            stack.extend(child for child in children if isinstance(child, _Element))


def computations(text: str) -> list[str]:
    template = airspeed.Template(text)
    template.ensure_compiled()
    found = []
    for element in elements(template.root_element):
        if isinstance(element, BinaryOperator) and element.my_text().strip() in ARITHMETIC:
            found.append(f"operator {element.my_text().strip()!r}")
        if isinstance(element, NameOrCall) and element.name in NUMBER_CONVERSIONS:
            found.append(f"{element.name}()")
    return found


TEMPLATES = dict(mapping_templates(api_body()["paths"]))


@pytest.mark.parametrize("where", TEMPLATES)
def test_no_template_does_arithmetic(where):
    assert computations(TEMPLATES[where]) == [], where


@pytest.mark.parametrize("text, found", [
    ("#set($a = $b / 1000)", ["operator '/'"]),
    ("#set($a = $b % 7)", ["operator '%'"]),
    ("#set($last = $key.length() - 1)", ["operator '-'"]),
    ("#set($x = $y.longValue())", ["longValue()"]),
    ('#set($h = "Retry-After")$context.responseOverride.header.Retry-After', []),
    ('{"a":"x-y/z+1*2%"}', []),
])
def test_the_check_sees_arithmetic_and_nothing_else(text, found):
    assert computations(text) == found
