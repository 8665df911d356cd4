"""Card text as the print templates use it: the Typst code that shows it, and the text to fit.

With plain text (a deck without ``markup: markdown``) the code is the text as
one Typst string literal and the text to fit is the text itself, exactly as
before markup existed. With markup, the code is the parsed text's Typst
expression (:func:`~factdeck.markup_render.to_typst`) and the text to fit is
what a reader sees; a text the fitting proof cannot count (a list's indent,
code's other font) gets a character the proof never counts, so its face is
measured by Typst instead of proven (see fitting.py).
"""

from __future__ import annotations

from markupsafe import Markup

from ...card_markup import field_role, marks_up
from ...markup import parse
from ...markup_render import to_typst
from ...model import Card, Deck
from ...templating import typst_string
from ...typography import typographic

# WORD JOINER: a format character, which fitting.measurable() refuses, so a text holding
# it has no extent and its face is measured. It is only ever in the text to fit, never printed.
NOT_COUNTED = "\u2060"


class PrintedTexts:
    """``code(card, field)`` and ``shown(card, field)`` for the print templates; ``field`` may be "note"."""

    def __init__(self, markup: bool) -> None:
        self.markup = markup

    @classmethod
    def of(cls, deck: Deck) -> PrintedTexts:
        """The deck's texts as its ``markup`` setting says to read them."""
        return cls(deck.settings.markup == "markdown")

    def text(self, card: Card, name: str) -> str:
        return card.note if name == "note" else card.texts()[name]

    def code(self, card: Card, name: str) -> Markup:
        """The Typst expression that shows the field."""
        text = self.text(card, name)
        if not self.markup or not marks_up(type(card), name):
            return typst_string(typographic(text))  # plain text: typeset quotes and dashes
        return to_typst(parse(text, field_role(type(card), name)))

    def shown(self, card: Card, name: str) -> str:
        """The field as a reader sees it, for the fitting proof (with NOT_COUNTED if it cannot count it)."""
        text = self.text(card, name)
        if not self.markup or not text or not marks_up(type(card), name):
            return typographic(text)
        parsed = parse(text, field_role(type(card), name))
        return parsed.plain if parsed.provable else parsed.plain + NOT_COUNTED
