"""Anki's own template language (``{{Field}}``, ``{{#Field}}...{{/Field}}``), read as Anki reads it.

A card template is Jinja rendered into Anki's syntax, and a user may override
it. What Anki cannot render must be caught before anything is written: a field
the note type lacks, a filter Anki does not have, a section left open. The same
reading tells which fields make a card's front show something, which is how
Anki (and the package) decides whether a note has that card at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..readers import suggest

TOKEN = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
# Fields Anki fills in itself (rslib template.rs); FrontSide only on the back.
SPECIAL_FIELDS = ("Tags", "Type", "Deck", "Subdeck", "Card", "CardFlag", "CardID")
# Anki's filters (rslib template_filters.rs); "tts" takes options after a space.
FILTERS = ("text", "furigana", "kanji", "kana", "type", "type-cloze", "type-nc", "hint", "cloze",
           "cloze-only", "tts")


@dataclass(frozen=True)
class Token:
    """One ``{{...}}``: its text as written, its kind ('#', '^', '/' or '' for a field) and parts."""

    text: str
    kind: str
    field: str
    filters: tuple[str, ...]


@dataclass(frozen=True)
class TemplateFault:
    """Something Anki cannot render; ``token`` is the ``{{...}}`` to point at."""

    token: str
    message: str


def tokens(template: str) -> list[Token]:
    """The template's ``{{...}}`` in order."""
    found = []
    for match in TOKEN.finditer(template):
        inner = match.group(1).strip()
        kind = inner[:1] if inner[:1] in "#^/" else ""
        *filters, name = inner[len(kind):].split(":")
        found.append(Token(match.group(0), kind, name.strip(), tuple(f.strip() for f in filters)))
    return found


def faults(template: str, fields: Sequence[str], front: bool) -> list[TemplateFault]:
    """What in one side of a card template Anki would not render as written."""
    known = (*fields, *SPECIAL_FIELDS, *(() if front else ("FrontSide",)))
    problems = []
    open_sections: list[Token] = []
    for token in tokens(template):
        if token.field not in known:
            where = "" if token.field != "FrontSide" else " (FrontSide is the question, shown on the back only)"
            problems.append(TemplateFault(token.text, f"no field {token.field!r} in this note type{where}"
                                                      f"{suggest(token.field, tuple(fields))}; its fields are: "
                                                      f"{', '.join(fields)}"))
        for name in token.filters:
            base = name.split()[0] if name.split() else name
            if token.kind or base not in FILTERS:
                problems.append(TemplateFault(token.text, f"unknown filter {name!r}{suggest(base, FILTERS)}: "
                                                          "Anki has no such filter and would not show the field; "
                                                          f"Anki's filters are: {', '.join(FILTERS)}"))
        if token.kind in "#^" and token.kind:
            open_sections.append(token)
        elif token.kind == "/":
            if not open_sections:
                problems.append(TemplateFault(token.text, f"{token.text} closes a section that was never opened"))
            elif open_sections[-1].field != token.field:
                problems.append(TemplateFault(token.text, f"{token.text} closes a section, but the one open is "
                                                          f"{open_sections[-1].text}"))
            else:
                open_sections.pop()
    problems += [TemplateFault(t.text, f"section {t.text} is never closed: add {{{{/{t.field}}}}} after it")
                 for t in open_sections]
    return problems


def shows_a_field(front: str, values: Mapping[str, str]) -> bool:
    """Whether the front shows any field's text for these values: Anki makes a card only then."""
    hidden = 0  # how many enclosing sections are switched off
    stack: list[bool] = []
    for token in tokens(front):
        value = values.get(token.field, "")
        if token.kind in ("#", "^"):
            shown = bool(value.strip()) == (token.kind == "#")
            stack.append(shown)
            hidden += not shown
        elif token.kind == "/":
            if stack:
                hidden -= not stack.pop()
        elif not hidden and token.field in values and value.strip():
            return True
    return False


def required_fields(front: str, fields: Sequence[str]) -> tuple[str, list[int]] | None:
    """Anki's ``req`` for one template: ("all" | "any", field ordinals); None when no field shows.

    The same question genanki asks with chevron (which knows no filters, so a
    front using one made no card): which fields, when empty, leave the front
    blank ("all"), or else which, when filled, make it show ("any").
    """
    full = {name: "x" for name in fields}
    if not shows_a_field(front, full):
        return None
    needed = [i for i, name in enumerate(fields) if not shows_a_field(front, {**full, name: ""})]
    if needed:
        return "all", needed
    alone = [i for i, name in enumerate(fields) if shows_a_field(front, {n: "x" * (n == name) for n in fields})]
    return ("any", alone) if alone else None
