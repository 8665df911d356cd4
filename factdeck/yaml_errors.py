"""YAML syntax errors -> a position and a message a card author can act on.

PyYAML's messages describe the parser's state ("while parsing a block
mapping ... did not find expected key"). Hand-edited card files go wrong in a
few typical ways (a tab, an unclosed quote, text that starts with a YAML
indicator or contains ': ', a line indented wrongly); each recogniser below
spots one and points at the place to fix, which is not always where the
parser gave up. The first that matches wins; the last resort is PyYAML's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional

from .errors import Position

if TYPE_CHECKING:
    import yaml

# "key: value" or "- value" or "- key: value": where the text of a line starts.
_VALUE = re.compile(r"^(?P<lead>\s*(?:-\s+)*(?:[^\s\"'#:][^:#]*:\s+)?)(?P<value>\S.*)?$")
_KEY_WITHOUT_SPACE = re.compile(r"^\s*(?:-\s+)?[\w-]+:[^\s:]")
_INDICATORS = {
    "@": "'@'", "`": "'`'", "%": "'%'", "*": "'*' (an alias)", "&": "'&' (an anchor)",
    "!": "'!' (a tag)", "|": "'|'", ">": "'>'", "[": "'['", "{": "'{'", "]": "']'", "}": "'}'",
    ",": "','", "?": "'?'",
}
_QUOTE_IT = "put the whole text in quotes (\"...\")"
Described = Optional[tuple[Position, str]]


@dataclass(frozen=True)
class _Failure:
    """One syntax error and the file it is in."""

    file: str
    lines: list[str]
    problem: str
    context: str
    line: int            # 0-based, where the parser gave up
    column: int
    opened: yaml.Mark | None  # where the construct the parser was in began

    @property
    def text(self) -> str:
        return self.lines[self.line] if self.line < len(self.lines) else ""

    def at(self, line: int, column: int) -> Position:
        return Position(self.file, line + 1, column + 1)

    @property
    def here(self) -> Position:
        return self.at(self.line, self.column)


def describe_yaml_error(exc: yaml.MarkedYAMLError, lines: list[str], file: str) -> tuple[Position, str]:
    """Where to point and what to say for one YAML syntax error."""
    mark = exc.problem_mark or exc.context_mark
    failure = _Failure(file, lines, exc.problem or "invalid YAML", exc.context or "",
                       mark.line if mark else 0, mark.column if mark else 0, exc.context_mark)
    for recognise in _RECOGNISERS:
        described = recognise(failure)
        if described is not None:
            return described
    detail = f"{failure.problem} ({failure.context})" if failure.context else failure.problem
    return failure.here, f"YAML syntax error: {detail}"


def _tab(f: _Failure) -> Described:
    if f.text[f.column:f.column + 1] == "\t" or "tab" in f.problem:
        return f.here, "tab character: YAML indents with spaces only; replace the tab with spaces"
    return None


def _too_deep(f: _Failure) -> Described:
    if "nesting depth" in f.problem:
        return f.here, "nested too deeply: a card file needs five levels (is a bracket never closed?)"
    return None


def _in_quoted_text(f: _Failure) -> Described:
    if "quoted scalar" not in f.context or f.opened is None:
        return None
    opened = f.opened
    quote = f.lines[opened.line][opened.column:opened.column + 1] if opened.line < len(f.lines) else '"'
    if "end of stream" in f.problem:
        return (f.at(opened.line, opened.column),
                f"unclosed quote: the text from this {quote} runs to the end of the file; add the closing {quote}")
    backslash = f.text.rfind("\\", 0, f.column + 1)
    at = f.at(f.line, backslash) if backslash >= 0 else f.here
    if "Unicode" in f.problem:
        return at, "invalid Unicode escape in \"...\" text: write the character itself instead"
    escape = f.text[backslash:backslash + 2] if backslash >= 0 else "\\"
    return at, (f"unknown escape '{escape}' in \"...\" text: write a backslash as \\\\, or use single "
                "quotes '...', where a backslash is just a backslash")


def _block_scalar(f: _Failure) -> Described:
    if "block scalar" not in f.context or f.opened is None:
        return None
    return (f.at(f.opened.line, f.opened.column),
            "a '|' or '>' must end its line (the text follows on the lines below); to write text "
            f"that starts with it, {_QUOTE_IT}")


def _after_closing_quote(f: _Failure) -> Described:
    start = _value_start(f.text)
    if start is None or start >= f.column or f.text[start] not in "\"'":
        return None
    quote = f.text[start]
    value = f.text[start:]
    hidden = value.replace("''", "xx") if quote == "'" else re.sub(r"\\.", "xx", value)
    close = hidden.find(quote, 1)
    if close < 0 or start + close >= f.column:
        return None
    inside = "write a ' inside '...' as '' (or use \"...\")" if quote == "'" else \
        "write a \" inside \"...\" as \\\" (or use '...')"
    return f.here, f"text goes on after the closing quote: put the whole text in quotes, and {inside}"


def _unclosed_quote_above(f: _Failure) -> Described:
    first = f.opened.line if f.opened else 0
    for number in range(first, min(f.line, len(f.lines))):
        start = _value_start(f.lines[number])
        if start is None:
            continue
        value = f.lines[number][start:]
        if value[0] in "\"'" and not _closes(value):
            return (f.at(number, start), f"unclosed quote: the text from this {value[0]} runs on to line "
                                         f"{f.line + 1}; add the closing {value[0]}")
    return None


def _unclosed_bracket(f: _Failure) -> Described:
    if "expected ',' or ']'" in f.problem or "expected ',' or '}'" in f.problem:
        opened = f.opened
        where = (opened.line, opened.column) if opened else (f.line, f.column)
    elif "flow" in f.context:  # the parser names the item it choked on, not the bracket: look up for it
        found = next(((number, start) for number in range(f.line, max(f.line - 50, -1), -1)
                      if (start := _value_start(f.lines[number])) is not None
                      and f.lines[number][start] in "[{" and not _brackets_close(f.lines[number][start:])), None)
        if found is None:
            return None
        where = found
    else:
        return None
    bracket = f.lines[where[0]][where[1]:where[1] + 1] if where[0] < len(f.lines) else "["
    closing = "}" if bracket == "{" else "]"
    return (f.at(*where), f"this '{bracket}' is never closed: add '{closing}' "
                          "(or put text that starts with it in quotes)")


def _leading_indicator(f: _Failure) -> Described:
    start = _value_start(f.text)
    if start is not None and start <= f.column and f.text[start] in _INDICATORS:
        return f.at(f.line, start), f"text cannot start with {_INDICATORS[f.text[start]]} in YAML: {_QUOTE_IT}"
    return None


def _list_after_key(f: _Failure) -> Described:
    if "block sequence entries are not allowed" in f.problem:
        return f.here, f"text cannot start with '- ' after a key (YAML reads a list): {_QUOTE_IT}"
    return None


def _colon(f: _Failure) -> Described:
    if "mapping values are not allowed" not in f.problem:
        return None
    if f.line > 0 and _KEY_WITHOUT_SPACE.match(f.lines[f.line - 1]):
        return f.at(f.line - 1, 0), "a key needs a space after its colon: write 'key: value', not 'key:value'"
    start = _value_start(f.text)
    if start is not None and start < f.column:
        return f.here, "text containing ': ' must be put in quotes (\"...\")"
    return f.here, "this line is indented further than the field above it: line up a card's fields"


def _indentation(f: _Failure) -> Described:
    if "expected '-' indicator" in f.problem or "did not find expected key" in f.problem:
        return f.here, ("indentation does not match the lines above: a card's fields line up under "
                        "its 'id', and each card starts with '- '")
    if "expected <document start>" in f.problem:
        return f.here, ("this line does not fit the lines above: check its indentation (the file's "
                        "top-level fields start in the first column)")
    if "could not find expected ':'" in f.problem:
        return f.here, "expected 'key: value' on this line (a line of text on its own needs its key)"
    return None


def _stray_indicator(f: _Failure) -> Described:
    """A YAML indicator where the parser wanted a key or text: at the error, or starting the line."""
    for column in (f.column, len(f.text) - len(f.text.lstrip())):
        char = f.text[column:column + 1]
        if char in _INDICATORS:
            return f.at(f.line, column), f"{_INDICATORS[char]} is YAML syntax here: {_QUOTE_IT} or remove it"
    return None


_RECOGNISERS: list[Callable[[_Failure], Described]] = [
    _tab, _too_deep, _in_quoted_text, _block_scalar, _after_closing_quote, _unclosed_quote_above,
    _unclosed_bracket, _leading_indicator, _list_after_key, _colon, _indentation, _stray_indicator,
]


def _value_start(text: str) -> int | None:
    match = _VALUE.match(text)
    if match is None or match.group("value") is None:
        return None
    return match.start("value")


def _brackets_close(value: str) -> bool:
    opening = value[0]
    closing = "]" if opening == "[" else "}"
    return value.count(opening) <= value.count(closing)


def _closes(value: str) -> bool:
    """Whether a value that starts with a quote closes it on the same line."""
    if value[0] == "'":
        return value.replace("''", "").count("'") % 2 == 0
    return re.sub(r"\\.", "", value).count('"') % 2 == 0
