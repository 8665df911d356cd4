"""The chunks' PDFs joined into one by renumbering their objects, without parsing what the objects hold.

A chunk is a whole PDF from Typst: a classic cross-reference table, no object
streams, a flat page tree. Joined, the first chunk's catalog (less its XMP
metadata, which counts only its own pages), document information and file
identifier head the document, one page tree lists every chunk's pages in order,
and every other object of every chunk follows, renumbered, its stream bytes
copied as they are. Only the dictionaries before the streams are read, for the
references to renumber: joining 28 chunks of a 10,000-card deck takes a small
fraction of what parsing them into objects (pypdf) took. Anything else (a newer
Typst writing cross-reference streams, say) is :class:`UnexpectedPdf`, and the
caller joins with pypdf instead. The same chunks give the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# A reference "12 0 R", not the tail of a name or number; a literal string, where none is
# looked for; the keyword after which an object's bytes are its stream's.
_TOKEN = re.compile(rb"(?<![\w.#+-])(\d+) (\d+) R(?![\w#])|\(|(?<![\w#/])stream\r?\n")
_STRING_DELIMITER = re.compile(rb"[()\\]")
_OBJECT_HEADER = re.compile(rb"(\d+) (\d+) obj\s")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_SUBSECTION = re.compile(rb"(\d+) (\d+)\s+")
_TRAILER_KEYS = re.compile(rb"/(\w+)")
_REFERENCE_TO = re.compile(rb"/(\w+)\s*(\d+) 0 R")
_FILE_ID = re.compile(rb"/ID\s*\[")
_METADATA = re.compile(rb"/Metadata\s*\d+ 0 R")
_PAGE_TREE = re.compile(rb"<<\s*/Type\s*/Pages\s*/Count\s*\d+\s*/Kids\s*\[([\d\sR]*)\]\s*>>\s*")
_ENTRY_BYTES = 20  # a cross-reference entry: "0000012345 00000 n\r\n"
_BINARY_COMMENT = b"%\xe2\xe3\xcf\xd3\n"  # tells a reader the file holds binary streams


class UnexpectedPdf(Exception):
    """A chunk not laid out as Typst writes one: it is joined another way."""


@dataclass(frozen=True)
class _Object:
    """One object's bytes cut at its references: ``pieces`` has one more item than ``references``."""

    pieces: tuple[bytes, ...]
    references: tuple[int, ...]

    def renumbered(self, numbers: dict[int, int]) -> list[bytes]:
        out = [self.pieces[0]]
        try:
            for reference, piece in zip(self.references, self.pieces[1:]):
                out += (b"%d 0 R" % numbers[reference], piece)
        except KeyError:  # a reference to the document's own catalog or information: not joinable
            raise UnexpectedPdf("a reference to a part of a chunk that is not kept") from None
        return out


@dataclass(frozen=True)
class _Chunk:
    """A chunk's objects by number, what its trailer names, and the pages of its page tree in order."""

    version: bytes
    objects: dict[int, bytes]
    root: int
    info: int | None
    file_id: bytes
    pages: int
    kids: tuple[int, ...]


def join_pdfs(pdfs: Iterable[bytes]) -> bytes:
    """The pages of ``pdfs`` in order as one PDF, with the first one's catalog, information and identifier.

    ``pdfs`` is read as it comes (a chunk is read while the next is typeset).
    Raises :class:`UnexpectedPdf` when one is not laid out as Typst writes a chunk.
    """
    numbers_taken = 3  # 1: the catalog, 2: the page tree, 3: the document information
    first: _Chunk | None = None
    kids: list[int] = []
    head: list[tuple[int, list[bytes]]] = []  # the catalog and the information, from the first chunk
    body: list[tuple[int, list[bytes]]] = []
    for pdf in pdfs:
        chunk = _read_chunk(pdf)
        skipped = {chunk.root, chunk.pages, chunk.info}
        numbers = {chunk.root: 1, chunk.pages: 2}
        if first is None:
            first = chunk
            if chunk.info is not None:
                numbers[chunk.info] = 3
        metadata = _REFERENCE_TO.findall(chunk.objects[chunk.root])
        skipped |= {int(number) for key, number in metadata if key == b"Metadata"}
        for number in sorted(chunk.objects):
            if number not in skipped:
                numbers_taken += 1
                numbers[number] = numbers_taken
        kids.extend(numbers[kid] for kid in chunk.kids)
        for number in sorted(chunk.objects):
            if number not in skipped:
                body.append((numbers[number], _cut(chunk.objects[number]).renumbered(numbers)))
        if chunk is first:
            head.append((1, _cut(_METADATA.sub(b"", chunk.objects[chunk.root])).renumbered(numbers)))
            if chunk.info is not None:
                head.append((3, _cut(chunk.objects[chunk.info]).renumbered(numbers)))
    if first is None:
        raise ValueError("no chunks to join")
    tree = b"<</Type/Pages/Count %d/Kids[%s]>>" % (len(kids), b" ".join(b"%d 0 R" % kid for kid in kids))
    return _write(first, [*head, (2, [tree]), *body], numbers_taken + 1)


def _write(first: _Chunk, objects: list[tuple[int, list[bytes]]], size: int) -> bytes:
    """The document of ``objects`` (numbered 1 to ``size - 1``, some maybe unused) with its table and trailer."""
    out = [first.version, _BINARY_COMMENT]
    offset = len(first.version) + len(_BINARY_COMMENT)
    offsets = [0] * size
    for number, pieces in objects:
        offsets[number] = offset
        block = b"".join([b"%d 0 obj\n" % number, *pieces, b"\nendobj\n"])
        out.append(block)
        offset += len(block)
    table = [b"xref\n0 %d\n" % size, b"0000000000 65535 f\r\n"]
    table += [b"%010d 00000 n\r\n" % at if at else b"0000000000 65535 f\r\n" for at in offsets[1:]]
    info = b"/Info 3 0 R" if first.info is not None else b""
    trailer = b"trailer\n<</Size %d/Root 1 0 R%s/ID%s>>\nstartxref\n%d\n%%%%EOF" % (size, info, first.file_id, offset)
    return b"".join([*out, *table, trailer])


