"""Before typesetting: every printed character has a font, or the card's field says which do not.

Typst prints a character that none of its fonts has as an empty box, and says
nothing. So each distinct character of the deck's printed texts is looked up
once in the fonts' character maps (:func:`.fonts.uncovered`), and only the
texts that hold a missing one are walked again, for the field to point at.
Also here: which way a text runs, decided as HTML's ``dir="auto"`` does.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Set
from dataclasses import dataclass

from ...errors import Position, ProblemLog
from ...model import Deck
from .fonts import EXTRA, EXTRA_SCRIPTS, FontSet, typst_fonts_found, uncovered

SHOWN_PER_FIELD = 3  # missing characters named in one warning; the rest are counted


@dataclass(frozen=True)
class PrintedText:
    """One text a printed face shows, and where it is written."""

    text: str
    position: Position
    what: str  # "'term'", "deck name", "source 'key'"
    card_id: str | None = None


def printed_texts(deck: Deck) -> Iterator[PrintedText]:
    """Every text of the deck a printed face shows, with its field's position."""
    # The deck's own name heads the timeline; subdeck names are not printed on the cards.
    yield PrintedText(deck.settings.name, deck.settings.position, "deck name")
    for card in {card.id: card for card in deck.cards}.values():  # a printed cloze is a card per deletion
        for field, text in (*card.texts().items(), ("note", card.note)):
            if text:
                yield PrintedText(text, card.where(field), f"'{field}'", card.id)
    for source in deck.sources.values():
        for field in ("author", "title", "year"):
            text = getattr(source, field)
            if text:
                yield PrintedText(text, source.position, f"source '{source.key}': '{field}'")


def check_coverage(deck: Deck, fonts: FontSet, log: ProblemLog, characters: Set[str]) -> int:
    """Warn at each field holding characters no font has; how many fields did.

    ``characters``: every character of the deck's printed texts (samples.py keeps them per chunk).
    """
    if not typst_fonts_found():  # a typst whose library holds its fonts some other way
        log.note(Position("factdeck"), "the fonts Typst ships were not found in its library, so printed "
                                       "characters were not checked for a font (a newer typst package?)")
        return 0
    missing = uncovered(characters, fonts)
    if not missing:
        return 0
    fields = 0
    for printed in printed_texts(deck):
        chars = [char for char in dict.fromkeys(printed.text) if char in missing]
        if chars:
            fields += 1
            log.warning(printed.position, _message(printed.what, chars, fonts), printed.card_id)
    return fields


def _message(what: str, chars: list[str], fonts: FontSet) -> str:
    named = ", ".join(f"{char} (U+{ord(char):04X}, {script_name(char)})" for char in chars[:SHOWN_PER_FIELD])
    more = f" and {len(chars) - SHOWN_PER_FIELD} more" if len(chars) > SHOWN_PER_FIELD else ""
    them, they = ("it", "it") if len(chars) == 1 else ("them", "they")
    fix = f"add a font that has {them} to the fonts/ folder beside the cards"
    if any(_script(char) in EXTRA_SCRIPTS or _is_emoji(char) for char in chars) and not _has_extra(fonts):
        fix = f"install the fonts for it with {EXTRA}, or {fix}"
    return (f"{what} has {named}{more}, which no print font has: {they} would print as "
            f"{'an empty box' if len(chars) == 1 else 'empty boxes'}; {fix}")


def _has_extra(fonts: FontSet) -> bool:
    return "Noto Serif JP" in fonts.families


def _script(char: str) -> str:
    from fontTools import unicodedata as font_unicodedata

    return str(font_unicodedata.script(char))


def script_name(char: str) -> str:
    """``char``'s Unicode script by name ("Han", "Arabic"), or "emoji"/"symbol" for the common ones."""
    from fontTools import unicodedata as font_unicodedata

    code = _script(char)
    if code in ("Zyyy", "Zinh", "Zzzz"):
        return "emoji" if _is_emoji(char) else "symbol" if code == "Zyyy" else "unassigned"
    return f"{font_unicodedata.script_name(code)} script"


def _is_emoji(char: str) -> bool:
    return 0x1F000 <= ord(char) <= 0x1FAFF or 0x2600 <= ord(char) <= 0x27BF


def has_right_to_left_text(characters: Set[str]) -> bool:
    """Whether the deck's printed texts (of these ``characters``) hold a right-to-left letter: only
    then does faces.typ ask :func:`text_direction` which way each face's texts run, so a deck
    without one is not slowed."""
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in characters if char >= _FIRST_RTL)


_FIRST_RTL = "\u0590"  # the first right-to-left letters (Hebrew); below them every letter runs left to right


def text_direction(text: str) -> str:
    """``"rtl"`` when the first letter with a direction is Hebrew, Arabic or like them; else ``"ltr"``.

    The rule of HTML's ``dir="auto"`` (Unicode's P2): digits and punctuation
    before it do not count.
    """
    for char in str(text):
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "ltr"
