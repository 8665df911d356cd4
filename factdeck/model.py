"""The deck as every builder sees it: frozen, typed, free of YAML.

Each card kind is one class, and the class is everything factdeck knows about
the kind: its fields (with their help text and Anki names), which field is
its prompt and which its answer, the directions it is asked in (each one an
Anki card template, and the one that is printed) and its version as an Anki
note type. The validator, lint, the JSON Schema, the scaffold and every
builder read these facts; adding a kind is adding a class to ``CARD_KINDS``
(see :func:`register_kind`) plus, if the generic faces will not do, its
templates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar, TypeVar

from .card_media import NO_MEDIA, CardMedia
from .errors import Position
from .cloze import ClozePart, cloze_numbers, parse_cloze

# The file format: what an id, a tag and a web address may look like, and the
# fields of each file. Spelled out rather than re.IGNORECASE so the JSON Schema
# (schema.py) can use the patterns as they are.
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TAG_PATTERN = re.compile(r"^[^\s\"]+$")
URL_PATTERN = re.compile(r"^(?:https?|HTTPS?)://\S+$")
SETTINGS_FIELDS = ("name", "description", "deck_id", "guid_namespace", "note_type_ids", "language",
                   "markup")
# A BCP 47 language tag as print needs it: "ja", "zh-TW", "sr-Latn".
LANGUAGE_PATTERN = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
FONTS_FOLDER = "fonts"  # beside the card files: the deck's own print fonts
SOURCE_FIELDS = ("title", "author", "site", "year", "url", "note", "text_file")
CARD_FILE_FIELDS = ("deck", "tags", "reverse", "cards")
COMMON_FIELDS = ("id", "kind", "source", "note", "tags", "language")
MAX_ANKI_ID = 2**63 - 1
# A kind's note type keeps the ids after its own for later versions of its fields.
NOTE_TYPE_ID_ROOM = 100


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
class TextField:
    """One text field of a kind, as written in its cards' YAML."""

    name: str
    anki_name: str  # the Anki note's field: renaming it needs a new note type version
    help: str       # the editor's hover text (JSON Schema)
    required: bool = True


@dataclass(frozen=True)
class Direction:
    """One way a kind's card is asked: an Anki card template, and maybe the printed card.

    ``front`` and ``back`` name the fields the question shows and the answer
    gives; the text exports and the generic templates show those.
    """

    title: str         # Anki's name for the card type
    template: str      # its Jinja file under templates/anki/
    cue: str           # the label over the question ("Date · when?")
    front: str
    back: str
    answer_label: str  # the label over the printed answer ("Definition")
    printed: bool = False
    reverse: bool = False  # asked only when the card is asked both ways (not 'reverse: false')


@dataclass(frozen=True)
class Card:
    """What every kind shares. ``deck`` is the full Anki deck name (``Root::Sub``).

    A kind declares its facts as class variables; each of its ``FIELDS`` is
    also a ``str`` attribute of the dataclass, holding the text.
    """

    KIND: ClassVar[str] = ""
    DESCRIPTION: ClassVar[str] = ""
    FIELDS: ClassVar[tuple[TextField, ...]] = ()
    # The field that says what a card is about: two cards of a kind that agree on
    # it ask the same thing (lint's near-duplicates).
    PROMPT: ClassVar[str] = ""
    # The field a student has to recall at length (lint's long answers).
    ANSWER: ClassVar[str] = ""
    # In Anki's card order (its ordinals): never reorder, only append.
    DIRECTIONS: ClassVar[tuple[Direction, ...]] = ()
    # Bump when the fields change: a new note type in Anki. Every kind's v2 (v1 for a kind first made
    # after it) also has the media fields, Image, Answer Image and Audio (builders/anki_media.py).
    NOTE_TYPE_VERSION: ClassVar[int] = 1
    CLOZE: ClassVar[bool] = False  # an Anki cloze note type: one card per deletion number
    # A field whose text is a date: Anki's browser lists the kind's notes in its time order.
    SORTED_BY_DATE: ClassVar[str] = ""

    id: str
    deck: str
    sources: tuple[Source, ...]
    position: Position
    tags: tuple[str, ...] = ()
    note: str = ""
    media: CardMedia = NO_MEDIA  # pictures and sound, on a card of any kind
    language: str = ""  # BCP 47 ("ja", "zh-TW") where the card's differs from the deck's; "" for the deck's
    # Asked in its reverse directions too (Direction.reverse); 'reverse: false' asks the others only.
    reverse: bool = True
    # Where each field's value stands, so a message can point at the field, not the card.
    field_positions: Mapping[str, Position] = field(default_factory=dict, compare=False, repr=False)

    @property
    def kind(self) -> str:
        return self.KIND

    @classmethod
    def field_names(cls, required: bool | None = None) -> tuple[str, ...]:
        """The kind's text fields, all or only the required (``True``) or optional (``False``) ones."""
        return tuple(f.name for f in cls.FIELDS if required is None or f.required == required)

    @classmethod
    def printed_direction(cls) -> Direction:
        """The direction the printed card asks in."""
        return next(d for d in cls.DIRECTIONS if d.printed)

    def where(self, name: str) -> Position:
        """The position of field ``name``'s value, or of the card when the field is not written."""
        return self.field_positions.get(name, self.position)

    def texts(self) -> dict[str, str]:
        """The kind's own text fields by name, in declared order."""
        return {f.name: getattr(self, f.name) for f in self.FIELDS}

    def field_problems(self) -> list[tuple[str, int, str]]:
        """What is wrong inside the fields' text: (field, offset in its text, message). Kinds override."""
        return []

    def variants(self) -> tuple[Card, ...]:
        """The cards one note makes on paper and in the text exports: one, except for a cloze."""
        return (self,)

    @property
    def variant_key(self) -> tuple[int, ...]:
        """What tells this note's variants apart (empty for a kind with one)."""
        return ()

    @classmethod
    def reversible(cls) -> bool:
        """Whether the kind has a direction that 'reverse: false' turns off."""
        return any(d.reverse for d in cls.DIRECTIONS)

    def directions(self) -> tuple[Direction, ...]:
        """The directions this card is asked in: without the reverse ones when 'reverse: false'."""
        return tuple(d for d in self.DIRECTIONS if self.reverse or not d.reverse)


