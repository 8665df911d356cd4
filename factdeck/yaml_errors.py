"""YAML syntax errors -> a position and a message a card author can act on.

PyYAML's messages describe the parser's state ("while parsing a block
mapping ... did not find expected key"). Hand-edited card files go wrong in a
few typical ways (a tab, an unclosed quote, text that starts with a YAML
indicator or contains ': ', a line indented wrongly); each is recognised here
and pointed at the place to fix, which is not always where the parser gave up.
"""

from __future__ import annotations

import re
from dataclasses import replace

import yaml

from .errors import Position

# "key: value" or "- value" or "- key: value": where the text of a line starts.
_VALUE = re.compile(r"^(?P<lead>\s*(?:-\s+)*(?:[^\s\"'#:][^:#]*:\s+)?)(?P<value>\S.*)?$")
_KEY_WITHOUT_SPACE = re.compile(r"^\s*(?:-\s+)?[\w-]+:[^\s:]")
_INDICATORS = {
    "@": "'@'", "`": "'`'", "%": "'%'", "*": "'*' (an alias)", "&": "'&' (an anchor)",
    "!": "'!' (a tag)", "|": "'|'", ">": "'>'", "[": "'['", "{": "'{'",
}
_SYNTAX = "YAML syntax error"


def describe_yaml_error(exc: yaml.MarkedYAMLError, lines: list[str], file: str) -> tuple[Position, str]:
    """Where to point and what to say for one YAML syntax error."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    context = exc.context or ""
    line = mark.line if mark else 0
    column = mark.column if mark else 0
    text = lines[line] if line < len(lines) else ""
    here = Position(file, line + 1, column + 1)
    if column < len(text) and text[column] == "\t" or "tab" in problem:
        return here, "tab character: YAML indents with spaces only; replace the tab with spaces"
    if "nesting depth" in problem:
        return here, "nested too deeply: a card file needs five levels (is a bracket never closed?)"
    if "quoted scalar" in context and exc.context_mark is not None:
        return _quoted_scalar_error(exc.context_mark, problem, lines, here)
    same_line = _after_closing_quote(text, column)
    if same_line:
        return here, same_line
    unclosed = _unclosed_quote_before(lines, exc.context_mark.line if exc.context_mark else 0, line)
    if unclosed is not None:
        at, quote = unclosed
        return (Position(file, at[0] + 1, at[1] + 1),
                f"unclosed quote: the text from this {quote} runs on to line {line + 1}; add the closing {quote}")
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        opened = exc.context_mark or mark
        closing = "]" if "]" in problem else "}"
        return (Position(file, opened.line + 1, opened.column + 1),
                f"this '{'[' if closing == ']' else '{'}' is never closed: add '{closing}' "
                "(or put text that starts with it in quotes)")
    start = _value_start(text)
    if start is not None and start <= column and text[start] in _INDICATORS:
        return (Position(file, line + 1, start + 1),
                f"text cannot start with {_INDICATORS[text[start]]} in YAML: put the whole text in quotes (\"...\")")
    if "block sequence entries are not allowed" in problem:
        return here, "text cannot start with '- ' after a key (YAML reads a list): put the whole text in quotes (\"...\")"
    if "mapping values are not allowed" in problem:
        if line > 0 and _KEY_WITHOUT_SPACE.match(lines[line - 1]):
            return (Position(file, line, 1),
                    "a key needs a space after its colon: write 'key: value', not 'key:value'")
        if start is not None and start < column:
            return here, "text containing ': ' must be put in quotes (\"...\")"
        return here, "this line is indented further than the field above it: line up a card's fields"
    if "expected '-' indicator" in problem or "did not find expected key" in problem:
        return here, ("indentation does not match the lines above: a card's fields line up under "
                      "its 'id', and each card starts with '- '")
    if "could not find expected ':'" in problem:
        return here, "expected 'key: value' on this line (a line of text on its own needs its key)"
    detail = f"{problem} ({context})" if context else problem
    return here, f"{_SYNTAX}: {detail}"


def _quoted_scalar_error(opened: yaml.Mark, problem: str, lines: list[str],
                         here: Position) -> tuple[Position, str]:
    quote = lines[opened.line][opened.column:opened.column + 1] if opened.line < len(lines) else '"'
    if "end of stream" in problem:
        return (replace(here, line=opened.line + 1, column=opened.column + 1),
                f"unclosed quote: the text from this {quote} runs to the end of the file; add the closing {quote}")
    text = lines[here.line - 1] if here.line <= len(lines) else ""
    backslash = text.rfind("\\", 0, here.column)
    at = replace(here, column=backslash + 1) if backslash >= 0 else here
    if "Unicode" in problem:
        return at, "invalid Unicode escape in \"...\" text: write the character itself instead"
    escape = text[backslash:backslash + 2] if backslash >= 0 else "\\"
    return at, (f"unknown escape '{escape}' in \"...\" text: write a backslash as \\\\, or use single "
                "quotes '...', where a backslash is just a backslash")


def _value_start(text: str) -> int | None:
    match = _VALUE.match(text)
    if match is None or match.group("value") is None:
        return None
    return match.start("value")


def _quote_balance(value: str) -> bool:
    """Whether a value that starts with a quote closes it on the same line."""
    quote = value[0]
    if quote == "'":
        return value.replace("''", "").count("'") % 2 == 0
    return re.sub(r"\\.", "", value).count('"') % 2 == 0


def _after_closing_quote(text: str, column: int) -> str | None:
    start = _value_start(text)
    if start is None or start >= column or text[start] not in "\"'":
        return None
    quote = text[start]
    value = text[start:]
    if quote == "'":
        close = value.replace("''", "xx").find("'", 1)
    else:
        close = re.sub(r"\\.", "xx", value).find('"', 1)
    if close < 0 or start + close >= column:
        return None
    if quote == "'":
        return ("text goes on after the closing quote: put the whole text in quotes, and write a "
                "' inside '...' as '' (or use \"...\")")
    return ("text goes on after the closing quote: put the whole text in quotes, and write a "
            "\" inside \"...\" as \\\" (or use '...')")


def _unclosed_quote_before(lines: list[str], first: int, problem_line: int) -> tuple[tuple[int, int], str] | None:
    for number in range(first, min(problem_line, len(lines))):
        start = _value_start(lines[number])
        if start is None:
            continue
        value = lines[number][start:]
        if value[0] in "\"'" and not _quote_balance(value):
            return (number, start), value[0]
    return None
