"""Image streams of a PDF replaced in place, without reading the rest of the document.

Typst writes a PDF as numbered objects one after another and a classic
cross-reference table at the end, each stream's ``/Length`` written out. Such a
file can have some of its image streams replaced by cutting them out, putting
the new ones in and writing the table again with the objects' new offsets:
every other byte stays as Typst wrote it. Reading and writing the whole
document with pypdf would cost a second for a deck of a thousand pictures.
:func:`replace_images` says None for a file laid out otherwise (a later Typst
may write object streams); the caller then takes the slow way.
"""

from __future__ import annotations

import re
from collections.abc import Callable

TAIL = re.compile(rb"startxref\r?\n(\d+)\r?\n%%EOF\r?\n?$")
TABLE = re.compile(rb"xref\r?\n0 (\d+)\r?\n")
ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])(?: \r?\n|\r\n)")  # each entry is 20 bytes
ENTRY_BYTES = 20
STREAM = re.compile(rb"(\d+)\s+(\d+)\s+obj\s*<<(.*?)>>\s*stream\r?\n", re.DOTALL)
LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")  # written out, not a reference to another object
STREAM_END = re.compile(rb"\s*endstream\s+endobj\s")
HAS_STREAM = re.compile(rb">>\s*stream\r?\n")

# Given a stream's dictionary (between << and >>) and its encoded bytes: what to add to the
# dictionary and the new bytes, or None to keep the stream as it is.
Replacement = Callable[[bytes, bytes], "tuple[bytes, bytes] | None"]


class Unreadable(Exception):
    """An object with a stream this module cannot take apart: the caller takes the slow way."""


def replace_streams(pdf: bytes, replace: Replacement) -> bytes | None:
    """``pdf`` with each stream ``replace`` gives new bytes for replaced; None if ``pdf`` is not a
    single-revision PDF with a classic cross-reference table and streams of written-out lengths."""
    tail = TAIL.search(pdf, max(0, len(pdf) - 64))
    table = TABLE.match(pdf, int(tail[1])) if tail else None
    if tail is None or table is None:
        return None
    count, entries_at = int(table[1]), table.end()
    trailer = pdf[entries_at + count * ENTRY_BYTES:tail.start()]
    if not trailer.lstrip().startswith(b"trailer") or b"/Prev" in trailer or b"/XRefStm" in trailer:
        return None
    entries = [ENTRY.fullmatch(pdf, at, at + ENTRY_BYTES) for at in range(entries_at, entries_at + count * ENTRY_BYTES,
                                                                      ENTRY_BYTES)]
    if not all(entries):
        return None
    used = sorted((int(entry[1]), number) for number, entry in enumerate(entries) if entry and entry[3] == b"n")
    starts = [offset for offset, _ in used] + [int(tail[1])]
    pieces, moved, at, written = [], {}, 0, 0
    for (offset, number), end in zip(used, starts[1:]):
        if not offset >= at:
            return None  # objects overlap: not a file this reads
        try:
            new = _replaced(pdf, offset, end, number, replace)
        except Unreadable:
            return None
        piece = pdf[at:end] if new is None else pdf[at:offset] + new
        moved[number] = written + offset - at
        pieces.append(piece)
        written, at = written + len(piece), end
    pieces.append(pdf[at:int(tail[1])])
    table_at = written + len(pieces[-1])
    rows = [b"%010d %s n%s" % (moved[number], entry[2], entry[0][-2:]) if entry[3] == b"n"  # type: ignore[index]
            else entry[0] for number, entry in enumerate(entries)]  # type: ignore[index]
    return b"".join([*pieces, pdf[int(tail[1]):entries_at], *rows, trailer, b"startxref\n%d\n%%%%EOF\n" % table_at])


def _replaced(pdf: bytes, offset: int, end: int, number: int, replace: Replacement) -> bytes | None:
    """The object at ``offset`` (up to ``end``) with its stream replaced, or None to keep it as it is.

    Raises :class:`Unreadable` for a stream object it cannot take apart: it might be one to replace.
    """
    head = STREAM.match(pdf, offset, end)
    if head is None:
        if HAS_STREAM.search(pdf, offset, end):
            raise Unreadable(number)
        return None  # an object without a stream
    length = LENGTH.search(head[3])
    closing = STREAM_END.match(pdf, head.end() + int(length[1]), end) if length and int(head[1]) == number else None
    if length is None or closing is None:
        raise Unreadable(number)
    data_end = head.end() + int(length[1])
    new = replace(head[3], pdf[head.end():data_end])
    if new is None:
        return None
    added, data = new
    dictionary = head[3][:length.start()] + b"/Length %d" % len(data) + head[3][length.end():] + added
    return b"%s %s obj\n<<%s>>\nstream\n%s%s" % (head[1], head[2], dictionary, data, pdf[data_end:end])
