"""The VTL constructs a mapping template uses, named the same way for our templates and the corpus.

A construct is a directive (`#set`), a member of `$input`/`$util` (`$util.parseJson`), a `$context`
path (`$context.responseOverride.header.*`), a Java method (`.substring()`), an operator (`==`),
or a literal/reference form (`[list]`, `{map}`, `$!quiet`, `$x[index]`).
"""

from __future__ import annotations

import re

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')
_DIRECTIVE = re.compile(r"#\{?(set|if|elseif|else|end|foreach|break|stop|macro|parse|include|define|evaluate)\b\}?")
_REFERENCE = re.compile(r"\$(!?)(\{?)([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z_][A-Za-z0-9_-]*(?:\([^()]*(?:\([^()]*\)[^()]*)*\))?|\[[^\]]*\])*)")
_OPERATOR = re.compile(r"==|!=|&&|\|\||<=|>=|(?<![=!<>])[<>](?!=)|(?<![=!])!(?!=)")
_WORD_OPERATOR = re.compile(r"(?<![\w.$])(and|or|not|eq|ne|gt|lt|ge|le)(?![\w(])")
_ARITHMETIC = re.compile(r"[R\d)\]]\s*([-+*/%])\s*[R\d($-]")
_OVERRIDE_MAPS = ("header", "path", "querystring")
_DIRECTIVE_EXPRESSION = re.compile(r"#\{?(?:set|if|elseif|foreach)\}?\s*\(")


def constructs_in(template: str) -> set[str]:
    """Every construct `template` uses (see the module docstring for the names)."""
    found: set[str] = {f"#{name}" for name in _DIRECTIVE.findall(template)}
    if re.search(r"(?<![#\\])##", template):
        found.add("## comment")
    if re.search(r"(?<!#)#\*", template):
        found.add("#* comment *#")
    for quiet, root, segments in _scan_references(template):
        if quiet:
            found.add("$!quiet")
        found |= _reference_constructs(root, segments)
    for expression in directive_expressions(template):
        bare = _STRING.sub('""', expression)
        found |= {f"operator {op}" for op in _OPERATOR.findall(_REFERENCE.sub("R", bare))}
        found |= {f"operator {op}" for op in _WORD_OPERATOR.findall(_REFERENCE.sub("R", bare))}
        if re.search(r"\[[^\]]*\.\.[^\]]*\]", bare):
            found.add("[range]")
        found |= {f"arithmetic {op}" for op in arithmetic_in(expression)}
        if re.search(r"(?:=|\(|,)\s*\[", bare):
            found.add("[list literal]")
        if re.search(r"(?:=|\(|,)\s*\{", bare):
            found.add("{map literal}")
    return found


def arithmetic_in(expression: str) -> list[str]:
    """The arithmetic operators (+ - * / %) between operands of one directive expression."""
    bare = _REFERENCE.sub("R", _STRING.sub('""', expression))
    return _ARITHMETIC.findall(bare)


def directive_expressions(template: str) -> list[str]:
    """The parenthesised expression of every #set/#if/#elseif/#foreach."""
    expressions = []
    for match in _DIRECTIVE_EXPRESSION.finditer(template):
        depth, index = 1, match.end()
        while index < len(template) and depth:
            char = template[index]
            if char in "\"'":
                end = template.find(char, index + 1)
                index = len(template) if end < 0 else end
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            index += 1
        expressions.append(template[match.end():index - 1])
    return expressions


def _scan_references(template: str):
    """Yield (quiet, root, segments) for every reference, nested ones in arguments too."""
    for match in re.finditer(r"\$(!?)\{?([A-Za-z_][A-Za-z0-9_-]*)", template):
        segments, index = [], match.end()
        while index < len(template):
            step = re.match(r"\.([A-Za-z_][A-Za-z0-9_-]*)", template[index:])
            if step:
                index += step.end()
                is_call = index < len(template) and template[index] == "("
                if is_call:
                    index = _skip_balanced(template, index, "(", ")")
                segments.append((step.group(1), is_call))
            elif template[index] == "[":
                index = _skip_balanced(template, index, "[", "]")
                segments.append(("[", False))
            else:
                break
        yield match.group(1), match.group(2), segments


def _skip_balanced(text: str, index: int, opening: str, closing: str) -> int:
    depth = 0
    while index < len(text):
        char = text[index]
        if char in "\"'":
            end = text.find(char, index + 1)
            index = len(text) - 1 if end < 0 else end
        elif char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return index


def _reference_constructs(root: str, segments: list[tuple[str, bool]]) -> set[str]:
    found: set[str] = set()
    if any("-" in name for name, _ in segments):
        found.add("$x.hyphenated-name")  # Velocity identifiers may hold '-': $a.Retry-After is one name
    if root in ("input", "util") and segments and segments[0][0] != "[":
        found.add(f"${root}.{segments[0][0]}" + ("()" if segments[0][1] else ""))
        rest = segments[1:]
    elif root == "context":
        path = ["$context"]
        rest = []
        for index, (name, call) in enumerate(segments):
            if call or name == "[":
                rest = segments[index:]
                break
            if len(path) == 3 and path[1] in ("requestOverride", "responseOverride") and path[2] in _OVERRIDE_MAPS:
                path.append("*")
                rest = segments[index + 1:]
                break
            path.append(name)
        found.add(".".join(path))
    elif root == "stageVariables":
        found.add("$stageVariables.*")
        rest = []
    else:
        if root == "foreach":
            found.add(f"$foreach.{segments[0][0]}" if segments else "$foreach")
            segments = segments[1:]
        rest = segments
    for name, call in rest:
        if name == "[":
            found.add("$x[index]")
        elif call:
            found.add(f".{name}()")
        else:
            found.add(".property")
    return found
