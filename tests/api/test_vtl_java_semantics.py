"""The renderer behaves like API Gateway's Velocity 1.7 on the JVM where airspeed-ext does not.

AWS-recorded behaviour is checked by tests/parity; these pin the Java emulation of constructs no recording
covers (and which api/openapi.yaml therefore must not use).
"""

import pytest

from localcloud.vtl import json_path, render_template, request_context


def render(template: str, **kwargs) -> str:
    return render_template(template, **kwargs).output


@pytest.mark.parametrize("template, expected", [
    ('#set($s = "a,b,,c,,")$s.split(",").size()', "4"),  # Java drops trailing empty strings
    ('#set($s = "a,b,,c,,")$s.split(",", -1).size()', "6"),
    ('#set($s = "a:b:c")$s.split(":", 2).get(1)', "b:c"),
    ('#set($s = "abc")$s.indexOf("z")', "-1"),  # Python's str.index would raise
    ('#set($s = "abc")$s.substring(1)', "bc"),
    ('#set($s = "AbcDef")$s.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase()', "abc-def"),  # Java $n groups
    ('#set($s = "x1y2")$s.matches("[a-z0-9]+")', "true"),
    ('#set($s = "x1y2")$s.matches("[a-z]+")', "false"),  # matches() is a whole-string match
    ("#set($n = 7 / 2)$n", "3"),
    ("#set($n = -7 / 2)$n", "-3"),  # Java truncates toward zero
    ("#set($n = -7 % 3)$n", "-1"),
    ('#set($s = "n=" + 3)$s', "n=3"),
    ("#set($d = 1763798195.987)$d.longValue()", "1763798195"),
    ("#set($l = [])#set($ok = $l.add(1))$ok $l.size()", "true 1"),
])
def test_java_methods_and_arithmetic(template, expected):
    assert render(template) == expected


def test_a_null_reference_is_false_in_if_as_in_velocity():
    assert render("#if($missing)yes#{else}no#end") == "no"
    assert render("#if(!$missing)absent#end") == "absent"
    assert render('#if("$!missing" == "")empty#end') == "empty"


def test_input_params_looks_up_path_then_querystring_then_header():
    template = "$input.params('id') $input.params('q') $input.params('X-Trace') [$input.params('none')]"
    output = render(template, path_params={"id": "p"}, query_params={"q": "s", "id": "shadowed"},
                    headers={"x-trace": "h"})
    assert output == "p s h []"


def test_input_json_and_path_read_the_body():
    body = '{"a":{"b":[1,"two"]}}'
    assert render("$input.json('$.a')", body=body) == '{"b":[1,"two"]}'
    assert render("$input.path('$.a.b[1]')", body=body) == "two"
    assert json_path({"a": [{"x": 1}, {"x": 2}]}, "$.a[*].x") == [1, 2]


def test_response_override_is_read_back_after_rendering():
    result = render_template(
        '#set($context.responseOverride.status = 303)#set($context.responseOverride.header.Location = "/v1/x")'
    )
    assert result.status_override == 303 and result.header_overrides == {"Location": "/v1/x"}


def test_context_carries_api_gateway_formats():
    context = request_context(request_id="r", epoch_ms=951782400000, stage="v1", http_method="GET",
                              resource_path="/jobs/{jobId}", path="/v1/jobs/a")
    assert render("$context.requestTime|$context.requestTimeEpoch|$context.stage", context=context) == \
        "29/Feb/2000:00:00:00 +0000|951782400000|v1"


def test_util_url_and_base64_helpers():
    assert render("$util.urlEncode('a b/ü')") == "a+b%2F%C3%BC"
    assert render("$util.urlDecode('a+b%2F%C3%BC')") == "a b/ü"
    assert render("$util.base64Decode($util.base64Encode('東京'))") == "東京"


@pytest.mark.parametrize("template, expected", [
    ("X\n  #set($a = 1)\nY", "X\n  Y"),  # indentation after text is text (Parser.jjt TEXT), the #set eats its newline
    ("#if(true)\n  #set($a = 1)\n#end\nY", "Y"),  # a #set that starts a token eats its indentation too
    ("  #if(true)\nA\n  #end\nB", "  A\n  B"),  # indentation before #if/#end is emitted, their newline is not
    ("#foreach($i in [1,2])\n$i\n#end\nZ", "1\n2\nZ"),
    ("#if(false)\nA\n#else  \nB\n#end", "B\n"),
])
def test_velocity_1_7_whitespace_around_directive_lines(template, expected):
    assert render(template) == expected
