"""YAML events -> a tree of plain values that remember where they came from.

We build the tree from the parser's events instead of ``yaml.compose`` so that
every value keeps its text exactly as written (no implicit typing: ``no``
stays "no", ``1.10`` stays "1.10") and so that YAML features that would
silently change a card are reported where they stand: an anchor (``&c.``
eats text), an alias (``*bold*``, alias bombs), a tag (``!important``), a
second document, a repeated key, a trailing ``# comment`` cutting a text short.
Aliases are never expanded, so a billion-laughs file costs what its bytes cost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Union

import yaml

from .errors import Position, ProblemLog

MAX_DEPTH = 32  # a card file needs 5 levels; deeper is a mistake or an attack
# A card is about ten values, so a real file stays far below this; the cap
# bounds time and memory for a dense file like "[a,a,a,...]" (some 25 MB).
MAX_VALUES = 100_000
_COMMENT = re.compile(r"[ \t]*#")
_NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
# Explicit tags that only say "this is text": harmless, so allowed.
_TEXT_TAGS = frozenset({"!", "tag:yaml.org,2002:str"})


@dataclass(frozen=True, slots=True)
class YamlText:
    """A scalar, exactly as written.

    ``null`` is true for a bare ``~``, ``null`` or nothing. ``reported`` marks
    a value the loader already complained about (an alias): readers treat it as
    absent without a second message. ``comment`` is a ``# comment`` that
    follows a plain scalar on its last line, which YAML drops from the text.
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


@dataclass
class _Open:
    """A list or mapping whose end event has not come yet."""

    position: Position
    is_map: bool
    items: list[YamlValue] = field(default_factory=list)
    entries: dict[str, YamlValue] = field(default_factory=dict)
    key_positions: dict[str, Position] = field(default_factory=dict)
    duplicates: list[DuplicateKey] = field(default_factory=list)
    key: YamlValue | None = None  # a mapping's key waiting for its value

    def close(self) -> YamlValue:
        if self.is_map:
            return YamlMap(self.entries, self.key_positions, self.position, tuple(self.duplicates))
        return YamlList(tuple(self.items), self.position)


class TreeBuilder:
    """Consumes parser events for one file; problems go to the log."""

    def __init__(self, file: str, text: str, log: ProblemLog) -> None:
        self.file = file
        self.text = text
        self.log = log
        self.stack: list[_Open] = []
        self.root: YamlValue | None = None
        self.documents = 0
        self.reported_aliases: set[str] = set()
        self.values = 0

    def position(self, mark: yaml.Mark) -> Position:
        return Position(self.file, mark.line + 1, mark.column + 1)

    def build(self, events: Iterable[yaml.Event]) -> YamlValue | None:
        """The single document's tree, or None when there is nothing usable."""
        for event in events:
            kind = type(event)  # compared by identity, most frequent first: this loop sees every value
            if kind is yaml.ScalarEvent:
                if not self._count(event):
                    return None
                self._check_properties(event)
                self._add(self._scalar(event))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                self._add(self.stack.pop().close())
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if not self._count(event):
                    return None
                self._check_properties(event)
                if len(self.stack) >= MAX_DEPTH:
                    self.log.error(self.position(event.start_mark),
                                   f"nested more than {MAX_DEPTH} levels deep: a card file needs five")
                    return None
                self.stack.append(_Open(self.position(event.start_mark), kind is yaml.MappingStartEvent))
            elif kind is yaml.AliasEvent:
                self._add(self._alias(event))
            elif kind is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    self.log.error(self.position(event.start_mark),
                                   "a second YAML document starts here ('---'): a card file holds one "
                                   "document; remove the '---' line or move what follows to its own file")
                    return self.root
        return self.root

    def _count(self, event: yaml.NodeEvent) -> bool:
        """Count one more value; false (after logging) once a file holds too many."""
        self.values += 1
        if self.values <= MAX_VALUES:
            return True
        self.log.error(self.position(event.start_mark),
                       f"more than {MAX_VALUES:,} values in one file: split it into several card files")
        return False

    def _scalar(self, event: yaml.ScalarEvent) -> YamlText:
        plain = not event.style  # libyaml says '' for plain, pure-Python PyYAML says None
        return YamlText(event.value, self.position(event.start_mark),
                        null=plain and event.tag is None and event.value in _NULL_WORDS,
                        comment=self._trailing_comment(event.end_mark) if plain and event.value else None)

    def _trailing_comment(self, end: yaml.Mark) -> tuple[str, Position] | None:
        found = _COMMENT.match(self.text, end.index)  # marks count characters, as str indexes do
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
        tag = getattr(event, "tag", None)  # None unless written: the parser resolves nothing
        if event.anchor is None and tag is None:
            return
        position = self.position(event.start_mark)
        if event.anchor is not None:
            self.log.error(position, f"YAML anchor '&{event.anchor}' is not allowed: card files spell out "
                                     "every value (to write text starting with '&', put it in quotes)")
        if tag is not None and tag not in _TEXT_TAGS:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self.log.error(position, f"YAML tag '{shown}' is not allowed: YAML reads a leading '!' as a "
                                     "tag and drops it from the text; put the whole text in quotes")

    def _add(self, value: YamlValue) -> None:
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if not top.is_map:
            top.items.append(value)
        elif top.key is None:
            top.key = value
        else:
            self._add_entry(top, top.key, value)
            top.key = None

    def _add_entry(self, top: _Open, key_node: YamlValue, value: YamlValue) -> None:
        if not isinstance(key_node, YamlText):
            self.log.error(key_node.position, "a key must be plain text, not a list or mapping")
            return
        key = key_node.text
        if key_node.reported:
            return
        if key == "<<":
            self.log.error(key_node.position, "YAML merge keys (<<) are not allowed: write each field out")
            return
        if key in top.entries:
            top.duplicates.append(DuplicateKey(key, key_node.position, top.key_positions[key]))
            return
        top.key_positions[key] = key_node.position
        top.entries[key] = value
