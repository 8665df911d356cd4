"""Loaded YAML -> the typed model, reporting every structural problem with its line.

Nothing here raises on bad input: each problem goes to the :class:`ProblemLog`
and validation carries on, so one run lists every mistake in the deck.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import saved_texts
from .card_media import CARD_MEDIA_FIELDS, NO_MEDIA, read_card_media
from .errors import Position, ProblemLog
from .load import LoadedFile, YamlList, YamlMap, YamlText, YamlValue
from .model import (CARD_FILE_FIELDS, CARD_KINDS, COMMON_FIELDS, FONTS_FOLDER, ID_PATTERN, LANGUAGE_PATTERN,
                    MAX_ANKI_ID, SETTINGS_FIELDS, SOURCE_FIELDS, TAG_PATTERN, URL_PATTERN, Card, DeckSettings,
                    Source)
from .markup import MARKUP_STYLES, Role, check
from .media import MediaLibrary
from .note_type_ids import NoteTypeIds, check_apart
from .readers import FieldReader, Suggester, describe, is_absent, quoted, suggest, text_position

REVERSE_FIELD = "reverse"  # a reversible kind's card (or all of a file's) asked one way only when false
KIND_TAG_NAMESPACE = "factdeck::"  # every card is tagged with its kind: factdeck::term, factdeck::quote, ...


def _as_id(text: str) -> str:
    """`` (did you mean 'x'?)`` with ``text`` made a valid id, for a malformed one."""
    fixed = "-".join(re.findall(r"[a-z0-9]+", text.lower()))
    return f" (did you mean '{fixed}'?)" if fixed else ""


class Validator(FieldReader):
    """Turns loaded files into model objects, logging what is wrong."""

    def __init__(self, log: ProblemLog, media: MediaLibrary | None = None) -> None:
        super().__init__(log)
        self.media = media  # None: media fields are read, their files not looked for
        self.markup = False  # deck.yaml's 'markup: markdown', once read
        # Source keys whose entries are broken, or None when the whole sources
        # file is: their errors are reported there, not again on every citing card.
        self.broken_sources: set[str] | None = set()
        self.repeated_kind_tags: set[Position] = set()  # warned about once each
        # deck.yaml's ids, checked against the kinds the cards use (None while deck.yaml is unusable).
        self.type_ids: NoteTypeIds | None = None
        self.card_path: Path | None = None
        self.card_lines: dict[Path, list[str]] = {}  # read again only to point inside a text, on an error
        self.source_keys: Suggester | None = None  # made on the first unknown source key

    def tags(self, value: YamlValue | None, card_id: str | None = None) -> tuple[tuple[str, Position], ...]:
        tags = []
        for tag, position in self.text_list(value, "tags", card_id):
            if not TAG_PATTERN.match(tag):
                self.log.error(position, f"tag {quoted(tag)} has a space or quote; Anki tags are single words "
                                         "(join words with '-' or '::')", card_id)
                continue
            tags.append((tag, position))
        return tuple(tags)

    def flag(self, value: YamlValue | None, what: str, card_id: str | None, default: bool) -> bool:
        """'true' or 'false' (any case); ``default`` when absent or unusable (then an error is logged)."""
        text = self.text(value, what, card_id)
        if not text:
            return default
        if text.lower() not in ("true", "false"):
            assert value is not None
            self.log.error(value.position, f"'{what}': expected true or false, got {quoted(text)}", card_id)
            return default
        return text.lower() == "true"

    def kind_tags(self, tags: tuple[tuple[str, Position], ...], kind_name: str, label: str | None) -> tuple[str, ...]:
        """The card's tags, then its kind's (namespaced, so it never collides with a user's own tags).

        A tag that names the kind again ('quotes' on quote cards) is a warning,
        once for a file's tag however many cards it is on.
        """
        kind_tag = f"{KIND_TAG_NAMESPACE}{kind_name}"
        for tag, position in tags:
            if tag.lower() in (kind_name, f"{kind_name}s", kind_tag) and position not in self.repeated_kind_tags:
                self.repeated_kind_tags.add(position)
                self.log.warning(position, f"tag {quoted(tag)} repeats the kind: every {kind_name} card is "
                                           f"tagged '{kind_tag}' already; remove it", label)
        return tuple(dict.fromkeys([tag for tag, _ in tags] + [kind_tag]))

    # --- deck.yaml -----------------------------------------------------------
    def settings(self, loaded: LoadedFile) -> DeckSettings | None:
        if loaded.root is None:
            return None
        node = self.mapping(loaded.root, "deck settings", Position(loaded.display, 1),
                            f"a mapping with {', '.join(SETTINGS_FIELDS)}")
        if node is None:
            return None
        self.record(node, SETTINGS_FIELDS, "deck settings")
        name = self.deck_name(node, "name")
        namespace = self.text(node.get("guid_namespace"), "guid_namespace", required_at=node.position)
        deck_id = self.integer_id(node.get("deck_id"), "deck_id", node.position)
        type_ids: dict[str, int | None] = {}
        ids_node = self.mapping(node.get("note_type_ids"), "'note_type_ids'", node.position,
                                "a mapping from each kind to its id")
        if ids_node is not None:
            self.record(ids_node, tuple(CARD_KINDS), "note_type_ids")
            # Only the kinds written: a kind needs an id once a card uses it (see card()).
            for kind in (kind for kind in CARD_KINDS if kind in ids_node.entries):
                type_ids[kind] = self.integer_id(ids_node.get(kind), f"note_type_ids.{kind}", ids_node.position)
            check_apart(ids_node, type_ids, self.log)
        description = self.text(node.get("description"), "description")
        markup = self.markup_style(node)
        language = self.language(node.get("language"))
        ids = {kind: type_id for kind, type_id in type_ids.items() if type_id is not None}
        if ids_node is not None:  # checked against the cards even when the rest of deck.yaml is broken
            self.type_ids = NoteTypeIds(f"{deck_id or namespace}", type_ids, ids_node.position, self.log)
        if not name or not namespace or deck_id is None or ids_node is None or len(ids) < len(type_ids):
            return None
        return DeckSettings(name=name, deck_id=deck_id, guid_namespace=namespace,
                            note_type_ids=ids, position=node.position, description=description,
                            language=language, fonts_folder=loaded.path.parent / FONTS_FOLDER, markup=markup)

    def language(self, value: YamlValue | None, card_id: str | None = None) -> str:
        """A language tag ("ja", "zh-TW"), or "" when absent or malformed (and reported)."""
        text = self.text(value, "language", card_id)
        if text and not LANGUAGE_PATTERN.match(text):
            assert value is not None
            self.log.error(value.position, f"'language': expected a language tag such as ja, zh-TW or ar, "
                                           f"got {quoted(text)}", card_id)
            return ""
        return text

    def markup_style(self, node: YamlMap) -> str:
        """deck.yaml's ``markup``: how card text is read ("plain" when not given)."""
        style = self.text(node.get("markup"), "markup") or "plain"
        if style not in MARKUP_STYLES:
            self.log.error(node.get("markup").position,  # type: ignore[union-attr]
                           f"'markup': expected one of {', '.join(MARKUP_STYLES)}, got {quoted(style)}"
                           f"{suggest(style, MARKUP_STYLES)}")
            style = "plain"
        self.markup = style == "markdown"
        return style

    def deck_name(self, node: YamlMap, key: str) -> str:
        """A required Anki deck name; '' when unusable. An empty part ('History::') makes a nameless deck."""
        name = self.text(node.get(key), key, required_at=node.position)
        if name and not all(part.strip() for part in name.split("::")):
            self.log.error(node.get(key).position,  # type: ignore[union-attr]
                           f"'{key}': {quoted(name)} has an empty part between '::' separators")
            return ""
        return name

    def integer_id(self, value: YamlValue | None, what: str, where: Position) -> int | None:
        text = self.text(value, what, required_at=where)
        if not text:
            return None
        if not text.isascii() or not text.isdigit() or not 0 < int(text) <= MAX_ANKI_ID:
            assert value is not None
            self.log.error(value.position, f"'{what}': expected a positive whole number, got {quoted(text)}")
            return None
        return int(text)

    # --- sources.yaml --------------------------------------------------------
    def sources(self, loaded: LoadedFile) -> dict[str, Source]:
        self.broken_sources = None
        if loaded.root is None:
            return {}
        top = self.mapping(loaded.root, "the sources file", Position(loaded.display, 1),
                           "a mapping with 'sources'")
        if top is None:
            return {}
        self.record(top, ("sources",), "the sources file")
        entries = self.mapping(top.get("sources"), "'sources'", top.position,
                               "a mapping from each source key to its details")
        if entries is None:
            return {}
        self.broken_sources = set()
        self.duplicates(entries, "source key")
        result = {}
        unread: list[tuple[str, Position, str]] = []
        outside: list[tuple[str, Position, str]] = []
        for key, raw in entries.entries.items():
            key_position = entries.key_positions[key]
            if not ID_PATTERN.match(key):
                self.log.error(key_position, f"source key {quoted(key)} is not valid: use lowercase letters, "
                                             f"digits and single hyphens{_as_id(key)}")
                self.broken_sources.add(key)
                continue
            node = self.mapping(raw, f"source '{key}'", key_position, "a mapping with 'title' and more")
            if node is None:
                self.broken_sources.add(key)
                continue
            self.record(node, SOURCE_FIELDS, f"source '{key}'")
            values = {name: self.text(node.get(name), name) for name in SOURCE_FIELDS}
            title = self.text(node.get("title"), "title", required_at=node.position)
            if values["url"] and not URL_PATTERN.match(values["url"]):
                self.log.error(node.get("url").position,  # type: ignore[union-attr]
                               f"'url': expected an http:// or https:// address, got {quoted(values['url'])}")
                values["url"] = ""
            if self.markup and values["note"]:
                problem = check(values["note"], Role.SOURCE)
                if problem is not None:
                    self.log.error(node.get("note").position, f"'note': {problem}")  # type: ignore[union-attr]
            text_file = values.pop("text_file")
            del values["title"]
            path = loaded.path.parent / text_file if text_file else None
            why = saved_texts.refusal(path, saved_texts.deck_repository(loaded.path.parent)) if path else None
            if why == saved_texts.OUTSIDE:
                # Kept beside the repository, like a page that may not be redistributed: not read
                # (that is what protects the builder), and said once with the missing ones below.
                outside.append((key, node.get("text_file").position, text_file))  # type: ignore[union-attr]
                path = None
            elif why is not None:
                self.log.warning(node.get("text_file").position,  # type: ignore[union-attr]
                                 f"'text_file' {quoted(text_file)} is not read: {why}")
                path = None
            elif path is not None and not path.is_file():
                unread.append((key, node.get("text_file").position, text_file))  # type: ignore[union-attr]
            result[key] = Source(key=key, title=title, position=key_position, text_file=path, **values)
        self.note_unread_texts(unread, "not found (looked for {path}{more})")
        self.note_unread_texts(outside, "is outside the deck repository ({path}{more}), so it is not read "
                                        f"(name its folder in {saved_texts.TRUSTED_FOLDERS} to read it)")
        return result

    def note_unread_texts(self, unread: list[tuple[str, Position, str]], why: str) -> None:
        """Say once that quotes go unchecked: a typo in a path would otherwise switch the check off unseen.

        A note, not a warning: a saved page may be absent on purpose (not
        redistributable), and a clone without it must still build under --strict.
        """
        if not unread:
            return
        keys = ", ".join(f"'{key}'" for key, _, _ in unread)
        first = unread[0]
        reason = why.format(path=first[2], more=" and more" if len(unread) > 1 else "")
        self.log.note(first[1], f"saved text of {keys} {reason}; quotes citing "
                                f"{'it' if len(unread) == 1 else 'them'} are not checked word for word")

    # --- card files ----------------------------------------------------------
    def card_file(self, loaded: LoadedFile, root_deck: str, sources: dict[str, Source]) -> list[Card]:
        self.card_path = loaded.path
        if loaded.root is None:
            return []
        top = self.mapping(loaded.root, "a card file", Position(loaded.display, 1),
                           "a mapping with 'deck' and 'cards'")
        if top is None:
            return []
        self.record(top, CARD_FILE_FIELDS, "a card file")
        subdeck = self.deck_name(top, "deck")
        deck = f"{root_deck}::{subdeck}" if subdeck else root_deck
        file_tags = self.tags(top.get("tags"))
        file_reverse = self.flag(top.get(REVERSE_FIELD), REVERSE_FIELD, None, True)
        raw_cards = top.get("cards")
        if raw_cards is None:
            self.log.error(top.position, "missing field 'cards': a card file lists its cards under 'cards:'")
            return []
        if not isinstance(raw_cards, YamlList):
            if not (isinstance(raw_cards, YamlText) and raw_cards.reported):
                self.log.error(raw_cards.position, f"'cards': expected a list of cards, each starting with "
                                                   f"'- id:', got {describe(raw_cards)}")
            return []
        cards = [self.card(raw, deck, file_tags, sources, file_reverse) for raw in raw_cards.items]
        return [card for card in cards if card is not None]

    def card(self, raw: YamlValue, deck: str, file_tags: tuple[tuple[str, Position], ...],
             sources: dict[str, Source], file_reverse: bool = True) -> Card | None:
        if not isinstance(raw, YamlMap):
            if not (isinstance(raw, YamlText) and raw.reported):
                self.log.error(raw.position, f"card: expected a mapping of fields starting with 'id:', "
                                             f"got {describe(raw)}")
            return None
        entries = raw.entries
        card_id, label = self.card_id(raw)
        kind_value = entries.get("kind")
        if kind_value is None:
            self.log.error(raw.position, f"missing field 'kind' (one of: {', '.join(CARD_KINDS)})", label)
        kind_name = self.text(kind_value, "kind", label, required_at=raw.position) \
            if kind_value is not None else ""
        kind = CARD_KINDS.get(kind_name)
        if kind is None:
            self.duplicates(raw, "field", label)
            if kind_name:
                self.log.error(raw.get("kind").position,  # type: ignore[union-attr]
                               f"unknown kind {quoted(kind_name)}{suggest(kind_name, tuple(CARD_KINDS))}; "
                               f"expected one of: {', '.join(CARD_KINDS)}", label)
            return None
        facts = kind_facts(kind)
        if raw.duplicates or not entries.keys() <= facts.allowed:
            taken_for = self.record(raw, facts.fields, facts.what, label,
                                    lambda key: _other_kind_hint(key, kind_name))
        else:  # every key known, none repeated: nothing to say (the common case, checked at once)
            taken_for = set()
        texts = {}
        text = self.text
        for name in facts.required:
            # An unknown field already said "did you mean 'definition'?": no second message.
            required = None if name in taken_for else raw.position
            texts[name] = text(entries.get(name), name, label, required_at=required)
        for name in facts.optional:
            texts[name] = text(entries.get(name), name, label)
        note = text(entries.get("note"), "note", label)
        # A card without media fields has none: their reader is not asked four times for nothing.
        media = NO_MEDIA if entries.keys().isdisjoint(CARD_MEDIA_FIELDS) else \
            read_card_media(self, self.media, raw, label)
        language = self.language(entries.get("language"), label)
        reverse = self.flag(entries.get(REVERSE_FIELD), REVERSE_FIELD, label, file_reverse) \
            if facts.reversible else True
        self.trailing_comments(raw, facts.commented, label)
        cited = self.cited_sources(raw, sources, label)
        tags = self.kind_tags(file_tags + self.tags(entries.get("tags"), label), kind_name, label)
        if not card_id or media is None or not all(texts[name] for name in facts.required):
            return None
        card = kind(id=card_id, deck=deck, sources=tuple(cited), position=raw.position,
                    tags=tags, note=note, language=language, reverse=reverse, media=media, **texts,
                    field_positions={name: value.position for name, value in entries.items()})
        problems = card.field_problems()
        for name, offset, message in problems:
            value = raw.get(name)
            where = text_position(self.lines(), value, offset) if isinstance(value, YamlText) else None
            self.log.error(where or card.where(name), f"'{name}': {message}", label)
        if problems or self.markup and not self.markup_checked(card):
            return None
        return card

    def markup_checked(self, card: Card) -> bool:
        """Whether the card's markup is valid (problems logged); imported only for a deck with markup."""
        from .card_markup import check_card_markup

        return check_card_markup(card, self.log)

    def lines(self) -> list[str]:
        """The current card file's lines, as the loader read them ([] if it cannot be read again)."""
        path = self.card_path
        if path is None:
            return []
        if path not in self.card_lines:
            try:
                self.card_lines[path] = path.read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeError):
                self.card_lines[path] = []
        return self.card_lines[path]

    def card_id(self, raw: YamlMap) -> tuple[str, str | None]:
        """The card's id ("" when unusable) and the label its messages carry."""
        value = raw.get("id")
        card_id = self.text(value, "id", required_at=raw.position)
        if not card_id or ID_PATTERN.match(card_id):
            return card_id, card_id or None
        label = quoted(card_id)[1:-1]
        self.log.error(value.position,  # type: ignore[union-attr]
                       f"id is not valid: use lowercase letters, digits and single hyphens{_as_id(card_id)}",
                       label)
        return "", label

    def cited_sources(self, raw: YamlMap, sources: dict[str, Source], label: str | None) -> list[Source]:
        cited = []
        keys = self.text_list(raw.get("source"), "source", label)
        for key, position in keys:
            if key in sources:
                cited.append(sources[key])
            elif self.broken_sources is not None and key not in self.broken_sources:
                self.source_keys = self.source_keys or Suggester(sources)
                self.log.error(position, f"unknown source {quoted(key)}{self.source_keys.suggest(key)}; "
                                         "sources are listed in sources.yaml", label)
        if not keys and is_absent(raw.get("source")):
            self.log.warning(raw.position, "no source: every card should cite one ('source: KEY', "
                                           "a key from sources.yaml)", label)
        return cited

    def trailing_comments(self, raw: YamlMap, names: tuple[str, ...], label: str | None) -> None:
        """Warn where a ' #' cut a text short: YAML drops the rest of the line as a comment."""
        for name in names:
            value = raw.get(name)
            if isinstance(value, YamlText) and value.comment is not None:
                comment, position = value.comment
                self.log.warning(position, f"'{name}' stops before {quoted(comment)}: YAML reads ' #' as the "
                                           "start of a comment; put the whole text in quotes to keep it", label)


