"""``factdeck.lock``: when each Anki note and note type last changed.

Anki applies an incoming note over the one it has only when the incoming
note's modification time is newer. Stamping every note with the build's epoch
therefore updated every note on every release, overwriting what users had
edited in Anki. The lock, committed beside the cards, keeps a digest of each
note's content (fields, tags, deck, note type) and the time that content last
changed; a build gives a note a new time only when its digest changed. It also
remembers the cards that were removed, so the build can say how to delete them.

A lock rather than git history: the content that matters is what the build
writes (escaping, citations, note types), not the YAML lines, so only a build
can tell whether it changed; a lock also works in a checkout without history
(a shallow CI clone, a downloaded archive) and gives the same bytes there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FactdeckError, Position, Problem
from ..errors import display_path

LOCK_NAME = "factdeck.lock"
HEADER = (
    "# factdeck.lock: when each Anki note last changed, so that re-importing a build updates only\n"
    "# the notes whose content changed (and keeps what users edited in the others). The build writes\n"
    "# it: commit it with the cards. On a merge conflict here, keep either side and build again.\n"
)
# Each line of the lock: its section and the number of fields it has.
SECTIONS = {"note": 4, "type": 4, "removed": 3}


@dataclass(frozen=True)
class Stamp:
    """A note's (or note type's) content digest and the time, in epoch seconds, it last changed."""

    digest: str
    mtime: int


@dataclass(frozen=True)
class Lock:
    """Notes by card id, note types by id, and removed cards by id (with when they went)."""

    notes: Mapping[str, Stamp] = field(default_factory=dict)
    note_types: Mapping[str, Stamp] = field(default_factory=dict)
    removed: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Restamped:
    """A build's lock, and what changed since the previous one."""

    lock: Lock
    changed: tuple[str, ...]        # card ids whose notes are new or changed
    newly_removed: tuple[str, ...]  # card ids in the previous lock that the deck no longer has


# One encoder for every note: json.dumps with options makes a new one each call.
_CANONICAL_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(content: object) -> str:
    """A short, stable digest of JSON-able content (64 bits: plenty to tell versions of one note apart)."""
    return hashlib.sha256(_CANONICAL_JSON.encode(content).encode()).hexdigest()[:16]


def restamp(previous: Lock, notes: Mapping[str, str], note_types: Mapping[str, str], epoch: int) -> Restamped:
    """The lock for a build whose notes and note types have these digests.

    What kept its digest keeps its time; what changed gets the build's epoch,
    and never a time at or before the one it had, so Anki sees it as newer even
    when ``SOURCE_DATE_EPOCH`` is set back.
    """
    def stamped(current: Mapping[str, str], before: Mapping[str, Stamp], gone: Mapping[str, int]) -> dict[str, Stamp]:
        result = {}
        for key, content in current.items():
            old = before.get(key)
            if old is not None and old.digest == content:
                result[key] = old
            else:
                floor = max(old.mtime if old else 0, gone.get(key, 0))
                result[key] = Stamp(content, max(epoch, floor + 1))
        return result

    new_notes = stamped(notes, previous.notes, previous.removed)
    newly_removed = tuple(sorted(set(previous.notes) - set(notes)))
    removed = {key: when for key, when in previous.removed.items() if key not in notes}
    removed.update({key: max(epoch, previous.notes[key].mtime + 1) for key in newly_removed})
    changed = tuple(key for key in notes if new_notes[key] != previous.notes.get(key))
    lock = Lock(new_notes, stamped(note_types, previous.note_types, {}), dict(sorted(removed.items())))
    return Restamped(lock, changed, newly_removed)


def format_lock(lock: Lock) -> str:
    """The lock's text: one line per entry, sorted, so a diff shows exactly which notes changed."""
    lines = [f"note {key} {stamp.digest} {stamp.mtime}" for key, stamp in sorted(lock.notes.items())]
    lines += [f"type {key} {stamp.digest} {stamp.mtime}" for key, stamp in sorted(lock.note_types.items())]
    lines += [f"removed {key} {when}" for key, when in sorted(lock.removed.items())]
    return HEADER + "".join(line + "\n" for line in lines)


def read_lock(path: Path) -> Lock:
    """The lock at ``path``; an empty one when there is none yet. A damaged line is an error at its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Lock()
    except (OSError, UnicodeDecodeError) as error:
        raise FactdeckError([Problem(Position(display_path(path)), f"cannot read the lock: {error}")]) from None
    notes: dict[str, Stamp] = {}
    types: dict[str, Stamp] = {}
    removed: dict[str, int] = {}
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        shape = SECTIONS.get(parts[0])
        if shape != len(parts) or not parts[-1].isdigit():
            problems.append(Problem(Position(display_path(path), number),
                                    f"damaged lock line {line.strip()!r}: expected 'note ID DIGEST TIME', "
                                    "'type ID DIGEST TIME' or 'removed ID TIME' (delete the line and build "
                                    "again: its note is then stamped as changed)"))
        elif parts[0] == "removed":
            removed[parts[1]] = int(parts[2])
        else:
            (notes if parts[0] == "note" else types)[parts[1]] = Stamp(parts[2], int(parts[3]))
    if problems:
        raise FactdeckError(problems)
    return Lock(notes, types, removed)
