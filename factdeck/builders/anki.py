"""The deck as an Anki package (``.apkg``), written with genanki.

Identity is what makes re-imports update instead of duplicate: note types and
decks keep the ids fixed in ``deck.yaml``, and each note's GUID comes from its
card id. The package is byte-for-byte repeatable for one epoch.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
import zipfile
from functools import lru_cache
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError, display_path
from ..model import CARD_KINDS, Card, Deck, Source
from ..templating import check_anki_syntax, html_text, render_block
from . import Builder

if TYPE_CHECKING:
    import genanki


# After each kind's own fields (``TextField.anki_name``), in every note type.
SHARED_FIELDS = ("Source", "Note")


def field_names(kind: type[Card]) -> list[str]:
    """Anki's fields for a kind: the kind's text fields, then source and note."""
    return [f.anki_name for f in kind.FIELDS] + list(SHARED_FIELDS)


def stable_id(*parts: object) -> int:
    """A 31-bit id from stable text, for decks that have no id of their own in config."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:4], "big") >> 1 or 1


class AnkiBuilder(Builder):
    name = "apkg"
    suffix = ".apkg"
    description = "Anki package: one note type per kind, one subdeck per card file"

    def write(self, deck: Deck, target: Path) -> str:
        import genanki  # here, not at the top: ``--check`` must start without it

        # A note type for each kind the cards use (genanki writes only those anyway).
        used = dict.fromkeys(card.kind for card in deck.cards)
        models = {kind: self._model(deck, CARD_KINDS[kind]) for kind in used}
        settings = deck.settings
        # Anki shows a deck's description as HTML: it is text like any card's.
        description = str(html_text(settings.description))
        anki_decks = {settings.name: genanki.Deck(settings.deck_id, settings.name, description)}
        for name in deck.subdecks:
            anki_decks.setdefault(name, genanki.Deck(stable_id(settings.deck_id, name), name))
        # One template lookup (Jinja stats the file on each one) and one render per
        # distinct list of sources: cards citing the same sources share it.
        template = self.env.get_template("anki/citation.html")

        @lru_cache(maxsize=None)
        def citation(sources: tuple[Source, ...]) -> str:
            return template.render(sources=sources).strip()

        progress = self.options.progress
        progress.stage("apkg: making notes", len(deck.cards))
        for card in deck.cards:
            progress.advance()
            fields = [str(html_text(value)) for value in card.texts().values()]
            fields += [citation(card.sources), str(html_text(card.note))]
            anki_decks[card.deck].add_note(genanki.Note(
                model=models[card.kind], fields=fields, tags=list(card.tags),
                guid=genanki.guid_for(settings.guid_namespace, card.id)))
        progress.stage("apkg: writing package")
        self._write_package(list(anki_decks.values()), target)
        cards = sum(card.anki_card_count() for card in deck.cards)
        return (f"{len(deck.cards)} note{'s' * (len(deck.cards) != 1)}, {cards} Anki card{'s' * (cards != 1)} "
                f"in {len(anki_decks)} deck{'s' * (len(anki_decks) != 1)}")

    def _model(self, deck: Deck, kind: type[Card]) -> genanki.Model:
        import genanki

        css = self.env.get_template("anki/style.css").render(deck=deck)
        fields = {f.name: f.anki_name for f in kind.FIELDS}
        templates = []
        for direction in kind.DIRECTIONS:
            page = self.env.get_template(f"anki/{direction.template}")
            # The Anki field names come from the model, so a template writes {{<< fields.term >>}}.
            variables = {"deck": deck, "kind": kind.KIND, "title": direction.title, "cue": direction.cue,
                         "fields": fields, "front": fields[direction.front], "back": fields[direction.back]}
            front, back = (render_block(page, side, variables).strip() for side in ("front", "back"))
            check_anki_syntax(front, page)
            check_anki_syntax(back, page)
            templates.append({"name": direction.title, "qfmt": front, "afmt": back})
        version = kind.NOTE_TYPE_VERSION
        return genanki.Model(
            deck.settings.note_type_ids[kind.KIND] + version - 1,
            f"{kind.KIND.title()} ({deck.settings.name}) v{version}",
            fields=[{"name": name} for name in field_names(kind)],
            templates=templates, css=css,
            model_type=genanki.Model.CLOZE if kind.CLOZE else genanki.Model.FRONT_BACK)

    def _write_package(self, decks: list[genanki.Deck], target: Path) -> None:
        epoch = self.options.epoch
        with tempfile.TemporaryDirectory() as scratch:
            database = Path(scratch) / "collection.anki2"
            connection = sqlite3.connect(database)
            # A scratch file zipped up at the end: no need to wait for the disk on every
            # statement (genanki's schema alone is a dozen fsyncs, a fifth of a small build).
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("PRAGMA journal_mode = MEMORY")
            try:
                _write_collection(connection.cursor(), decks, epoch)
                connection.commit()
            except sqlite3.Error as error:  # "database or disk is full": the temporary folder, not ours
                raise UsageError(f"cannot write the Anki package's scratch database: {error}",
                                 display_path(Path(scratch))) from None
            finally:
                connection.close()
            # genanki's own writer stamps zip entries with the clock; fix them to the epoch.
            stamp = _zip_date(epoch)
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
                for name, data in (("collection.anki2", database.read_bytes()), ("media", b"{}")):
                    info = zipfile.ZipInfo(name, date_time=stamp)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    # Level 3 deflates twice as fast as the default 6, for a package 7% larger.
                    package.writestr(info, data, compresslevel=3)


def _write_collection(cursor: sqlite3.Cursor, decks: list[genanki.Deck], epoch: int) -> None:
    """What ``genanki.Package(decks).write_to_db`` writes, with the decks and note types stored once.

    genanki's ``Deck.write_to_db`` reads, extends and writes back the whole
    decks and note-types JSON for each deck, which makes a deck of thousands
    of subdecks quadratic. The same sequence is followed here on small
    stand-ins (each note type's JSON is made once, for the last deck that
    uses it, as genanki's last write leaves it), and each table written once.
    """
    import json

    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    cursor.executescript(APKG_SCHEMA)
    cursor.executescript(APKG_COL)
    stored_decks, stored_models = (json.loads(text) for text in cursor.execute("SELECT decks, models FROM col")
                                   .fetchone())
    stored_decks.update({str(deck.deck_id): deck.to_json() for deck in decks})
    # genanki re-reads the JSON it wrote, whose keys are text, and adds the ids as numbers: json.dumps
    # writes both, and the next json.loads keeps the first one's place and the last one's value.
    entries: list[tuple[str, tuple[genanki.Model, int] | object]] = list(stored_models.items())
    for deck in decks:
        kept = dict(entries)
        used = {note.model.model_id: note.model for note in deck.notes}
        entries = [*kept.items(), *((str(model_id), (model, deck.deck_id)) for model_id, model in used.items())]
    models = [(key, value[0].to_json(epoch, value[1]) if isinstance(value, tuple) else value)
              for key, value in entries]
    cursor.execute("UPDATE col SET decks = ?, models = ?",
                   (json.dumps(stored_decks), "{" + ", ".join(f"{json.dumps(key)}: {json.dumps(value)}"
                                                              for key, value in models) + "}"))
    ids = count(epoch * 1000)
    for deck in decks:
        for note in deck.notes:
            note.write_to_db(cursor, epoch, deck.deck_id, ids)


def _zip_date(epoch: int) -> tuple[int, int, int, int, int, int]:
    import time

    fields = time.gmtime(max(epoch, 315532800))  # zip dates start in 1980
    return fields[:6]  # type: ignore[return-value]