def card_fields(kind: type[Card]) -> tuple[str, ...]:
    """Every field a card of this kind may have."""
    return COMMON_FIELDS + CARD_MEDIA_FIELDS + kind.field_names() + ((REVERSE_FIELD,) if kind.reversible() else ())


@dataclass(frozen=True)
class KindFacts:
    """What validating a card of one kind asks of its class, worked out once rather than per card."""

    fields: tuple[str, ...]     # every field its cards may have, in the order suggestions try them
    allowed: frozenset[str]     # the same, to check a card's keys at once
    required: tuple[str, ...]
    optional: tuple[str, ...]
    commented: tuple[str, ...]  # the texts a trailing ' #' may cut short
    reversible: bool
    what: str                   # "a term card", as messages name it


@cache
def kind_facts(kind: type[Card]) -> KindFacts:
    fields = card_fields(kind)
    return KindFacts(fields, frozenset(fields), kind.field_names(required=True), kind.field_names(required=False),
                     kind.field_names() + ("note",), kind.reversible(), f"a {kind.KIND} card")


def _other_kind_hint(key: str, kind_name: str) -> str:
    for other, cls in CARD_KINDS.items():
        if other != kind_name and key in cls.field_names():
            return f" (that is a field of kind '{other}')"
    return ""


def check_unique_ids(cards: list[Card], log: ProblemLog) -> None:
    """Ids become Anki GUIDs, so a repeated id would silently merge two notes."""
    first: dict[str, Card] = {}
    for card in cards:
        if card.id in first:
            log.error(card.position, f"duplicate id: the card at {first[card.id].position} has it too; "
                                     "ids must be unique across the deck", card.id)
        else:
            first[card.id] = card

