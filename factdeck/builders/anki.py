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

from ..card_markup import field_html
from ..date_order import sort_key
from ..errors import FactdeckError, Position, Problem, UsageError, display_path
from ..forked import made_on_two_cores
from ..model import CARD_KINDS, Card, Deck, Source
from ..output import open_temporary
from ..templating import html_text, render_block
from . import Builder
from .anki_media import MEDIA_FIELDS, MEDIA_TEMPLATE, PackageEntry, media_entries, media_fields
from .anki_lock import LOCK_NAME, Lock, Restamped, digest, format_lock, read_lock, restamp
from .anki_templates import TemplateFault, faults, required_fields

if TYPE_CHECKING:
    import genanki

    from .anki_stamped import StampedModel


# After each kind's own fields (``TextField.anki_name``), in every note type. No Anki field is
# named like one of Anki's search keywords (``note:`` is the note type, so a field named "Note"
# could not be searched by name), and each says what it holds to someone editing the note.
REMARK_FIELD = "Remark"  # the card's 'note'
ID_FIELD = "Card ID"     # the card's id: the one-step search that selects removed cards' notes
# Not empty when a card is asked both ways: a reverse direction's front shows only then.
BOTH_WAYS_FIELD = "Ask Both Ways"
# A date kind's date as text that sorts in time order: the note type's sort field (Anki's browser).
SORT_DATE_FIELD = "Sort Date"
# From this many cards a second process makes the last notes (some 45%: it pickles them back too)
# when a core is free; below it, starting one costs about what it saves.
MIN_FORKED_NOTES = 4000
FORKED_SHARE = 0.45
ANKI_SEARCH_KEYWORDS = ("added", "card", "cid", "deck", "did", "dupe", "edited", "flag", "has-cd", "introduced",
                        "is", "mid", "nc", "nid", "note", "preset", "prop", "rated", "re", "resched", "sc",
                        "tag", "w")


def note_fields(card: Card, citation: str, markup: bool = False, media: list[str] | None = None) -> dict[str, str]:
    """A card's note, field by field (Anki names, in the note type's order), as stored HTML.

    With ``markup``, text fields are the deck's markup rendered (card_markup.py); ``media``
    are the card's media fields (anki_media.py), empty when not given.
    """
    fields = {f.anki_name: str(field_html(card, f.name, getattr(card, f.name), markup)) for f in card.FIELDS}
    fields.update({"Source": citation, REMARK_FIELD: str(field_html(card, "note", card.note, markup)),
                   ID_FIELD: card.id})
    fields.update(zip(MEDIA_FIELDS, media or [""] * len(MEDIA_FIELDS)))
    if card.reversible():
        fields[BOTH_WAYS_FIELD] = "yes" if card.reverse else ""
    if card.SORTED_BY_DATE:
        fields[SORT_DATE_FIELD] = str(html_text(sort_key(getattr(card, card.SORTED_BY_DATE))))
    return fields


def field_names(kind: type[Card]) -> list[str]:
    """Anki's fields for a kind: its text fields, source, remark, card id, then what it needs of its own."""
    return list(note_fields(kind(id="", deck="", sources=(), position=Position("")), ""))


def removed_search(card_ids: list[str], deck_name: str) -> str:
    """The Anki search that selects exactly these cards' notes: by the field holding their id,
    among this deck's note types only (another factdeck deck may use the same ids)."""
    ids = " OR ".join(f'"{ID_FIELD}:{card_id}"' for card_id in card_ids)
    return f'({ids}) "note:* ({_search_text(deck_name)}) v*"'