def _read_chunk(pdf: bytes) -> _Chunk:
    """A chunk's objects, found through its cross-reference table."""
    version = pdf[:pdf.find(b"\n") + 1]
    end = _STARTXREF.search(pdf, max(0, len(pdf) - 64))
    if not version.startswith(b"%PDF-") or end is None:
        raise UnexpectedPdf("no PDF header or no startxref")
    table = int(end[1])
    if not pdf.startswith(b"xref", table):
        raise UnexpectedPdf("a cross-reference stream, not a table")
    offsets: dict[int, int] = {}
    at = table + 4
    while (subsection := _SUBSECTION.match(pdf, at + _whitespace(pdf, at))) is not None:
        start, count = int(subsection[1]), int(subsection[2])
        at = subsection.end()
        for index in range(count):
            entry = pdf[at:at + _ENTRY_BYTES]
            if entry[17:18] == b"n":
                offsets[start + index] = int(entry[:10])
            at += _ENTRY_BYTES
    trailer = pdf[at:end.start()]
    keys = set(_TRAILER_KEYS.findall(_without_strings(trailer)))
    if not trailer.lstrip().startswith(b"trailer") or keys != {b"Size", b"Root", b"ID"} | (keys & {b"Info"}):
        raise UnexpectedPdf("a trailer with more than its size, root, information and identifier")
    named = {key: int(number) for key, number in _REFERENCE_TO.findall(_without_strings(trailer))}
    objects = _objects(pdf, offsets, table)
    root = named.get(b"Root")
    if root not in objects:
        raise UnexpectedPdf("no catalog")
    pages = {key: int(number) for key, number in _REFERENCE_TO.findall(objects[root])}.get(b"Pages")
    tree = _PAGE_TREE.fullmatch(objects.get(pages, b"")) if pages is not None else None
    if tree is None:
        raise UnexpectedPdf("a page tree with more than its pages")
    kids = tuple(map(int, re.findall(rb"(\d+) 0 R", tree[1])))
    if not all(b"/Type/Page/" in objects.get(kid, b"") for kid in kids):
        raise UnexpectedPdf("a page tree of more than one level")
    return _Chunk(version, objects, root, named.get(b"Info"), _file_id(trailer), pages, kids)


def _file_id(trailer: bytes) -> bytes:
    """The trailer's ``/ID`` array as written: two strings, literal or hexadecimal."""
    found = _FILE_ID.search(_without_strings(trailer))
    start = _FILE_ID.search(trailer)
    if found is None or start is None:
        raise UnexpectedPdf("no file identifier")
    at = start.end()
    while True:
        at += _whitespace(trailer, at)
        if trailer.startswith(b"(", at):
            at = _string_end(trailer, at)
        elif trailer.startswith(b"<", at) and (close := trailer.find(b">", at)) >= 0:
            at = close + 1
        elif trailer.startswith(b"]", at):
            return trailer[start.end() - 1:at + 1]
        else:
            raise UnexpectedPdf("a file identifier of more than two strings")


def _objects(pdf: bytes, offsets: dict[int, int], table: int) -> dict[int, bytes]:
    """Each object's bytes between ``N 0 obj`` and ``endobj``, each ending where the next begins."""
    objects: dict[int, bytes] = {}
    starts = sorted((offset, number) for number, offset in offsets.items())
    for (offset, number), (following, _) in zip(starts, [*starts[1:], (table, 0)]):
        header = _OBJECT_HEADER.match(pdf, offset)
        close = pdf.rfind(b"endobj", offset, following)
        if header is None or int(header[1]) != number or header[2] != b"0" or close < 0:
            raise UnexpectedPdf(f"object {number} is not where the table says")
        objects[number] = pdf[header.end():close].rstrip(b"\r\n")
    return objects


def _cut(data: bytes) -> _Object:
    """An object's bytes cut at each reference before its stream (if it has one)."""
    pieces: list[bytes] = []
    references: list[int] = []
    taken = at = 0
    while (token := _TOKEN.search(data, at)) is not None:
        if token[0] == b"(":
            at = _string_end(data, token.start())
        elif token[1] is None:  # the stream: its bytes are copied as they are
            break
        else:
            if token[2] != b"0":
                raise UnexpectedPdf("a reference to an object of a later generation")
            pieces.append(data[taken:token.start()])
            references.append(int(token[1]))
            taken = at = token.end()
    pieces.append(data[taken:])
    return _Object(tuple(pieces), tuple(references))


def _string_end(data: bytes, start: int) -> int:
    """Where the literal string opening at ``start`` ends (parentheses nest; a backslash escapes one)."""
    depth, at = 0, start
    while (found := _STRING_DELIMITER.search(data, at)) is not None:
        char = found[0]
        at = found.end()
        if char == b"\\":
            at += 1
        elif char == b"(":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return at
    raise UnexpectedPdf("a string that does not end")


def _without_strings(data: bytes) -> bytes:
    """``data`` with its literal strings left out (an identifier may hold any bytes)."""
    out, at = [], 0
    while (start := data.find(b"(", at)) >= 0:
        out.append(data[at:start])
        at = _string_end(data, start)
    return b"".join([*out, data[at:]])


def _whitespace(data: bytes, at: int) -> int:
    """How many whitespace bytes start at ``at``."""
    return len(data[at:at + 8]) - len(data[at:at + 8].lstrip())
