"""genanki's notes and note types, each with its own modification time.

genanki stamps every note, card and note type with the one timestamp the
package is written with; Anki then takes every note as changed. These carry
the time of their own last change (from ``factdeck.lock``) instead. Imported
only when an ``.apkg`` is built, like genanki.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import genanki

from .anki_templates import required_fields

NoteRow = tuple[Any, ...]  # a row of Anki's ``notes`` table
CardRow = tuple[Any, ...]  # a row of its ``cards`` table


class StampedModel(genanki.Model):
    """A note type whose ``mod`` is its own; cards are made as Anki's template syntax says."""

    mtime = 0

    def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
        return super().to_json(self.mtime, deck_id)

    @cached_property
    def _req(self) -> list[list[Any]]:
        # Checked beforehand (anki_templates.faults): every front shows a field.
        names = [field["name"] for field in self.fields]
        return [[ordinal, *required_fields(template["qfmt"], names)]  # type: ignore[misc]
                for ordinal, template in enumerate(self.templates)]


@dataclass
class StampedNote:
    """A note as the package stores it, stamped with the time its content last changed.

    Not a ``genanki.Note``: that one checks what a hand-made note may get wrong
    (each tag for spaces, the field count, unescaped HTML) through properties and
    a checking tag list, on every note, and writes each row apart; these notes
    come from the checked model, and a deck of them is written in one pass.
    """

    model: StampedModel
    fields: list[str]
    tags: tuple[str, ...]
    guid: str
    mtime: int = 0

    @cached_property
    def card_ords(self) -> list[int]:
        """The note's Anki cards by template ordinal, as genanki decides them (its own code, given this note)."""
        cards = genanki.Note._cloze_cards(self) if self.model.model_type == genanki.Model.CLOZE \
            else genanki.Note._front_back_cards(self)  # type: ignore[arg-type]
        return [card.ord for card in cards]

    def rows(self, deck_id: int, ids: Iterator[int]) -> tuple[NoteRow, list[CardRow]]:
        """The note's row in ``notes`` and its cards' rows in ``cards``, as genanki writes them."""
        note_id, mtime = next(ids), self.mtime
        note = (note_id, self.guid, self.model.model_id, mtime, -1, f" {' '.join(self.tags)} ",
                "\x1f".join(self.fields), self.fields[self.model.sort_field_index], 0, 0, "")
        # id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, flags, data
        cards = [(next(ids), note_id, deck_id, ord, mtime, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "")
                 for ord in self.card_ords]
        return note, cards
