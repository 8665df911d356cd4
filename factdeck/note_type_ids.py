"""Note type ids are needed only for the kinds a deck uses: a missing one is proposed.

A deck made before a kind existed has no id for it, and must go on building;
the first card of a new kind then asks for one, with an id worked out from
the deck's own id (its GUID namespace while the id is unusable) so the proposal is the same on every run and machine.
"""

from __future__ import annotations

import hashlib

from .errors import Position, ProblemLog
from .model import NOTE_TYPE_ID_ROOM

# genanki's advice for model and deck ids: in [2^30, 2^31).
ID_RANGE = (1 << 30, 1 << 31)


class NoteTypeIds:
    """deck.yaml's ``note_type_ids``, asked for each kind a card uses."""

    def __init__(self, seed: str, ids: dict[str, int], position: Position, log: ProblemLog) -> None:
        self.seed = seed
        self.ids = ids
        self.position = position
        self.log = log
        self.proposed: dict[str, int] = {}

    def need(self, kind: str, used_at: Position) -> None:
        """Report, once per kind, a used kind without an id, with a fresh one to paste."""
        if kind in self.ids or kind in self.proposed:
            return
        fresh = proposed_id(self.seed, kind, [*self.ids.values(), *self.proposed.values()])
        self.proposed[kind] = fresh
        self.log.error(self.position, f"'note_type_ids' has no id for kind '{kind}', which the card at "
                                      f"{used_at} uses: add the line '{kind}: {fresh}' under it (a fresh id "
                                      "for this deck; never change it once the deck is shared)")


def proposed_id(seed: str, kind: str, taken: list[int]) -> int:
    """An id from the deck's id (``seed``) and the kind, moved on until it is clear of the ``taken`` ones."""
    digest = hashlib.sha256(f"{seed}:note-type:{kind}".encode()).digest()
    span = ID_RANGE[1] - ID_RANGE[0] - NOTE_TYPE_ID_ROOM
    candidate = ID_RANGE[0] + int.from_bytes(digest[:8], "big") % span
    while any(abs(candidate - other) < NOTE_TYPE_ID_ROOM for other in taken):
        candidate = ID_RANGE[0] + (candidate - ID_RANGE[0] + NOTE_TYPE_ID_ROOM) % span
    return candidate
