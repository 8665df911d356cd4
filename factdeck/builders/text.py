"""The deck as text tables for other study apps: ``--only csv`` and ``--only tsv``.

``csv`` is for Anki's text importer (and spreadsheets): header lines tell Anki
the separator, that fields are plain text, the note type, and which columns
hold tags, deck and GUID, so importing a newer export updates the notes it
made instead of adding duplicates. ``tsv`` is the plainest table there is, one
card a line, ``front<TAB>back``, with no header, no quoting and no line breaks
inside a field: what Quizlet's and Mochi's importers take (Anki too).

What the front and back say comes from ``templates/text/card.txt``: its
``front_<kind>`` and ``back_<kind>`` macros where it has them, else the
generic ``front`` and ``back``. A cloze note is one row per deletion number.
"""

from __future__ import annotations

import csv
import re
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Card, Deck
from ..output import open_temporary
from ..markup import Role
from ..templating import call_macro, html_text
from . import Builder
from .cells import quoted, spreadsheet_cell, tsv_cell
from .text_html import HtmlRows, needs_html

if TYPE_CHECKING:
    import jinja2

CSV_COLUMNS = ("Front", "Back", "Note", "Source", "Tags", "Deck", "GUID")
# Everything str.splitlines() would break at, so one card stays one line in any reader.
_BREAKS = re.compile(r"[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+")


class TextBuilder(Builder):
    """Shared by both tables: each card's front and back, rendered by the text template."""

    by_default = False

    @cached_property
    def template(self) -> jinja2.Template:
        # Looked up once: Jinja checks the file on disk at every get_template.
        return self.env.get_template("text/card.txt")

    def sides(self, card: Card) -> tuple[str, str]:
        return (call_macro(self.template, self.macro("front", card.kind), card).strip(),
                call_macro(self.template, self.macro("back", card.kind), card).strip())

    def macro(self, side: str, kind: str) -> str:
        """The kind's own macro for ``side`` when the template has one, else the generic one."""
        own = f"{side}_{kind}"
        return own if hasattr(self.template.module, own) else side

    @staticmethod
    def rows(deck: Deck) -> list[Card]:
        return [variant for card in deck.cards for variant in card.variants()]

    def citation(self, card: Card) -> str:
        return call_macro(self.template, "citation", card.sources).strip()


class CsvBuilder(TextBuilder):
    name = "csv"
    suffix = ".csv"
    description = "CSV for Anki's text importer and spreadsheets: updates on re-import"

    def write(self, deck: Deck, target: Path) -> str:
        namespace = deck.settings.guid_namespace
        # Anki reads these header lines (2.1.55 and later); column numbers count from 1.
        html = HtmlRows(self.env, deck.settings.marked_up) if needs_html(deck) else None
        headers = {"separator": "comma", "html": "false" if html is None else "true", "notetype": "Basic",
                   "columns": ",".join(CSV_COLUMNS),
                   "tags column": CSV_COLUMNS.index("Tags") + 1,
                   "deck column": CSV_COLUMNS.index("Deck") + 1,
                   "guid column": CSV_COLUMNS.index("GUID") + 1}
        with open_temporary(target, "w", encoding="utf-8", newline="") as stream:
            stream.writelines(f"#{key}:{value}\n" for key, value in headers.items())
            writer = csv.writer(stream, lineterminator="\n")
            rows = self.rows(deck)
            for card in rows:
                front, back = self.sides(card)
                note, citation = card.note, self.citation(card)
                if html is not None:  # media and markup need HTML fields; the text is escaped there
                    front, back = html.front(card, front), html.back(card, back)
                    note, citation = html.text(note, Role.NOTE), str(html_text(citation))
                row = [spreadsheet_cell(cell) for cell in (front, back, note, citation,
                                                           " ".join(card.tags), card.deck)]
                if row[0].startswith("#"):  # csv.writer would not quote it, and Anki would skip the line
                    stream.write(quoted(row.pop(0)) + ",")
                writer.writerow([*row, guid(namespace, card)])
        return f"{len(rows)} row{'s' * (len(rows) != 1)} ({', '.join(CSV_COLUMNS)})"


class TsvBuilder(TextBuilder):
    name = "tsv"
    suffix = ".tsv"
    description = "two columns, front<TAB>back, for Quizlet, Mochi and any flashcard app"

    def write(self, deck: Deck, target: Path) -> str:
        rows = self.rows(deck)
        with open_temporary(target, "w", encoding="utf-8", newline="") as stream:
            for card in rows:
                # A tab or line break inside a field would start a new column or card.
                front, back = (_BREAKS.sub(" ", side) for side in self.sides(card))
                stream.write(f"{tsv_cell(front, first=True)}\t{tsv_cell(back, first=False)}\n")
        return f"{len(rows)} row{'s' * (len(rows) != 1)} (front, back)"


def guid(namespace: str, card: Card) -> str:
    """The CSV row's Anki GUID: stable per card (and cloze deletion), and not the .apkg note's."""
    import genanki  # here, not at the top: ``--check`` loads the builders but must not load genanki

    return genanki.guid_for(namespace, "csv", card.id, *card.variant_key)