def _search_text(text: str) -> str:
    """Text taken literally inside a quoted Anki search term."""
    return "".join(f"\\{c}" if c in '\\"*_' else c for c in text)


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

        from .anki_stamped import StampedNote

        # A note type for each kind the cards use (genanki writes only those anyway).
        used = dict.fromkeys(card.kind for card in deck.cards)
        models = {kind: self._model(deck, CARD_KINDS[kind]) for kind in used}
        # A fault in the shared layout shows in every note type: reported once.
        faulty = list(dict.fromkeys(problem for model in models.values() for problem in model.faults))
        if faulty:  # before anything is written
            raise FactdeckError(faulty)
        # A deck keeps a lock when it has one ('factdeck new' writes it; README): a folder without one
        # (a test's, a one-off) is built without writing into it, every note stamped with the epoch.
        lock_path = self.options.cards_dir / LOCK_NAME if self.options.cards_dir is not None else None
        lock_path = lock_path if lock_path is not None and lock_path.is_file() else None
        previous = read_lock(lock_path) if lock_path is not None else Lock()
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

        markup = settings.marked_up
        media_template = self.env.get_template(MEDIA_TEMPLATE)
        progress = self.options.progress
        progress.stage("apkg: making notes", len(deck.cards))

        def made(card: Card) -> tuple[list[str], str, str]:
            """The card's note fields, the digest of its content (what Anki compares on re-import:
            a new digest means a newer note) and its GUID."""
            fields = list(note_fields(card, citation(card.sources), markup,
                                      media_fields(media_template, card.media)).values())
            return (fields, digest([models[card.kind].model_id, fields, sorted(card.tags), card.deck]),
                    genanki.guid_for(settings.guid_namespace, card.id))

        # Pure Python a card: for a large deck, the last cards' on the second core when it is free.
        share = FORKED_SHARE if len(deck.cards) >= MIN_FORKED_NOTES else 0.0
        notes: dict[str, StampedNote] = {}
        contents: dict[str, str] = {}
        for card, (fields, content, guid) in zip(deck.cards, made_on_two_cores(deck.cards, made, share,
                                                                                 progress.advance)):
            contents[card.id] = content
            notes[card.id] = StampedNote(models[card.kind], fields, card.tags, guid)
            anki_decks[card.deck].add_note(notes[card.id])
        stamped = restamp(previous, contents, {str(m.model_id): m.digest for m in models.values()},
                          self.options.epoch)
        for card_id, note in notes.items():
            note.mtime = stamped.lock.notes[card_id].mtime
        for model in models.values():
            model.mtime = stamped.lock.note_types[str(model.model_id)].mtime
        progress.stage("apkg: writing package")
        self._write_package(list(anki_decks.values()), target,
                            media_entries(file for card in deck.cards for file in card.media.files()))
        cards = sum(len(note.card_ords) for note in notes.values())  # what the package holds
        summary = (f"{len(deck.cards)} note{'s' * (len(deck.cards) != 1)}, {cards} Anki card{'s' * (cards != 1)} "
                   f"in {len(anki_decks)} deck{'s' * (len(anki_decks) != 1)}")
        if lock_path is None:
            return f"{summary}; no {LOCK_NAME} beside the cards, so every note has this build's time"
        summary += f"; {len(stamped.changed)} new or changed since the lock"
        return "\n".join([summary, *self._write_lock(lock_path, stamped),
                          *self._write_removed(deck, target.parent, stamped)])

    def _write_lock(self, path: Path, stamped: Restamped) -> list[str]:
        """Write the new lock when it differs; the line saying so."""
        text = format_lock(stamped.lock)
        if text == path.read_text(encoding="utf-8"):
            return []
        with open_temporary(self._extra_output(path), "w", encoding="utf-8") as file:
            file.write(text)
        return [f"updated {display_path(path)}: commit it with the cards (it keeps each note's time of change)"]

    def _write_removed(self, deck: Deck, folder: Path, stamped: Restamped) -> list[str]:
        """``DECK-removed.txt``: the Anki search that selects the notes of every removed card."""
        removed = sorted(stamped.lock.removed)
        if not removed:
            return []
        search = removed_search(removed, deck.settings.name)
        path = folder / f"{deck.settings.slug}-removed.txt"
        template = self.env.get_template("anki/removed.txt")
        with open_temporary(self._extra_output(path), "w", encoding="utf-8") as file:
            file.write(template.render(deck=deck, removed=removed, search=search))
        since = f", {len(stamped.newly_removed)} in this build" if stamped.newly_removed else ""
        shown = search if len(search) <= 200 else f"see {display_path(path)}"
        return [f"{len(removed)} card{'s' * (len(removed) != 1)} removed from the deck{since}; to delete "
                f"{'their notes' if len(removed) != 1 else 'its note'} in Anki, search: {shown}"]

    def _extra_output(self, path: Path) -> Path:
        """Where to write a file beside the package: a temporary, renamed over ``path`` with the outputs."""
        return self.options.extra_output(path) if self.options.extra_output is not None else path

    def _model(self, deck: Deck, kind: type[Card]) -> StampedModel:
        import genanki

        from .anki_stamped import StampedModel

        css = self.env.get_template("anki/style.css").render(deck=deck)
        names = field_names(kind)
        fields = {f.name: f.anki_name for f in kind.FIELDS}
        templates, problems = [], []
        for direction in kind.DIRECTIONS:
            page = self.env.get_template(f"anki/{direction.template}")
            # The Anki field names come from the model, so a template writes {{<< fields.term >>}};
            # a reverse direction's question shows only while {{<< gate >>}} is filled.
            variables = {"deck": deck, "kind": kind.KIND, "title": direction.title, "cue": direction.cue,
                         "fields": fields, "front": fields[direction.front], "back": fields[direction.back],
                         "gate": BOTH_WAYS_FIELD if direction.reverse else ""}
            front, back = (render_block(page, side, variables).strip() for side in ("front", "back"))
            problems += self._faults(page.filename, front, back, names)
            templates.append({"name": direction.title, "qfmt": front, "afmt": back})
        version = kind.NOTE_TYPE_VERSION
        model = StampedModel(
            deck.settings.note_type_ids[kind.KIND] + version - 1,
            f"{kind.KIND.title()} ({deck.settings.name}) v{version}",
            fields=[{"name": name} for name in names],
            templates=templates, css=css,
            model_type=genanki.Model.CLOZE if kind.CLOZE else genanki.Model.FRONT_BACK,
            sort_field_index=names.index(SORT_DATE_FIELD) if SORT_DATE_FIELD in names else 0)
        model.digest = digest([model.name, names, templates, css, model.sort_field_index, model.model_type])
        model.faults = problems
        return model

    def _faults(self, filename: str | None, front: str, back: str, fields: list[str]) -> list[Problem]:
        """Problems in a card template, each at the line of its file (or the layout's) that wrote it."""
        found = faults(front, fields, front=True) + faults(back, fields, front=False)
        # A front must show a text field: the media fields are empty on most notes.
        if not found and required_fields(front, [f for f in fields if f not in MEDIA_FIELDS]) is None:
            found = [TemplateFault("<% block front", "the front shows no field: Anki would make no card from it")]
        sources = [Path(f) for f in (filename, self.env.get_template("anki/layout.html").filename) if f]
        problems = []
        for fault in found:
            where = Position(display_path(sources[0])) if sources else Position("templates")
            for source in sources:
                lines = source.read_text(encoding="utf-8").splitlines()
                line = next((n for n, text in enumerate(lines, 1) if fault.token in text), 0)
                if line:
                    where = Position(display_path(source), line)
                    break
            problems.append(Problem(where, f"Anki template: {fault.message}"))
        return problems

    def _write_package(self, decks: list[genanki.Deck], target: Path, media: list[PackageEntry]) -> None:
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
            with open_temporary(target) as file, zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as package:
                for name, data, deflate in [PackageEntry("collection.anki2", database.read_bytes(), True), *media]:
                    info = zipfile.ZipInfo(name, date_time=stamp)
                    info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
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
    # Row by row in genanki's order (a note, then its cards): the file's pages, and so its bytes, follow it.
    insert_note = "INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?);"
    insert_card = "INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?);"
    execute = cursor.execute
    for deck in decks:
        for note in deck.notes:
            note_row, card_rows = note.rows(deck.deck_id, ids)
            execute(insert_note, note_row)
            for card_row in card_rows:
                execute(insert_card, card_row)


def _zip_date(epoch: int) -> tuple[int, int, int, int, int, int]:
    import time

    fields = time.gmtime(max(epoch, 315532800))  # zip dates start in 1980
    return fields[:6]  # type: ignore[return-value]

