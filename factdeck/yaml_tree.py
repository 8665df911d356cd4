"""YAML events -> a tree of plain values that remember where they came from.

We build the tree from the parser's events instead of ``yaml.compose`` so that
every value keeps its text exactly as written (no implicit typing: ``no``
stays "no", ``1.10`` stays "1.10") and so that YAML features that would
silently change a card are reported where they stand: an anchor (``&c.``
eats text), an alias (``*bold*``, alias bombs), a tag (``!important``), a
second document, a repeated key, a trailing ``# comment`` cutting a text short.
Aliases are never expanded, so a billion-laughs file costs what its bytes cost.

libyaml's own composer (``yaml.compose`` with ``CSafeLoader``) is no faster a
start: PyYAML still makes each node a Python object and calls back into Python
for it three times, so turning its nodes into this tree costs more than
consuming the events. Most card files never get here: :mod:`factdeck.yaml_lines`
makes the same tree from the lines of a file in YAML's common subset, in about
half the instructions, and leaves every other file (and every mistake) to this builder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, NamedTuple, Union

from .errors import Position, ProblemLog

if TYPE_CHECKING:  # PyYAML is imported when a file needs it (see yaml_lines.py): most never do
    import yaml

MAX_DEPTH = 32  # a card file needs 5 levels; deeper is a mistake or an attack
# A card is about ten values, so a real file stays far below this; the cap
# bounds time and memory for a dense file like "[a,a,a,...]" (some 25 MB).
MAX_VALUES = 100_000
_COMMENT = re.compile(r"[ \t]*#")
NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})  # a plain text YAML reads as no value
# Explicit tags that only say "this is text": harmless, so allowed.
_TEXT_TAGS = frozenset({"!", "tag:yaml.org,2002:str"})


class YamlText(NamedTuple):
    """A scalar, exactly as written.

    ``null`` is true for a bare ``~``, ``null`` or nothing. ``reported`` marks
    a value the loader already complained about (an alias): readers treat it as
    absent without a second message. ``comment`` is a ``# comment`` that
    follows a plain scalar on its last line, which YAML drops from the text.

    Immutable as a named tuple rather than a frozen dataclass: a deck has a
    dozen scalars a card, and a frozen dataclass takes twice as long to make.
    """

    text: str
    position: Position
    null: bool = False
    reported: bool = False
    comment: tuple[str, Position] | None = None


@dataclass(frozen=True, slots=True)
class YamlList:
    items: tuple[YamlValue, ...]
    position: Position


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    key: str
    position: Position
    first: Position


@dataclass(frozen=True, slots=True)
class YamlMap:
    """A mapping with string keys in file order; each key keeps its own position.

    A repeated key keeps its first value and is listed in ``duplicates``, for
    the validator to report with the card it belongs to.
    """

    entries: dict[str, YamlValue]
    key_positions: dict[str, Position]
    position: Position
    duplicates: tuple[DuplicateKey, ...] = ()

    def get(self, key: str) -> YamlValue | None:
        return self.entries.get(key)


YamlValue = Union[YamlText, YamlList, YamlMap]


@dataclass(slots=True)
class _OpenList:
    """A list whose end event has not come yet."""

    position: Position
    items: list[YamlValue] = field(default_factory=list)

    def close(self) -> YamlList:
        return YamlList(tuple(self.items), self.position)


@dataclass(slots=True)
class _OpenMap:
    """A mapping whose end event has not come yet.

    ``key`` is what waits for its value: None when nothing does, the text of a
    plain key (at ``key_position``), or a list, mapping or alias used as a key,
    which is reported (or dropped) once its value has come.
    """

    position: Position
    entries: dict[str, YamlValue] = field(default_factory=dict)
    key_positions: dict[str, Position] = field(default_factory=dict)
    duplicates: list[DuplicateKey] = field(default_factory=list)
    key: str | YamlValue | None = None
    key_position: Position | None = None

    def close(self) -> YamlMap:
        return YamlMap(self.entries, self.key_positions, self.position, tuple(self.duplicates))


class TreeBuilder:
    """Consumes parser events for one file; problems go to the log."""

    def __init__(self, file: str, text: str, log: ProblemLog) -> None:
        self.file = file
        self.text = text
        self.log = log
        self.root: YamlValue | None = None
        self.documents = 0
        self.reported_aliases: set[str] = set()

    def position(self, mark: yaml.Mark) -> Position:
        return Position(self.file, mark.line + 1, mark.column + 1)

    def build(self, events: Iterable[yaml.Event]) -> YamlValue | None:
        """The single document's tree, or None when there is nothing usable."""
        # This loop sees every value of every card, so the common cases are written out
        # here rather than in helpers (a call per value costs more than the rest of its
        # work), events are told apart by identity, most frequent first, and a plain key
        # is kept as its text and position: it never becomes a YamlText.
        from yaml.events import (AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent,
                                 ScalarEvent, SequenceEndEvent, SequenceStartEvent)

        file, text = self.file, self.text
        stack: list[_OpenList | _OpenMap] = []
        top: _OpenList | _OpenMap | None = None
        values = 0
        for event in events:
            kind = type(event)
            if kind is ScalarEvent:
                values += 1
                if values > MAX_VALUES:
                    return self._too_many(event)
                if event.anchor is not None or event.tag is not None:
                    self._check_properties(event)
                mark = event.start_mark
                position = Position(file, mark.line + 1, mark.column + 1)
                if top.__class__ is _OpenMap and top.key is None:
                    top.key, top.key_position = event.value, position
                    continue
                written = event.value
                if event.style:  # quoted or a block: libyaml says '' for plain, pure-Python PyYAML None
                    value: YamlValue = YamlText(written, position)
                else:
                    end = event.end_mark.index  # marks count characters, as str indexes do
                    comment = self._trailing_comment(event.end_mark) \
                        if written and text[end:end + 1] in " \t#" else None
                    value = YamlText(written, position, event.tag is None and written in NULL_WORDS,
                                     False, comment)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                value = stack.pop().close()
                top = stack[-1] if stack else None
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                values += 1
                if values > MAX_VALUES:
                    return self._too_many(event)
                if event.anchor is not None or event.tag is not None:
                    self._check_properties(event)
                if len(stack) >= MAX_DEPTH:
                    self.log.error(self.position(event.start_mark),
                                   f"nested more than {MAX_DEPTH} levels deep: a card file needs five")
                    return None
                mark = event.start_mark
                position = Position(file, mark.line + 1, mark.column + 1)
                top = _OpenMap(position) if kind is MappingStartEvent else _OpenList(position)
                stack.append(top)
                continue
            elif kind is AliasEvent:
                value = self._alias(event)
            elif kind is DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    self.log.error(self.position(event.start_mark),
                                   "a second YAML document starts here ('---'): a card file holds one "
                                   "document; remove the '---' line or move what follows to its own file")
                    return self.root
                continue
            else:
                continue
            if top is None:
                self.root = value
            elif top.__class__ is _OpenList:
                top.items.append(value)
            elif top.key is None:
                top.key = value  # a list, a mapping or an alias as a key
            else:
                key = top.key
                top.key = None
                if key.__class__ is str and key not in top.entries and key != "<<":
                    top.entries[key] = value
                    top.key_positions[key] = top.key_position
                else:
                    self._unusual_entry(top, key)
        return self.root

    def _too_many(self, event: yaml.NodeEvent) -> None:
        self.log.error(self.position(event.start_mark),
                       f"more than {MAX_VALUES:,} values in one file: split it into several card files")

    def _trailing_comment(self, end: yaml.Mark) -> tuple[str, Position] | None:
        found = _COMMENT.match(self.text, end.index)
        if found is None:
            return None
        line_end = self.text.find("\n", found.end())
        comment = self.text[found.end() - 1:line_end if line_end >= 0 else len(self.text)]
        return comment.rstrip(), Position(self.file, end.line + 1, end.column + found.end() - end.index)

    def _alias(self, event: yaml.AliasEvent) -> YamlText:
        position = self.position(event.start_mark)
        if event.anchor not in self.reported_aliases:  # once per name: a bomb repeats each many times
            self.reported_aliases.add(event.anchor)
            self.log.error(position, f"YAML alias '*{event.anchor}' is not allowed: card files spell out "
                                     "every value (to write text starting with '*', put it in quotes)")
        return YamlText("", position, null=True, reported=True)

    def _check_properties(self, event: yaml.NodeEvent) -> None:
        position = self.position(event.start_mark)
        if event.anchor is not None:
            self.log.error(position, f"YAML anchor '&{event.anchor}' is not allowed: card files spell out "
                                     "every value (to write text starting with '&', put it in quotes)")
        tag = event.tag  # None unless written: the parser resolves nothing
        if tag is not None and tag not in _TEXT_TAGS:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self.log.error(position, f"YAML tag '{shown}' is not allowed: YAML reads a leading '!' as a "
                                     "tag and drops it from the text; put the whole text in quotes")

    def _unusual_entry(self, top: _OpenMap, key: str | YamlValue) -> None:
        """A key that is no new plain text: repeated, a merge key, a list or mapping, or an alias."""
        if not isinstance(key, str):
            if not (isinstance(key, YamlText) and key.reported):
                self.log.error(key.position, "a key must be plain text, not a list or mapping")
            return
        assert top.key_position is not None
        if key == "<<":
            self.log.error(top.key_position, "YAML merge keys (<<) are not allowed: write each field out")
            return
        top.duplicates.append(DuplicateKey(key, top.key_position, top.key_positions[key]))
