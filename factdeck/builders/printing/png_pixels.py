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
from functools import cache

SIGNATURE = b"\x89PNG\r\n\x1a\n"
MARK = b"factdeck picture "  # the stand-in's first samples: this, then the picture's name and a zero
CHANNELS = {0: 1, 2: 3}  # colour type: grey, RGB (the two a PDF image takes with PNG predictors)
# Chunks Typst would apply to the pixels it decodes: a palette, transparency (a mask made from the
# pixels), orientation (the pixels turned), animation. A picture with one is left to Typst.
APPLIED_TO_PIXELS = {b"PLTE", b"tRNS", b"eXIf", b"acTL"}
KNOWN_CRITICAL = {b"IHDR", b"IDAT", b"IEND"}
INFLATED_AT_ONCE = 1 << 20  # bytes of pixels checked at a time: a small file may hold a very large picture
ZERO_PIECE = 1 << 12  # zeros deflated once, for every stand-in's black pixels (a picture's, in pieces)
ZLIB_HEADER = b"\x78\x9c"  # deflate, 32 kB window, default level
ADLER = 65521  # the Adler-32 checksum's modulus


@dataclass(frozen=True)
class PngPixels:
    """A PNG's pixels as its file holds them: 8-bit grey or RGB rows, filtered and deflated."""

    width: int
    height: int
    colors: int   # samples a pixel: 1 grey, 3 RGB
    data: bytes = field(repr=False)  # the IDAT chunks' payloads joined: one zlib stream
    before: bytes = field(repr=False, default=SIGNATURE)  # the file up to its first IDAT chunk
    after: bytes = field(repr=False, default=b"")  # the file after its last IDAT chunk

    @property
    def row_bytes(self) -> int:
        """A decoded row's bytes, its filter byte included."""
        return 1 + self.width * self.colors


def png_pixels(png: bytes, checked: bool = False) -> PngPixels | None:
    """``png``'s pixels if a PDF image can hold them as they are, else None (Typst then embeds the picture).

    ``checked`` skips checking each chunk's CRC and inflating the pixels, for a PNG checked so already.
    """
    found = list(_chunks(png, crc=not checked))
    if not found or found[0][1] != b"IHDR" or found[0][3] - found[0][2] != 13:
        return None
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", png[found[0][2]:found[0][3]])
    kinds = {kind for _, kind, _, _ in found}
    if (depth != 8 or colour not in CHANNELS or (compression, filtering, interlace) != (0, 0, 0)
            or kinds & APPLIED_TO_PIXELS or not 0 < width < 2**31 or not 0 < height < 2**31):
        return None
    if any(not kind[0] & 0x20 and kind not in KNOWN_CRITICAL for kind in kinds):
        return None  # a critical chunk (its first letter upper case) this reader does not know: leave it to Typst
    idat = [index for index, (_, kind, _, _) in enumerate(found) if kind == b"IDAT"]
    if not idat or idat[-1] - idat[0] != len(idat) - 1:
        return None  # no pixels, or other chunks between them: not a PNG
    pixels = PngPixels(width, height, CHANNELS[colour], b"".join([png[found[i][2]:found[i][3]] for i in idat]),
                       png[:found[idat[0]][0]], png[found[idat[-1]][3] + 4:])
    return pixels if checked or _decodes(pixels) else None


def stand_in(pixels: PngPixels, name: str) -> bytes | None:
    """The PNG of ``pixels`` made black but for :data:`MARK` and ``name`` at the start; None if too small for them.

    Every other chunk is kept, so Typst sees the same size, resolution and
    colour profile: the face is laid out as with the picture itself.
    """
    mark = MARK + name.encode("ascii") + b"\0"
    samples = pixels.row_bytes - 1
    if samples * pixels.height < len(mark):
        return None
    rows = b"".join(b"\0" + mark[at:at + samples].ljust(samples, b"\0") for at in range(0, len(mark), samples))
    idat = _deflated_zeros_after(rows, pixels.row_bytes * pixels.height)
    return pixels.before + struct.pack(">I", len(idat)) + b"IDAT" + idat + struct.pack(
        ">I", zlib.crc32(b"IDAT" + idat)) + pixels.after


def named_by_mark(samples: bytes) -> str | None:
    """The picture name a stand-in's first decoded samples carry, or None for any other image."""
    if not samples.startswith(MARK) or b"\0" not in samples[len(MARK):]:
        return None
    name = samples[len(MARK):samples.index(b"\0", len(MARK))]
    return name.decode("ascii") if name.isascii() and name else None


def _chunks(png: bytes, crc: bool = True) -> Iterator[tuple[int, bytes, int, int]]:
    """Each chunk's offset, type and the span of its data, up to IEND; nothing for bytes that are not a
    sound PNG (cut short, no IEND, a bad CRC unless ``crc`` is false)."""
    if not png.startswith(SIGNATURE):
        return
    found, at = [], len(SIGNATURE)
    while at + 12 <= len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        kind, end = png[at + 4:at + 8], at + 8 + length
        if end + 4 > len(png) or crc and png[end:end + 4] != struct.pack(">I", zlib.crc32(png[at + 4:end])):
            return
        found.append((at, kind, at + 8, end))
        at = end + 4
        if kind == b"IEND":
            yield from found
            return


def _decodes(pixels: PngPixels) -> bool:
    """Whether the pixels inflate to whole rows, each with a known filter: a PNG Typst would refuse, refused."""
    inflate, expected, at, data = zlib.decompressobj(), pixels.row_bytes * pixels.height, 0, pixels.data
    try:
        while not inflate.eof and at <= expected:
            rows = inflate.decompress(data, INFLATED_AT_ONCE)
            data = inflate.unconsumed_tail
            if not rows and not data:
                break  # the stream is cut short
            filters = rows[-at % pixels.row_bytes::pixels.row_bytes]  # each row's first byte in this piece
            if filters and max(filters) > 4:
                return False
            at += len(rows)
    except zlib.error:
        return False
    return inflate.eof and at == expected


def _deflated_zeros_after(head: bytes, total: int) -> bytes:
    """A zlib stream of ``head`` and then zeros, ``total`` bytes in all, without deflating every zero.

    The zeros are one deflated piece repeated: each piece is flushed in full
    (byte-aligned, referring to nothing before it), so pieces may follow each
    other. A large picture's stand-in costs next to nothing to make.
    """
    zeros = total - len(head)
    whole, rest = divmod(zeros, ZERO_PIECE)
    first, last = zlib.compressobj(6, zlib.DEFLATED, -15), zlib.compressobj(6, zlib.DEFLATED, -15)
    checksum = zlib.adler32(head)
    low, high = checksum & 0xFFFF, checksum >> 16
    high = (high + zeros * low) % ADLER  # a zero leaves the low sum as it is and adds it to the high one
    return b"".join([ZLIB_HEADER, first.compress(head), first.flush(zlib.Z_FULL_FLUSH), _deflated_zeros() * whole,
                     last.compress(bytes(rest)), last.flush(), struct.pack(">I", high << 16 | low)])


@cache
def _deflated_zeros() -> bytes:
    """:data:`ZERO_PIECE` zeros, raw-deflated and flushed in full."""
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    return deflate.compress(bytes(ZERO_PIECE)) + deflate.flush(zlib.Z_FULL_FLUSH)
