"""The deck's pictures where Typst can read them: a ``media`` folder inside each compile's root.

Typst reads only files inside its root (an otherwise empty folder, see
builder.py), so the pictures are written once per build into a folder of their
own, and every compile's root links to that folder as ``media``: a face asks
for ``deck-picture(NAME)`` (cards.typ), NAME its content name. The pictures are
one file, with a map of where each is in it: a thousand files cost a build
more than their bytes (each made and removed again).

For a PDF, a PNG whose pixels a PDF image can hold as they are is written as
its stand-in (png_pixels.py), and :func:`embed_pictures` gives each stand-in's
image in the compiled PDF (in the builder's process: the deck is there) the
picture's own compressed pixels: the PDF holds every picture at its own
resolution, its pixels unchanged, without Typst decoding and deflating them again.
"""

from __future__ import annotations

import io
import json
import os
import re
import zlib
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ...media import MediaFile
from ...model import Deck
from .pdf_streams import Unreadable, replace_streams
from .png_pixels import MARK, PngPixels, named_by_mark, png_pixels, stand_in

if TYPE_CHECKING:  # imported where used: ``--check`` must start without pypdf
    from pypdf.generic import StreamObject

FOLDER = "media"
BUNDLE = "pictures"  # the deck's pictures one after another (pictures.typ reads them)
SPANS = "pictures.json"  # where each begins and ends in BUNDLE, by name
MODULE = resources.files(__package__) / "pictures.typ"  # the faces' way to a picture in BUNDLE
MARK_SAMPLES = len(MARK) + 64  # enough of an image's first samples to hold a stand-in's mark and name
FLATE = re.compile(rb"/Filter\s*/FlateDecode\b")  # deflated, and by nothing else


def deck_pictures(deck: Deck) -> list[MediaFile]:
    """Every picture a printed face shows, once each, by name."""
    found = {image.name: image for card in deck.cards
             for image in (card.media.image, card.media.answer_image) if image is not None}
    return [found[name] for name in sorted(found)]


def write_pictures(deck: Deck, folder: Path, stand_ins: bool = False) -> Path | None:
    """Write the deck's pictures into ``folder``/media; that folder, or None for a deck without pictures.

    They go into one file, with a map of where each is and the Typst module
    that reads them (:data:`MODULE`). With ``stand_ins`` (for a PDF, which
    :func:`embed_pictures` then completes) each PNG a PDF image can hold as it
    is is written as its stand-in.
    """
    pictures = deck_pictures(deck)
    if not pictures:
        return None
    media = folder / FOLDER
    media.mkdir()
    spans, at = {}, 0
    with open(media / BUNDLE, "wb") as bundle:
        for picture in pictures:
            data = (_stand_in(picture) if stand_ins else None) or picture.data
            bundle.write(data)
            spans[picture.name] = (at, at + len(data))
            at += len(data)
    (media / SPANS).write_text(json.dumps(spans, sort_keys=True), encoding="utf-8")
    (media / MODULE.name).write_bytes(MODULE.read_bytes())
    return media


def _stand_in(picture: MediaFile) -> bytes | None:
    """The stand-in Typst is given for ``picture`` in a PDF (png_pixels.py), or None to give it the picture."""
    pixels = png_pixels(picture.data) if picture.extension == ".png" else None
    return stand_in(pixels, picture.name) if pixels is not None else None


def link_pictures(root: Path, media: Path | None) -> None:
    """Let a compile in ``root`` read the pictures written by :func:`write_pictures`."""
    if media is not None and media != root / FOLDER:
        os.symlink(media, root / FOLDER, target_is_directory=True)


def embed_pictures(pdf: bytes, deck: Deck) -> bytes:
    """``pdf``, compiled with stand-ins (see :func:`write_pictures`), with each stand-in's image holding
    the ``deck``'s picture it stands for; ``pdf`` itself for a deck without PNG pictures."""
    known = {picture.name: picture.data for picture in deck_pictures(deck) if picture.extension == ".png"}
    if not known:
        return pdf

    def pixels_of(width: object, height: object, deflated: bool, data: bytes) -> PngPixels | None:
        """The pixels a stand-in's image takes, None for any other image; Unreadable for a stand-in
        whose image is not as Typst writes them (then the pypdf way is tried, or the build fails)."""
        name = named_by_mark(_first_samples(data))
        if name is None or name not in known:
            return None
        pixels = png_pixels(known[name], checked=True)
        if pixels is None or not deflated or (width, height) != (pixels.width, pixels.height):
            raise Unreadable(name)
        return pixels

    def replacement(dictionary: bytes, data: bytes) -> tuple[bytes, bytes] | None:
        width, height = (re.search(rb"/%s\s+(\d+)(?!\s+\d+\s+R)" % key, dictionary) for key in (b"Width", b"Height"))
        deflated = bool(FLATE.search(dictionary)) and b"/DecodeParms" not in dictionary
        pixels = pixels_of(width and int(width[1]), height and int(height[1]), deflated, data)
        if pixels is None:
            return None
        return b"/DecodeParms<</Predictor 15/Colors %d/BitsPerComponent 8/Columns %d>>" % (
            pixels.colors, pixels.width), pixels.data

    try:
        patched = replace_streams(pdf, replacement)
    except Unreadable:
        patched = None
    return patched or _embed_by_pypdf(pdf, pixels_of)


def _embed_by_pypdf(pdf: bytes, pixels_of: Callable[[object, object, bool, bytes], PngPixels | None]) -> bytes:
    """:func:`embed_pictures` for a PDF that pdf_streams.py cannot read: the whole document rewritten."""
    import pypdf
    from pypdf.generic import DictionaryObject, NameObject, NumberObject

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    for image in _images(writer):
        deflated = image.get("/Filter") == "/FlateDecode" and "/DecodeParms" not in image
        pixels = pixels_of(image.get("/Width"), image.get("/Height"), deflated, image._data)
        if pixels is None:
            continue
        # The encoded bytes themselves: set_data() would deflate them again, which is what this avoids.
        image._data = pixels.data
        image[NameObject("/DecodeParms")] = DictionaryObject({
            NameObject("/Predictor"): NumberObject(15),  # PNG: each row names its own filter
            NameObject("/Colors"): NumberObject(pixels.colors),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Columns"): NumberObject(pixels.width)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _images(writer: object) -> Iterator[StreamObject]:
    """Every image XObject of the document's pages and of the forms they draw, once each."""
    seen: set[int] = set()
    pending = [page.get("/Resources") for page in writer.pages]  # type: ignore[attr-defined]
    while pending:
        resources = pending.pop()
        resources = resources.get_object() if resources is not None else None
        if not resources or id(resources) in seen:
            continue
        seen.add(id(resources))
        for reference in (resources.get("/XObject") or {}).values():
            xobject = reference.get_object()
            if id(xobject) in seen:
                continue
            seen.add(id(xobject))
            if xobject.get("/Subtype") == "/Image":
                yield xobject
            elif xobject.get("/Subtype") == "/Form":
                pending.append(xobject.get("/Resources"))


def _first_samples(data: bytes) -> bytes:
    """The first samples of a stream's bytes if deflated (else b''): where a stand-in's mark is."""
    try:
        return zlib.decompressobj().decompress(data, MARK_SAMPLES)
    except zlib.error:
        return b""
