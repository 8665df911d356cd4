"""Typed reading of the loaded YAML tree: text, lists of text, records of fields.

Each reader returns a usable value or a harmless empty one after logging what
is wrong, in one voice: ``'term': expected text, got a list``; ``unknown field
'defintion' in a term card (did you mean 'definition'?)``. Values the loader
already complained about (``reported``) are treated as absent in silence, so
one mistake gives one message.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

from .errors import Position, ProblemLog
from .yaml_tree import YamlList, YamlMap, YamlText, YamlValue

_TEXT_SHOWN = 40
# The most one text of a card may hold. A printed face shows at most some 1,500 characters even at
# its smallest size, and Typst's cost grows faster than a text's length (one 1 MB text: 2.9 GB and
# 18 s to typeset); with this cap and the 2 MiB cap on a card file, the print stage of a deck stays
# within the memory bound the README gives.
MAX_TEXT_CHARACTERS = 5_000
# "Did you mean" compares a misspelt key with every choice; over a registry of 20,000 sources and
# thousands of misspellings that is minutes. Past this many comparisons in one run, keys go unsuggested.
SUGGESTION_BUDGET = 200_000
# Escapes in "..." can put any character into a text. Control characters
# (Unicode category Cc) other than tab and newline would corrupt a note
# (U+001F separates Anki's fields) or vanish unseen, so they are refused.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def quoted(text: str) -> str:
    """User text inside a message: quoted, on one line, invisible characters escaped, cut short when long."""
    one_line = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    if len(one_line) > _TEXT_SHOWN:
        one_line = one_line[:_TEXT_SHOWN - 3] + "..."
    return f"'{one_line}'"


def describe(value: YamlValue | None) -> str:
    """What a value is, for "expected X, got Y"."""
    if value is None or isinstance(value, YamlText) and value.null:
        return "nothing"
    if isinstance(value, YamlMap):
        return "a mapping"
    if isinstance(value, YamlList):
        return "a list"
    return f"text {quoted(value.text)}"


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice that ``word`` is most likely a misspelling of, if any."""
    import difflib  # only for a misspelling: a clean deck never needs it

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or nothing."""
    close = closest(word, choices)
    return f" (did you mean '{close}'?)" if close else ""


class Suggester:
    """"Did you mean" over one large set of choices (the source keys), in bounded time for a whole run.

    Only choices that could pass difflib's 0.6 cutoff (their lengths within
    3:7 of the word's) and that start with the word's letter (a slip of the
    first letter is the rare one) are compared, each word once, and at most
    :data:`SUGGESTION_BUDGET` comparisons in all.
    """

    def __init__(self, choices: Iterable[str]) -> None:
        self.by_start: dict[tuple[str, int], list[str]] = {}
        for choice in choices:
            self.by_start.setdefault((choice[:1], len(choice)), []).append(choice)
        self.budget = SUGGESTION_BUDGET
        self.made: dict[str, str] = {}

    def suggest(self, word: str) -> str:
        """`` (did you mean 'x'?)`` for the closest choice, or nothing (also once the budget is spent)."""
        if word not in self.made:
            lengths = range(len(word) * 3 // 7, len(word) * 7 // 3 + 2)
            candidates = [choice for length in lengths for choice in self.by_start.get((word[:1], length), ())]
            if len(candidates) > self.budget:
                self.made[word] = ""
            else:
                self.budget -= len(candidates)
                self.made[word] = suggest(word, candidates)
        return self.made[word]


def is_absent(value: YamlValue | None) -> bool:
    return value is None or isinstance(value, YamlText) and (value.null or value.reported)


class FieldReader:
    """Reads values out of the tree, logging every problem with its position."""

    def __init__(self, log: ProblemLog) -> None:
        self.log = log

    def text(self, value: YamlValue | None, what: str, card_id: str | None = None, *,
             required_at: Position | None = None) -> str:
        """The stripped text of a scalar, or "" after logging why it is unusable.

        ``required_at`` makes the field required and is where a missing one is reported.
        """
        if value is None:
            if required_at is not None:
                self.log.error(required_at, f"missing field '{what}'", card_id)
            return ""
        if isinstance(value, YamlText) and value.reported:
            return ""
        if not isinstance(value, YamlText):
            hint = " (quote text that contains ': ')" if isinstance(value, YamlMap) else \
                " (quote text that starts with '[' or '- ')"
            self.log.error(value.position, f"'{what}': expected text, got {describe(value)}{hint}", card_id)
            return ""
        if value.null:
            if required_at is not None:
                word = f": YAML reads a bare '{value.text}' as no value (write \"{value.text}\" in quotes " \
                       "to mean the text)" if value.text else ""
                self.log.error(value.position, f"'{what}' is empty{word}", card_id)
            return ""
        stripped = value.text.strip()
        if required_at is not None and not stripped:
            spaces = " (only spaces)" if value.text else ""
            self.log.error(value.position, f"'{what}' is empty{spaces}", card_id)
        if len(stripped) > MAX_TEXT_CHARACTERS:
            self.log.error(value.position, f"'{what}' is too long: {len(stripped):,} characters, over the "
                                           f"{MAX_TEXT_CHARACTERS:,}-character limit for one text; shorten it "
                                           "or split the card", card_id)
            return ""
        # Printable text holds no control character (most texts: a quicker test than the search).
        bad = None if stripped.isprintable() else CONTROL_CHARACTER.search(stripped)
        if bad is not None:
            self.log.error(value.position, f"'{what}' contains the invisible control character "
                                           f"U+{ord(bad.group()):04X}: remove it", card_id)
            return ""
        return stripped

    def text_list(self, value: YamlValue | None, what: str, card_id: str | None = None
                  ) -> list[tuple[str, Position]]:
        """A scalar or a list of scalars, as (text, position) pairs."""
        if is_absent(value):
            return []
        assert value is not None
        if isinstance(value, YamlMap):
            self.log.error(value.position, f"'{what}': expected text or a list of text, got a mapping", card_id)
            return []
        items = value.items if isinstance(value, YamlList) else (value,)
        result = []
        for item in items:
            if isinstance(item, YamlText) and item.reported:
                continue
            if not isinstance(item, YamlText) or item.null or not item.text.strip():
                self.log.error(item.position, f"'{what}': expected text in each entry, got {describe(item)}",
                               card_id)
                continue
            if not item.text.isprintable() and CONTROL_CHARACTER.search(item.text):
                self.log.error(item.position, f"'{what}': {quoted(item.text)} contains an invisible control "
                                              "character: remove it", card_id)
                continue
            result.append((item.text.strip(), item.position))
        return result

    def mapping(self, value: YamlValue | None, what: str, where: Position, expected: str = "a mapping"
                ) -> YamlMap | None:
        """``value`` if it is a mapping; otherwise log "expected ..., got ..." and return None."""
        if isinstance(value, YamlMap):
            return value
        if value is None:
            self.log.error(where, f"missing field {what}")
        elif not (isinstance(value, YamlText) and value.reported):
            self.log.error(value.position, f"{what}: expected {expected}, got {describe(value)}")
        return None

    def record(self, node: YamlMap, allowed: tuple[str, ...], what: str, card_id: str | None = None,
               other_hint: Callable[[str], str] | None = None) -> set[str]:
        """Log repeated and unknown keys; returns the allowed fields that unknown keys were taken for.

        ``other_hint`` explains a key that is no misspelling (e.g. a field of another kind).
        """
        self.duplicates(node, "field", card_id)
        suggested = set()
        for key, position in node.key_positions.items():
            if key in allowed:
                continue
            close = closest(key, allowed)
            if close is not None:
                suggested.add(close)
                hint = f" (did you mean '{close}'?)"
            else:
                hint = other_hint(key) if other_hint else ""
            self.log.error(position, f"unknown field {quoted(key)} in {what}{hint}", card_id)
        return suggested

    def duplicates(self, node: YamlMap, noun: str, card_id: str | None = None) -> None:
        for duplicate in node.duplicates:
            self.log.error(duplicate.position,
                           f"duplicate {noun} {quoted(duplicate.key)} (first given on line "
                           f"{duplicate.first.line}): YAML would silently keep only the last; remove one",
                           card_id)


def text_position(lines: list[str], value: YamlText, offset: int) -> Position | None:
    """Where character ``offset`` of the stripped text of ``value`` stands in its file (as ``lines``).

    Only a scalar written on one line as its text (plain, or quoted without
    escapes) maps characters to columns one to one; for any other, None: the
    caller points at the field.
    """
    if not 0 < value.position.line <= len(lines):
        return None
    written = lines[value.position.line - 1][value.position.column - 1:]
    offset += len(value.text) - len(value.text.lstrip())
    if written.startswith(value.text):
        return value.position._replace(column=value.position.column + offset)
    quote = written[:1]
    if quote in ("'", '"') and written[1:].startswith(value.text + quote):
        return value.position._replace(column=value.position.column + 1 + offset)
    return None
