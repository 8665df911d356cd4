"""Card text as the print templates use it: the Typst code that shows it, and the text to fit.

Either way the text is typeset (curly quotes of the card's language,
apostrophes, dashes: factdeck/typography.py). With plain text (a deck without
``markup: markdown``) the code is the text as one Typst string literal and the
text to fit is the text itself. With markup, the code is the parsed text's
Typst expression (:func:`~factdeck.markup_render.to_typst`) and the text to
fit is what a reader sees; a text the fitting proof cannot count (a list's indent,
code's other font) gets a character the proof never counts, so its face is
measured by Typst instead of proven (see fitting.py).
"""

from __future__ import annotations

from markupsafe import Markup

from ...card_markup import field_role, marks_up
from ...markup import Parsed, parse, shown_text
from ...markup_render import to_typst, typeset_texts
from ...model import Card, Deck
from ...templating import typst_string
from ...typography import typographic

# WORD JOINER: a format character, which fitting.measurable() refuses, so a text holding
# it has no extent and its face is measured. It is only ever in the text to fit, never printed.
NOT_COUNTED = "\u2060"


class PrintedTexts:
    """``code(card, field)`` and ``shown(card, field)`` for the print templates; ``field`` may be "note"."""

    def __init__(self, markup: bool, language: str = "") -> None:
        self.markup = markup
        self.language = language  # the deck's: a card's own language, if it has one, comes first

    @classmethod
    def of(cls, deck: Deck) -> PrintedTexts:
        """The deck's texts as its ``markup`` setting says to read them, typeset in its language."""
        return cls(deck.settings.marked_up, deck.settings.language)

    def typographic(self, card: Card, text: str) -> str:
        """``text`` with the quotes, apostrophes and dashes of the card's language."""
        return typographic(text, self.language_of(card))

    def language_of(self, card: Card) -> str:
        return card.language or self.language or "en"

    def text(self, card: Card, name: str) -> str:
        return card.note if name == "note" else card.texts()[name]

    def code(self, card: Card, name: str) -> Markup:
        """The Typst expression that shows the field."""
        text = self.text(card, name)
        if not self.markup or not marks_up(type(card), name):
            return typst_string(self.typographic(card, text))
        parsed = parse(text, field_role(type(card), name))
        return to_typst(parsed, self._typeset(card, parsed))

    def shown(self, card: Card, name: str) -> str:
        """The field as a reader sees it, for the fitting proof (with NOT_COUNTED if it cannot count it)."""
        text = self.text(card, name)
        if not self.markup or not text or not marks_up(type(card), name):
            return self.typographic(card, text)
        parsed = parse(text, field_role(type(card), name))
        shown = shown_text(parsed, self._typeset(card, parsed))
        return shown if parsed.provable else shown + NOT_COUNTED

    def _typeset(self, card: Card, parsed: Parsed) -> dict[int, str]:
        return typeset_texts(parsed, lambda texts: typographic(texts, self.language_of(card)))