CARD_KINDS: dict[str, type[Card]] = {}
CardType = TypeVar("CardType", bound=type[Card])


def register_kind(cls: CardType) -> CardType:
    """Add a kind to the one registry every consumer reads; a name is registered once."""
    if cls.KIND in CARD_KINDS:
        raise ValueError(f"card kind {cls.KIND!r} is already registered")
    if sum(d.printed for d in cls.DIRECTIONS) != 1:
        raise ValueError(f"card kind {cls.KIND!r} needs exactly one printed direction")
    named = {cls.PROMPT, cls.ANSWER} | {name for d in cls.DIRECTIONS for name in (d.front, d.back)}
    unknown = sorted(named - set(cls.field_names()))
    if unknown or not all(hasattr(cls, name) for name in cls.field_names()):
        raise ValueError(f"card kind {cls.KIND!r}: every field named must be in FIELDS and an attribute "
                         f"(not: {', '.join(unknown) or 'an attribute'})")
    CARD_KINDS[cls.KIND] = cls
    return cls


@register_kind
@dataclass(frozen=True)
class TermCard(Card):
    KIND: ClassVar[str] = "term"
    DESCRIPTION: ClassVar[str] = "A term and its definition, asked both ways."
    FIELDS: ClassVar[tuple[TextField, ...]] = (
        TextField("term", "Term", "The term, as the front of the card."),
        TextField("definition", "Definition",
                  "Identifies the term without containing it: the card is also asked backwards."))
    PROMPT: ClassVar[str] = "term"
    ANSWER: ClassVar[str] = "definition"
    DIRECTIONS: ClassVar[tuple[Direction, ...]] = (
        Direction("Term → Definition", "term-to-definition.html", "Term · define", "term", "definition",
                  "Definition", printed=True),
        Direction("Definition → Term", "definition-to-term.html", "Term · name it", "definition", "term",
                  "Term", reverse=True))
    NOTE_TYPE_VERSION: ClassVar[int] = 2  # v2: Note -> Remark, Card ID and Ask Both Ways added
    term: str = ""
    definition: str = ""


@register_kind
@dataclass(frozen=True)
class DateCard(Card):
    KIND: ClassVar[str] = "date"
    DESCRIPTION: ClassVar[str] = "An event and its date as written (\"1928\", \"1932-33\"), asked both ways."
    FIELDS: ClassVar[tuple[TextField, ...]] = (
        TextField("date", "Date", "The date as written: \"1928\", \"November 1927\", \"1932-33\"."),
        TextField("event", "Event", "The event, specific enough to name its date: asked both ways."))
    # Dates repeat across honest cards, so a date card is known by its event, and
    # the event is what is recalled at length (from the date).
    PROMPT: ClassVar[str] = "event"
    ANSWER: ClassVar[str] = "event"
    DIRECTIONS: ClassVar[tuple[Direction, ...]] = (
        Direction("Event → Date", "event-to-date.html", "Date · when?", "event", "date", "Date", printed=True),
        Direction("Date → Event", "date-to-event.html", "Date · what happened?", "date", "event", "Event",
                  reverse=True))
    NOTE_TYPE_VERSION: ClassVar[int] = 2  # v2: Note -> Remark; Card ID, Ask Both Ways and Sort Date added
    SORTED_BY_DATE: ClassVar[str] = "date"
    date: str = ""
    event: str = ""


