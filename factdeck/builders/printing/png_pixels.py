"""A PNG's pixels as a PDF image can hold them: its own compressed rows, and a stand-in for Typst.

Typst decodes every PNG it places and deflates its pixels again for the PDF,
which for a deck of pictures is most of the PDF's time and saves nothing: a
PNG's pixels are deflated already. A PDF image can hold a PNG's IDAT data as it
is (``/FlateDecode`` with PNG predictors: the same bytes, each row's filter
included) when the PNG is 8-bit grey or RGB, not interlaced, without a palette,
transparency, orientation or animation, which Typst would apply to the pixels.

Such a picture is given to Typst as its :func:`stand_in`: the same PNG (same
size, resolution, colour profile) whose pixels are black but for a mark that
names the picture. Typst deflates black quickly; the stand-in's image in the PDF
is given the picture's own pixels afterwards (:mod:`.pictures`).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

SIGNATURE = b"\x89PNG\r\n\x1a\n"
MARK = b"factdeck picture "  # the stand-in's first samples: this, then the picture's name
CHANNELS = {0: 1, 2: 3}  # colour type: grey, RGB (the two a PDF image takes with PNG predictors)
# Chunks Typst would apply to the pixels it decodes: a palette, transparency (a mask made from the
# pixels), orientation (the pixels turned), animation. A picture with one is left to Typst.
APPLIED_TO_PIXELS = {b"PLTE", b"tRNS", b"eXIf", b"acTL"}
ROWS_AT_ONCE = 256  # rows of the stand-in deflated at a time: a large picture's stand-in is never all in memory


@dataclass(frozen=True)
class PngPixels:
    """A PNG's pixels as its file holds them: 8-bit grey or RGB rows, filtered and deflated."""

    width: int
    height: int
    colors: int   # samples a pixel: 1 grey, 3 RGB
    data: bytes = field(repr=False)  # the IDAT chunks' payloads joined: one zlib stream

    @property
    def row_bytes(self) -> int:
        """A decoded row's bytes, its filter byte included."""
        return 1 + self.width * self.colors


def png_pixels(png: bytes, inflate: bool = True) -> PngPixels | None:
    """``png``'s pixels if a PDF image can hold them as they are, else None (Typst then embeds the picture).

    ``inflate=False`` skips inflating the pixels to check them, for a PNG checked so once already.
    """
    found = list(_chunks(png))
    if not found or found[0][0] != b"IHDR" or len(found[0][1]) != 13 or found[-1][0] != b"IEND":
        return None
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", found[0][1])
    kinds = {kind for kind, _ in found}
    if (depth != 8 or colour not in CHANNELS or (compression, filtering, interlace) != (0, 0, 0)
            or kinds & APPLIED_TO_PIXELS or not 0 < width < 2**31 or not 0 < height < 2**31):
        return None
    if any(not _ancillary(kind) and kind not in (b"IHDR", b"IDAT", b"IEND") for kind in kinds):
        return None  # a critical chunk this reader does not know: leave the picture to Typst
    pixels = PngPixels(width, height, CHANNELS[colour], b"".join(data for kind, data in found if kind == b"IDAT"))
    return pixels if not inflate or _decodes(pixels) else None


def stand_in(png: bytes, pixels: PngPixels, name: str) -> bytes | None:
    """``png`` with black pixels but for :data:`MARK` and ``name`` at the start; None if too small to hold them.

    Every other chunk is kept, so Typst sees the same size, resolution and
    colour profile: the face is laid out as with the picture itself.
    """
    mark = MARK + name.encode("ascii") + b"\0"
    samples = pixels.row_bytes - 1
    if samples * pixels.height < len(mark):
        return None
    rows = [b"\0" + mark[at:at + samples].ljust(samples, b"\0") for at in range(0, len(mark), samples)]
    black = b"\0" * pixels.row_bytes
    deflate = zlib.compressobj(6)
    idat = [deflate.compress(b"".join(rows))]
    left = pixels.height - len(rows)
    while left > 0:
        idat.append(deflate.compress(black * min(left, ROWS_AT_ONCE)))
        left -= ROWS_AT_ONCE
    idat.append(deflate.flush())
    return _with_idat(png, b"".join(idat))


def named_by_mark(samples: bytes) -> str | None:
    """The picture name a stand-in's first decoded samples carry, or None for any other image."""
    if not samples.startswith(MARK) or b"\0" not in samples[len(MARK):]:
        return None
    name = samples[len(MARK):samples.index(b"\0", len(MARK))]
    return name.decode("ascii") if name.isascii() and name else None


def _with_idat(png: bytes, idat: bytes) -> bytes:
    """``png`` with its IDAT chunks replaced by one holding ``idat``, where the first of them was."""
    out, placed = [SIGNATURE], False
    for kind, data in _chunks(png):
        if kind == b"IDAT":
            if not placed:
                out.append(_chunk(b"IDAT", idat))
                placed = True
        else:
            out.append(_chunk(kind, data))
    return b"".join(out)


def _chunks(png: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Each chunk's type and data, up to IEND; nothing for bytes that are not a sound PNG (bad CRC, cut short)."""
    if not png.startswith(SIGNATURE):
        return
    found, at = [], len(SIGNATURE)
    while at + 12 <= len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        kind, data = png[at + 4:at + 8], png[at + 8:at + 8 + length]
        if len(data) != length or png[at + 8 + length:at + 12 + length] != struct.pack(">I", zlib.crc32(kind + data)):
            return
        found.append((kind, data))
        at += 12 + length
        if kind == b"IEND":
            yield from found
            return


def _ancillary(kind: bytes) -> bool:
    return bool(kind[0] & 0x20)  # the first letter's case: lower for a chunk a decoder may skip


def _decodes(pixels: PngPixels) -> bool:
    """Whether the pixels inflate to whole rows, each with a known filter: a PNG Typst would refuse, refused.

    Inflated a piece at a time: a small file may hold a very large picture.
    """
    inflate, expected, at, piece = zlib.decompressobj(), pixels.row_bytes * pixels.height, 0, 1 << 20
    data = pixels.data
    try:
        while not inflate.eof and at <= expected:
            rows = inflate.decompress(data, piece)
            data = inflate.unconsumed_tail
            if not rows and not data:
                break  # the stream is cut short
            first = -at % pixels.row_bytes  # the next filter byte's place in this piece
            if rows[first::pixels.row_bytes] and max(rows[first::pixels.row_bytes]) > 4:
                return False
            at += len(rows)
    except zlib.error:
        return False
    return inflate.eof and at == expected


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
