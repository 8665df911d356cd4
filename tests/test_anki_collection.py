"""The .apkg's collection written with each table once holds what genanki's own writer puts there."""

from __future__ import annotations

import sqlite3
from itertools import count

import genanki

from factdeck.builders.anki import _write_collection
from factdeck.builders.anki_stamped import StampedNote


def genanki_note(model: genanki.Model, fields: list[str], guid: str) -> genanki.Note:
    return genanki.Note(model=model, fields=fields, guid=guid)


def our_note(model: genanki.Model, fields: list[str], guid: str) -> StampedNote:
    return StampedNote(model, fields, (), guid, mtime=1700000000)  # type: ignore[arg-type]


def decks(note=genanki_note) -> list[genanki.Deck]:
    models = [genanki.Model(1000 + n, f"M{n}", fields=[{"name": "Front"}, {"name": "Back"}],
                            templates=[{"name": "c", "qfmt": "{{Front}}", "afmt": "{{Back}}"}]) for n in range(3)]
    made = [genanki.Deck(2000 + n, f"Root::D{n}") for n in range(6)]
    for n, deck in enumerate(made[1:], start=1):  # the root has no notes; the models recur in later decks
        for k in range(n):
            deck.add_note(note(models[(n + k) % 3], [f"f{n}-{k}", "b"], f"g{n}-{k}"))
    return made


def dump(write) -> list[str]:
    connection = sqlite3.connect(":memory:")
    write(connection.cursor())
    return list(connection.iterdump())


def test_the_collection_is_genanki_s_statement_for_statement():
    ours = dump(lambda cursor: _write_collection(cursor, decks(our_note), 1700000000))
    theirs = dump(lambda cursor: genanki.Package(decks()).write_to_db(cursor, 1700000000, count(1700000000 * 1000)))
    assert ours == theirs
