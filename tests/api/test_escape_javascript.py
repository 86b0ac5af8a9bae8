"""$util.escapeJavaScript reproduces commons-lang, including the quirk that breaks JSON."""

import json

import pytest

from localcloud.vtl import escape_javascript, render_template


@pytest.mark.parametrize("text, escaped", [
    ("O'Brien", "O\\'Brien"),  # the quirk: \' is not a JSON escape
    ('say "hi"', 'say \\"hi\\"'),
    ("back\\slash", "back\\\\slash"),
    ("a/b", "a\\/b"),
    ("line\nbreak\ttab\r\b\f", "line\\nbreak\\ttab\\r\\b\\f"),
    ("\x01\x1f", "\\u0001\\u001F"),
    ("café", "caf\\u00E9"),
    ("東京", "\\u6771\\u4EAC"),
    ("😀", "\\uD83D\\uDE00"),  # UTF-16 surrogates, as Java strings hold it
    ("\x7f", "\x7f"),
])
def test_escape_javascript_matches_commons_lang(text, escaped):
    assert escape_javascript(text) == escaped


def test_the_documented_replace_all_fix_yields_valid_json():
    text = "O'Brien \"Bob\" \\ back\nnew 東京 ✓ 😀"
    template = '{"s":"$util.escapeJavaScript($input.path(\'$.s\')).replaceAll("\\\\\'","\'")"}'
    rendered = render_template(template, body=json.dumps({"s": text}))
    assert json.loads(rendered.output) == {"s": text}


def test_without_the_fix_an_apostrophe_breaks_the_json():
    rendered = render_template('{"s":"$util.escapeJavaScript($input.path(\'$.s\'))"}', body='{"s":"it\'s"}')
    with pytest.raises(json.JSONDecodeError):
        json.loads(rendered.output)