@register_kind
@dataclass(frozen=True)
class QuoteCard(Card):
    KIND: ClassVar[str] = "quote"
    DESCRIPTION: ClassVar[str] = "A quotation, copied exactly; asks who said it, and when and where."
    FIELDS: ClassVar[tuple[TextField, ...]] = (
        TextField("quote", "Quote", "The quotation, copied exactly from the source."),
        TextField("by", "Speaker", "Who said or wrote it, as the source attributes it."),
        TextField("context", "Context", "Where and when, and who reports it."),
        TextField("date", "Date", "Optional: when it was said, as written.", required=False))
    PROMPT: ClassVar[str] = "quote"
    ANSWER: ClassVar[str] = "context"
    DIRECTIONS: ClassVar[tuple[Direction, ...]] = (
        Direction("Quote → Who said it", "quote-to-speaker.html", "Quotation · who said it?", "quote", "by",
                  "Who said it", printed=True),)
    NOTE_TYPE_VERSION: ClassVar[int] = 2  # v2: Note -> Remark, By -> Speaker, Card ID added
    quote: str = ""
    by: str = ""
    context: str = ""
    date: str = ""


@register_kind
@dataclass(frozen=True)
class FigureCard(Card):
    KIND: ClassVar[str] = "figure"
    DESCRIPTION: ClassVar[str] = "A statistic: what is measured on the front, the value on the back."
    FIELDS: ClassVar[tuple[TextField, ...]] = (
        TextField("measure", "Measure", "What is measured: the front of the card."),
        TextField("figure", "Figure", "The value: the back of the card."))
    PROMPT: ClassVar[str] = "measure"
    ANSWER: ClassVar[str] = "figure"
    DIRECTIONS: ClassVar[tuple[Direction, ...]] = (
        Direction("Measure → Figure", "measure-to-figure.html", "Figure · how much?", "measure", "figure",
                  "Figure", printed=True),)
    NOTE_TYPE_VERSION: ClassVar[int] = 2  # v2: Note -> Remark, Card ID added
    measure: str = ""
    figure: str = ""


@register_kind
@dataclass(frozen=True)
class FactCard(Card):
    KIND: ClassVar[str] = "fact"
    DESCRIPTION: ClassVar[str] = "Any other fact or judgement, as a question and its answer."
    FIELDS: ClassVar[tuple[TextField, ...]] = (
        TextField("question", "Question", "The question: the front of the card."),
        TextField("answer", "Answer", "The answer: the back of the card."))
    PROMPT: ClassVar[str] = "question"
    ANSWER: ClassVar[str] = "answer"
    DIRECTIONS: ClassVar[tuple[Direction, ...]] = (
        Direction("Question → Answer", "question-to-answer.html", "Question", "question", "answer", "Answer",
                  printed=True),)
    NOTE_TYPE_VERSION: ClassVar[int] = 2  # v2: Note -> Remark, Card ID added
    question: str = ""
    answer: str = ""


@register_kind
@dataclass(frozen=True)
class ClozeCard(Card):
    """A sentence with parts to recall, written as Anki users write them: ``{{c1::answer::hint}}``.

    The note makes one card per deletion number; ``asked`` is the number a
    printed card or text row asks (0 for the note as a whole).
    """

    KIND: ClassVar[str] = "cloze"
    DESCRIPTION: ClassVar[str] = "A sentence with parts to fill in: {{c1::answer}} or {{c1::answer::hint}}."
    FIELDS: ClassVar[tuple[TextField, ...]] = (
        TextField("text", "Text", "The sentence, each part to recall written {{c1::answer}} or "
                                  "{{c2::answer::hint}}; one card per number."),)
    PROMPT: ClassVar[str] = "text"
    ANSWER: ClassVar[str] = "text"
    DIRECTIONS: ClassVar[tuple[Direction, ...]] = (
        Direction("Cloze", "cloze.html", "Cloze · fill the gap", "text", "text", "Answer", printed=True),)
    CLOZE: ClassVar[bool] = True
    text: str = ""
    asked: int = 0

    @property
    def parts(self) -> tuple[ClozePart, ...]:
        """The sentence as plain pieces and deletions, in order."""
        return parse_cloze(self.text).parts

    def field_problems(self) -> list[tuple[str, int, str]]:
        return [("text", offset, message) for offset, message in parse_cloze(self.text).problems]

    def variants(self) -> tuple[Card, ...]:
        return tuple(replace(self, asked=number) for number in cloze_numbers(self.parts))

    @property
    def variant_key(self) -> tuple[int, ...]:
        return (self.asked,)


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
    language: str = ""  # BCP 47 ("ja", "zh-TW"): Han forms and line breaking in print; "" is English
    fonts_folder: Path | None = None  # fonts/ beside the cards: the deck's own print fonts

    @property
    def marked_up(self) -> bool:
        """Whether card text is read as markup (``markup: markdown``) rather than as plain text."""
        return self.markup == "markdown"

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


    def as_printed(self) -> Deck:
        """The deck as its printed cards: one a note, but one per deletion number of a cloze."""
        if not any(card.CLOZE for card in self.cards):
            return self
        return replace(self, cards=tuple(variant for card in self.cards for variant in card.variants()))
