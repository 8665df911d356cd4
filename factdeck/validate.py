"""Loaded YAML -> the typed model, reporting every structural problem with its line.

Nothing here raises on bad input: each problem goes to the :class:`ProblemLog`
and validation carries on, so one run lists every mistake in the deck.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from pathlib import Path

from .errors import Position, ProblemLog
from .load import LoadedFile, YamlList, YamlMap, YamlText, YamlValue
from .model import CARD_KINDS, COMMON_FIELDS, Card, DeckSettings, Source

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TAG_PATTERN = re.compile(r"^[^\s\"]+$")
SETTINGS_FIELDS = ("name", "description", "deck_id", "guid_namespace", "note_type_ids")
SOURCE_FIELDS = ("title", "author", "site", "year", "url", "note", "text_file")
CARD_FILE_FIELDS = ("deck", "tags", "cards")
MAX_ANKI_ID = 2**63 - 1


def _kind_of(value: YamlValue) -> str:
    if isinstance(value, YamlMap):
        return "a mapping"
    if isinstance(value, YamlList):
        return "a list"
    return "nothing" if value.null else f"'{value.text}'"


def _suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


@lru_cache(maxsize=None)
def _hints_for_kind(kind_name: str) -> dict[str, str]:
    """Hints for another kind's field used on this kind: the same for every card of a kind,
    so worked out once (fuzzy matching per card was most of the time on large decks)."""
    own_fields = CARD_KINDS[kind_name].TEXT_FIELDS + CARD_KINDS[kind_name].OPTIONAL_TEXT_FIELDS
    elsewhere = {name: f" (that is a field of kind '{other}')"
                 for other, cls in CARD_KINDS.items() if other != kind_name
                 for name in cls.TEXT_FIELDS + cls.OPTIONAL_TEXT_FIELDS if name not in own_fields}
    for name in list(elsewhere):
        close = _suggest(name, COMMON_FIELDS + own_fields)
        if close:
            elsewhere[name] = close
    return elsewhere


class Validator:
    """Turns loaded files into model objects, logging what is wrong."""

    def __init__(self, log: ProblemLog) -> None:
        self.log = log

    # --- small typed readers -------------------------------------------------
    def text(self, value: YamlValue | None, what: str, card_id: str | None = None,
             required: bool = False, where: Position | None = None) -> str:
        """The stripped text of a scalar, or "" after logging why it is unusable."""
        if value is None or (isinstance(value, YamlText) and value.null):
            if required:
                self.log.error(where or Position("?"), f"missing '{what}'", card_id)
            return ""
        if not isinstance(value, YamlText):
            self.log.error(value.position, f"'{what}' must be text, got {_kind_of(value)}", card_id)
            return ""
        stripped = value.text.strip()
        if required and not stripped:
            self.log.error(value.position, f"'{what}' is blank", card_id)
        return stripped

    def text_list(self, value: YamlValue | None, what: str, card_id: str | None = None
                  ) -> list[tuple[str, Position]]:
        """A scalar or a list of scalars, as (text, position) pairs."""
        if value is None or (isinstance(value, YamlText) and value.null):
            return []
        items = value.items if isinstance(value, YamlList) else (value,)
        result = []
        for item in items:
            if not isinstance(item, YamlText) or item.null or not item.text.strip():
                self.log.error(item.position, f"each entry of '{what}' must be text, got {_kind_of(item)}",
                               card_id)
                continue
            result.append((item.text.strip(), item.position))
        return result

    def mapping(self, value: YamlValue | None, what: str, where: Position) -> YamlMap | None:
        if isinstance(value, YamlMap):
            return value
        got = "nothing" if value is None else _kind_of(value)
        self.log.error(value.position if value is not None else where, f"{what} must be a mapping, got {got}")
        return None

    def unknown_keys(self, node: YamlMap, allowed: tuple[str, ...], what: str,
                     card_id: str | None = None, hint: dict[str, str] | None = None) -> None:
        for key, position in node.key_positions.items():
            if key in allowed:
                continue
            extra = (hint or {}).get(key) or _suggest(key, allowed)
            self.log.error(position, f"unknown field '{key}' in {what}{extra}", card_id)

    def tags(self, value: YamlValue | None, card_id: str | None = None) -> tuple[str, ...]:
        tags = []
        for tag, position in self.text_list(value, "tags", card_id):
            if not TAG_PATTERN.match(tag):
                self.log.error(position, f"tag '{tag}' has a space or quote; Anki tags are single words "
                                         "(use '-' or '::' to join)", card_id)
                continue
            tags.append(tag)
        return tuple(tags)

    # --- deck.yaml -----------------------------------------------------------
    def settings(self, loaded: LoadedFile) -> DeckSettings | None:
        where = Position(loaded.display, 1)
        node = self.mapping(loaded.root, "deck settings", where) if loaded.root is not None else None
        if node is None:
            return None
        self.unknown_keys(node, SETTINGS_FIELDS, "deck settings")
        name = self.text(node.get("name"), "name", required=True, where=node.position)
        namespace = self.text(node.get("guid_namespace"), "guid_namespace", required=True, where=node.position)
        deck_id = self.integer_id(node.get("deck_id"), "deck_id", node.position)
        type_ids: dict[str, int] = {}
        ids_node = self.mapping(node.get("note_type_ids"), "'note_type_ids'", node.position)
        if ids_node is not None:
            self.unknown_keys(ids_node, tuple(CARD_KINDS), "note_type_ids")
            for kind in CARD_KINDS:
                type_ids[kind] = self.integer_id(ids_node.get(kind), f"note_type_ids.{kind}", ids_node.position)
        if not name or not namespace or deck_id is None or len(type_ids) != len(CARD_KINDS):
            return None
        if any(v is None for v in type_ids.values()):
            return None
        return DeckSettings(name=name, deck_id=deck_id, guid_namespace=namespace,
                            note_type_ids=type_ids, position=node.position,
                            description=self.text(node.get("description"), "description"))

    def integer_id(self, value: YamlValue | None, what: str, where: Position) -> int | None:
        text = self.text(value, what, required=True, where=where)
        if not text:
            return None
        if not text.isdigit() or not 0 < int(text) <= MAX_ANKI_ID:
            self.log.error(value.position, f"'{what}' must be a positive whole number, got '{text}'")  # type: ignore[union-attr]
            return None
        return int(text)

    # --- sources.yaml --------------------------------------------------------
    def sources(self, loaded: LoadedFile) -> dict[str, Source]:
        where = Position(loaded.display, 1)
        top = self.mapping(loaded.root, "the sources file", where) if loaded.root is not None else None
        if top is None:
            return {}
        self.unknown_keys(top, ("sources",), "the sources file")
        entries = self.mapping(top.get("sources"), "'sources'", top.position)
        if entries is None:
            return {}
        result = {}
        for key, raw in entries.entries.items():
            key_position = entries.key_positions[key]
            if not ID_PATTERN.match(key):
                self.log.error(key_position, f"source key '{key}' must be lowercase letters, digits and hyphens")
                continue
            node = self.mapping(raw, f"source '{key}'", key_position)
            if node is None:
                continue
            self.unknown_keys(node, SOURCE_FIELDS, f"source '{key}'")
            values = {name: self.text(node.get(name), name) for name in SOURCE_FIELDS}
            title = self.text(node.get("title"), "title", required=True, where=node.position)
            text_file = values.pop("text_file")
            del values["title"]
            result[key] = Source(key=key, title=title, position=key_position,
                                 text_file=(loaded.path.parent / text_file) if text_file else None,
                                 **values)
        return result

    # --- card files ----------------------------------------------------------
    def card_file(self, loaded: LoadedFile, root_deck: str, sources: dict[str, Source]) -> list[Card]:
        where = Position(loaded.display, 1)
        top = self.mapping(loaded.root, "a card file", where) if loaded.root is not None else None
        if top is None:
            return []
        self.unknown_keys(top, CARD_FILE_FIELDS, "a card file")
        subdeck = self.text(top.get("deck"), "deck", required=True, where=top.position)
        deck = f"{root_deck}::{subdeck}" if subdeck else root_deck
        file_tags = self.tags(top.get("tags"))
        raw_cards = top.get("cards")
        if raw_cards is None:
            self.log.error(top.position, "missing 'cards': a card file lists its cards under 'cards:'")
            return []
        if not isinstance(raw_cards, YamlList):
            self.log.error(raw_cards.position, f"'cards' must be a list, got {_kind_of(raw_cards)}")
            return []
        cards = []
        for raw in raw_cards.items:
            card = self.card(raw, deck, file_tags, sources)
            if card is not None:
                cards.append(card)
        return cards

    def card(self, raw: YamlValue, deck: str, file_tags: tuple[str, ...],
             sources: dict[str, Source]) -> Card | None:
        if not isinstance(raw, YamlMap):
            self.log.error(raw.position, f"each card must be a mapping of fields, got {_kind_of(raw)}")
            return None
        card_id = self.text(raw.get("id"), "id", required=True, where=raw.position)
        if card_id and not ID_PATTERN.match(card_id):
            self.log.error(raw.get("id").position,  # type: ignore[union-attr]
                           f"id '{card_id}' must be lowercase letters, digits and single hyphens "
                           "(e.g. 'first-five-year-plan')")
            card_id = ""
        label = card_id or None
        kind_name = self.text(raw.get("kind"), "kind", label, required=True, where=raw.position)
        kind = CARD_KINDS.get(kind_name)
        if kind is None:
            if kind_name:
                self.log.error(raw.get("kind").position,  # type: ignore[union-attr]
                               f"unknown kind '{kind_name}'{_suggest(kind_name, tuple(CARD_KINDS))}; "
                               f"expected one of: {', '.join(CARD_KINDS)}", label)
            return None
        own_fields = kind.TEXT_FIELDS + kind.OPTIONAL_TEXT_FIELDS
        self.unknown_keys(raw, COMMON_FIELDS + own_fields, f"a {kind_name} card", label,
                          _hints_for_kind(kind_name))
        texts = {name: self.text(raw.get(name), name, label, required=True, where=raw.position)
                 for name in kind.TEXT_FIELDS}
        texts.update({name: self.text(raw.get(name), name, label) for name in kind.OPTIONAL_TEXT_FIELDS})
        cited = []
        for key, position in self.text_list(raw.get("source"), "source", label):
            if key in sources:
                cited.append(sources[key])
            else:
                self.log.error(position, f"unknown source '{key}'{_suggest(key, tuple(sources))}; "
                                         "sources are listed in sources.yaml", label)
        if raw.get("source") is None:
            self.log.warning(raw.position, "no source: every card should cite one", label)
        tags = tuple(dict.fromkeys(file_tags + self.tags(raw.get("tags"), label) + (kind_name,)))
        note = self.text(raw.get("note"), "note", label)
        if not card_id or any(not texts[name] for name in kind.TEXT_FIELDS):
            return None
        return kind(id=card_id, deck=deck, sources=tuple(cited), position=raw.position,
                    tags=tags, note=note, **texts)


def check_unique_ids(cards: list[Card], log: ProblemLog) -> None:
    """Ids become Anki GUIDs, so a repeated id would silently merge two notes."""
    first: dict[str, Card] = {}
    for card in cards:
        if card.id in first:
            other = first[card.id].position
            log.error(card.position, f"duplicate id (first used at {other.file}:{other.line})", card.id)
        else:
            first[card.id] = card


def source_files_missing(sources: dict[str, Source]) -> list[Path]:
    return [s.text_file for s in sources.values() if s.text_file is not None and not s.text_file.is_file()]
