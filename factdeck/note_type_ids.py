"""deck.yaml's note type ids: far enough apart, and needed only for the kinds a deck uses.

A deck made before a kind existed has no id for it, and must go on building;
the first card of a new kind then asks for one, with an id worked out from
the deck's own id (its GUID namespace while the id is unusable) so the proposal is the same on every run and machine.
"""

from __future__ import annotations

import hashlib

from .errors import Position, ProblemLog
from .model import MAX_ANKI_ID, NOTE_TYPE_ID_ROOM
from .load import YamlMap

# genanki's advice for model and deck ids: in [2^30, 2^31).
ID_RANGE = (1 << 30, 1 << 31)


class NoteTypeIds:
    """deck.yaml's ``note_type_ids``, asked for each kind a card uses."""

    def __init__(self, seed: str, ids: dict[str, int | None], position: Position, log: ProblemLog) -> None:
        # ``ids`` holds every kind written, None where its id is unusable (reported already).
        self.seed = seed
        self.ids = ids
        self.position = position
        self.log = log
        self.proposed: dict[str, int] = {}

    def need(self, kind: str, used_at: Position) -> None:
        """Report, once per kind, a used kind without an id, with a fresh one to paste."""
        if kind in self.ids or kind in self.proposed:
            return
        taken = [type_id for type_id in self.ids.values() if type_id is not None]
        fresh = proposed_id(self.seed, kind, [*taken, *self.proposed.values()])
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


def check_apart(ids_node: YamlMap, type_ids: dict[str, int | None], log: ProblemLog) -> None:
    """Two kinds sharing a note type would make a package Anki refuses to import.

    A kind's later versions take the ids just after its own (builders/anki.py),
    so ids must also leave room for them.
    """
    seen: list[tuple[str, int]] = []
    for kind, type_id in type_ids.items():
        if type_id is None:
            continue
        if type_id > MAX_ANKI_ID - NOTE_TYPE_ID_ROOM:
            log.error(ids_node.entries[kind].position,
                      f"'note_type_ids.{kind}': {type_id} leaves no room for later versions; "
                      f"use an id below {MAX_ANKI_ID - NOTE_TYPE_ID_ROOM}")
        for other, other_id in seen:
            if abs(type_id - other_id) < NOTE_TYPE_ID_ROOM:
                line = ids_node.entries[other].position.line
                log.error(ids_node.entries[kind].position,
                          f"'note_type_ids.{kind}': {type_id} is "
                          f"{'the same id as' if type_id == other_id else 'too close to'} "
                          f"'{other}' ({other_id}, line {line}); each kind needs its own id, "
                          f"at least {NOTE_TYPE_ID_ROOM} apart (later versions of a note type "
                          "use the ids after it)")
                break
        seen.append((kind, type_id))
