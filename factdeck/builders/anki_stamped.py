"""genanki's notes and note types, each with its own modification time.

genanki stamps every note, card and note type with the one timestamp the
package is written with; Anki then takes every note as changed. These carry
the time of their own last change (from ``factdeck.lock``) instead. Imported
only when an ``.apkg`` is built, like genanki.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import genanki

from .anki_templates import required_fields


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


class StampedNote(genanki.Note):
    """A note (and its cards) stamped with the time its content last changed."""

    mtime = 0

    def write_to_db(self, cursor: Any, timestamp: float, deck_id: int, id_gen: Any) -> None:
        super().write_to_db(cursor, self.mtime, deck_id, id_gen)
