"""A deck's pictures and sounds as Anki wants them: in the package, and referred to by their fields.

An ``.apkg`` holds each media file as a zip entry named by a number, and a
``media`` entry mapping each number to the file's name in the collection.
The names are the files' content names (:attr:`MediaFile.name`), so a changed
picture arrives under a new name: Anki keeps a file it already has of the same
name, whatever the package holds. Entries are sorted by name so the package
repeats byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from ..card_media import CardMedia
from ..media import MediaFile
from ..templating import call_macro

if TYPE_CHECKING:
    import jinja2

MEDIA_TEMPLATE = "anki/media.html"
# Formats whose bytes are compressed already (SVG and WAV are not).
COMPRESSED = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".mp3", ".ogg", ".m4a"}
# The note fields holding a card's media, on every note type (empty on a card without).
MEDIA_FIELDS = ("Image", "Answer Image", "Audio")


class PackageEntry(NamedTuple):
    name: str
    data: bytes
    deflate: bool  # False for a file that is compressed already: deflating it again costs time, saves nothing


def media_entries(files: Iterable[MediaFile]) -> list[PackageEntry]:
    """The zip entries of the package's media: the ``media`` map, then each file under its number."""
    unique = sorted({file.name: file for file in files}.items())
    mapping = {str(number): name for number, (name, _) in enumerate(unique)}
    entries = [PackageEntry("media", json.dumps(mapping, separators=(",", ":")).encode(), True)]
    entries += [PackageEntry(str(number), file.data, file.extension not in COMPRESSED)
                for number, (_, file) in enumerate(unique)]
    return entries


def image_field(template: jinja2.Template, image: MediaFile | None, alt: str) -> str:
    """An image field's HTML (an ``<img>`` of the bare file name, as Anki's media check finds it), or ''."""
    return call_macro(template, "image", image.name, alt).strip() if image is not None else ""


def sound_field(template: jinja2.Template, audio: MediaFile | None) -> str:
    """A sound field: Anki's ``[sound:...]`` tag, which it plays when the field is shown, or ''."""
    return call_macro(template, "sound", audio.name).strip() if audio is not None else ""


def media_fields(template: jinja2.Template, media: CardMedia) -> list[str]:
    """A card's values for :data:`MEDIA_FIELDS`, in order."""
    return [image_field(template, media.image, media.image_alt),
            image_field(template, media.answer_image, media.image_alt), sound_field(template, media.audio)]
