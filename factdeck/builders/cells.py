"""Table cells that arrive as written: in Anki's text importer, and in a spreadsheet, as text.

Anki's importer skips a line starting with ``#`` as a comment (or a header)
and reads a field starting with ``"`` as quoted, in CSV and TSV alike; a
spreadsheet runs a cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return) as a formula. The CSV is the export a spreadsheet opens (a
``.csv`` opens in one on a double click, and its Note, Source, Tags and Deck
columns are a table to sort and filter), so its formula-like cells get OWASP's
neutralising ``'``; the TSV is for flashcard apps, which show text and run no
formulas, so its cells stay exact.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(text: str) -> str:
    """``text`` as a spreadsheet shows it rather than runs it: a ``'`` before a formula's first character.

    Anki's importer keeps the ``'`` as text: the price of a file that is safe to open.
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def quoted(text: str) -> str:
    """``text`` as a quoted CSV/TSV field: in double quotes, each ``"`` doubled."""
    return '"' + text.replace('"', '""') + '"'


def tsv_cell(text: str, first: bool) -> str:
    """A TSV field Anki reads back as ``text``: quoted where it starts with ``"``, or with ``#`` at a line's start."""
    return quoted(text) if text.startswith('"') or first and text.startswith("#") else text
