"""Reading a built .apkg back: what Anki stores, and what a user would read.

An .apkg is a zip holding a SQLite collection; each note's fields are one
string separated by U+001F. Fields are HTML; what a user reads is that HTML
with ``<br>`` as a line break and entities decoded (``&lt;`` -> ``<``).
"""

from __future__ import annotations

import html
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import genanki


def note_fields(apkg: Path) -> dict[str, list[str]]:
    """Every note's fields as stored, keyed by note GUID."""
    with zipfile.ZipFile(apkg) as package, tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / "collection.anki2"
        database.write_bytes(package.read("collection.anki2"))
        connection = sqlite3.connect(database)
        try:
            rows = connection.execute("select guid, flds from notes").fetchall()
        finally:
            connection.close()
    return {guid: fields.split("\x1f") for guid, fields in rows}


def fields_of(apkg: Path, namespace: str, card_id: str) -> list[str]:
    """One card's note fields, found by the GUID factdeck derives from its id."""
    return note_fields(apkg)[genanki.guid_for(namespace, card_id)]


def shown_text(field: str) -> str:
    """What a user reads in a field: ``<br>`` as a newline, entities decoded.

    Splitting before unescaping keeps a card's literal text "<br>" (stored as
    ``&lt;br&gt;``) as text.
    """
    return "\n".join(html.unescape(part) for part in field.split("<br>"))
