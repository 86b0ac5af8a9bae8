"""Our templates use only what the ground-truth corpus backs, and no arithmetic.

Each construct (directive, $input/$util/$context member, Java method, operator, literal form) used
in api/openapi.yaml must appear in the template of at least one passing corpus case; the corpus
tests prove those cases render as AWS answered.
"""

from collections import defaultdict

from tests.parity.api_templates import api_templates
from tests.parity.constructs import arithmetic_in, constructs_in, directive_expressions
from tests.parity.corpus import load_cases


def backing_cases() -> dict[str, list[str]]:
    """construct -> the ids of the corpus cases whose templates use it."""
    backed: dict[str, list[str]] = defaultdict(list)
    for case in load_cases():
        templates = [case.template] + ([case.spec["request_template"]] if "request_template" in case.spec else [])
        for construct in set().union(*(constructs_in(template) for template in templates)):
            backed[construct].append(case.name)
    return backed


def used_constructs() -> dict[str, list[str]]:
    """construct -> where api/openapi.yaml uses it."""
    used: dict[str, list[str]] = defaultdict(list)
    for where, template in api_templates():
        for construct in constructs_in(template):
            used[construct].append(where)
    return used


def test_every_construct_our_templates_use_has_a_ground_truth_case():
    backed = backing_cases()
    unbacked = {construct: places for construct, places in used_constructs().items()
                if construct not in backed and not construct.startswith("arithmetic ")}
    assert not unbacked, "constructs without a ground-truth case:\n" + "\n".join(
        f"  {construct}: used in {', '.join(sorted(set(places)))}" for construct, places in sorted(unbacked.items()))


def test_templates_do_no_arithmetic():
    found = [f"  {where}: {' '.join(ops)} in ({expression.strip()[:80]})"
             for where, template in api_templates()
             for expression in directive_expressions(template)
             if (ops := arithmetic_in(expression))]
    assert not found, "arithmetic in mapping templates:\n" + "\n".join(found)


def test_the_construct_scanner_sees_what_it_must():
    template = ('#set($a = $input.path(\'$.x\').longValue() + 1)#if($a != "" && !$b)'
                '$context.responseOverride.header.Retry-After#end$util.escapeJavaScript($input.body)$!c')
    assert {"#set", "#if", "#end", "$input.path()", ".longValue()", "arithmetic +", "operator !=", "operator &&",
            "operator !", "$context.responseOverride.header.*", "$util.escapeJavaScript()", "$input.body",
            "$!quiet"} <= constructs_in(template)
    assert arithmetic_in('$x = $s.split(",", -1)') == []
    assert arithmetic_in("$n = $m - 1") == ["-"]


def test_a_construct_without_a_case_is_reported():
    # $util.toJson is AppSync's: no API Gateway recording can ever back it.
    assert "$util.toJson()" in constructs_in("$util.toJson($input.path('$'))")
    assert "$util.toJson()" not in backing_cases()
