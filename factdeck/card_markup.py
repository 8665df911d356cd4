"""Which markup each of a card's texts may hold, and the check that runs when a deck opts in.

An *answer* is a field some direction of the kind asks for (its back), or the
kind's long answer (a quote's ``context``): it may hold a list. Every other
field is a *prompt*, inline styles only. Notes may also link.
"""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import Markup

from .errors import ProblemLog
from .markup import Role, check, parse
from .markup_render import to_html
from .model import Card
from .templating import html_text


def field_role(kind: type[Card], name: str) -> Role:
    """The markup role of field ``name`` of ``kind`` (``note`` included)."""
    if name == "note":
        return Role.NOTE
    answers = {direction.back for direction in kind.DIRECTIONS} | {kind.ANSWER}
    return Role.ANSWER if name in answers else Role.PROMPT


def marks_up(kind: type[Card], name: str) -> bool:
    """Whether markup applies to field ``name`` of ``kind``: not to a cloze's text, whose
    ``{{c1::...}}`` deletions are printed part by part as plain text."""
    return name == "note" or not kind.CLOZE


def marked_texts(card: Card) -> Iterator[tuple[str, str, Role]]:
    """Each of the card's texts that markup applies to: (field, text, role)."""
    kind = type(card)
    for name, text in card.texts().items():
        if text and marks_up(kind, name):
            yield name, text, field_role(kind, name)
    if card.note:
        yield "note", card.note, Role.NOTE


def check_card_markup(card: Card, log: ProblemLog) -> bool:
    """Log each text of ``card`` that its markup refuses, at the field's line; whether all were fine."""
    fine = True
    for name, text, role in marked_texts(card):
        problem = check(text, role)
        if problem is not None:
            log.error(card.where(name), f"'{name}': {problem}", card.id)
            fine = False
    return fine


def field_html(card: Card, name: str, text: str, markup: bool) -> Markup:
    """Field ``name`` of ``card`` (``text``) as Anki field HTML: rendered markup, or escaped plain text."""
    if not markup or not marks_up(type(card), name):
        return html_text(text)
    return to_html(parse(text, field_role(type(card), name)))
