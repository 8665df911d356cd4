"""The deck as every builder sees it: frozen, typed, free of YAML.

Each card kind is a small dataclass. Its text fields are listed in
``TEXT_FIELDS`` (required) and ``OPTIONAL_TEXT_FIELDS``; the validator, the
JSON schema and the builders all read those lists, so adding a field is
adding it here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from .card_media import NO_MEDIA, CardMedia
from .errors import Position


@dataclass(frozen=True)
class Source:
    """A page or book the cards cite, keyed in ``sources.yaml``."""

    key: str
    title: str
    position: Position
    author: str = ""
    site: str = ""
    year: str = ""
    url: str = ""
    note: str = ""
    text_file: Path | None = None


@dataclass(frozen=True)
class Card:
    """What every kind shares. ``deck`` is the full Anki deck name (``Root::Sub``)."""

    KIND: ClassVar[str] = ""
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ()
    OPTIONAL_TEXT_FIELDS: ClassVar[tuple[str, ...]] = ()
    DESCRIPTION: ClassVar[str] = ""

    id: str
    deck: str
    sources: tuple[Source, ...]
    position: Position
    tags: tuple[str, ...] = ()
    note: str = ""
    media: CardMedia = NO_MEDIA  # pictures and sound, on a card of any kind
    # Where each field's value stands, so a message can point at the field, not the card.
    field_positions: Mapping[str, Position] = field(default_factory=dict, compare=False, repr=False)

    @property
    def kind(self) -> str:
        return self.KIND

    def where(self, name: str) -> Position:
        """The position of field ``name``'s value, or of the card when the field is not written."""
        return self.field_positions.get(name, self.position)

    def texts(self) -> dict[str, str]:
        """The kind's own text fields by name, in declared order."""
        names = self.TEXT_FIELDS + self.OPTIONAL_TEXT_FIELDS
        return {name: getattr(self, name) for name in names}


@dataclass(frozen=True)
class TermCard(Card):
    KIND: ClassVar[str] = "term"
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("term", "definition")
    DESCRIPTION: ClassVar[str] = "A term and its definition, asked both ways."
    term: str = ""
    definition: str = ""


@dataclass(frozen=True)
class DateCard(Card):
    KIND: ClassVar[str] = "date"
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("date", "event")
    DESCRIPTION: ClassVar[str] = "An event and its date as written (\"1928\", \"1932-33\"), asked both ways."
    date: str = ""
    event: str = ""


@dataclass(frozen=True)
class QuoteCard(Card):
    KIND: ClassVar[str] = "quote"
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("quote", "by", "context")
    OPTIONAL_TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("date",)
    DESCRIPTION: ClassVar[str] = "A quotation, copied exactly; asks who said it, and when and where."
    quote: str = ""
    by: str = ""
    context: str = ""
    date: str = ""


@dataclass(frozen=True)
class FigureCard(Card):
    KIND: ClassVar[str] = "figure"
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("measure", "figure")
    DESCRIPTION: ClassVar[str] = "A statistic: what is measured on the front, the value on the back."
    measure: str = ""
    figure: str = ""


@dataclass(frozen=True)
class FactCard(Card):
    KIND: ClassVar[str] = "fact"
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("question", "answer")
    DESCRIPTION: ClassVar[str] = "Any other fact or judgement, as a question and its answer."
    question: str = ""
    answer: str = ""


CARD_KINDS: dict[str, type[Card]] = {
    cls.KIND: cls for cls in (TermCard, DateCard, QuoteCard, FigureCard, FactCard)
}
# A kind's note type keeps the ids after its own for later versions of its fields.
NOTE_TYPE_ID_ROOM = 100
COMMON_FIELDS = ("id", "kind", "source", "note", "tags")


@dataclass(frozen=True)
class DeckSettings:
    """``deck.yaml``: the deck's name and its fixed identities in Anki."""

    name: str
    deck_id: int
    guid_namespace: str
    note_type_ids: dict[str, int]
    position: Position
    description: str = ""
    markup: str = "plain"  # or "markdown": card text may hold the subset factdeck/markup.py reads

    @property
    def slug(self) -> str:
        """A file-name-safe form of the deck name, for ``dist/<slug>.apkg``."""
        return slugify(self.name)


def slugify(name: str) -> str:
    """Lowercase letters, digits and single hyphens: "Stalin's USSR" -> "stalins-ussr"."""
    name = name.lower().replace("'", "").replace("\u2019", "")
    keep = "".join(c if c.isalnum() else "-" for c in name)
    return "-".join(part for part in keep.split("-") if part) or "deck"


@dataclass(frozen=True)
class Deck:
    """Everything a builder needs. Cards are in file order, files in sorted order."""

    settings: DeckSettings
    sources: dict[str, Source]
    cards: tuple[Card, ...]

    @property
    def subdecks(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for card in self.cards:
            seen.setdefault(card.deck, None)
        return tuple(seen)

