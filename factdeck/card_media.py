"""The pictures and sound a card of any kind may show, read from its YAML fields.

``image`` shows with the question, ``answer_image`` with the answer,
``image_alt`` describes the pictures to those who cannot see them (Anki's
``alt`` text; screen readers read it), and ``audio`` plays with the answer in
Anki. The files themselves are checked by :class:`~factdeck.media.MediaLibrary`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .media import MediaError, MediaFile, MediaLibrary

if TYPE_CHECKING:  # the model imports this module: it stays free of the readers
    from .readers import FieldReader
    from .yaml_tree import YamlMap

# Each media field and the kind of file it names; image_alt is text about the pictures.
MEDIA_FIELDS = {"image": "image", "answer_image": "image", "audio": "audio"}
CARD_MEDIA_FIELDS = ("image", "answer_image", "image_alt", "audio")
FIELD_HELP = {
    "image": "A picture shown with the question: a path inside the cards folder (PNG, JPEG, GIF, SVG, WebP; "
             "at most 2 MiB).",
    "answer_image": "A picture shown with the answer: a path inside the cards folder (PNG, JPEG, GIF, SVG, "
                    "WebP; at most 2 MiB).",
    "image_alt": "What the pictures show, for those who cannot see them (Anki's alt text).",
    "audio": "A sound played with the answer in Anki: a path inside the cards folder (MP3, Ogg, WAV, M4A; "
             "at most 10 MiB).",
}


@dataclass(frozen=True)
class CardMedia:
    """A card's pictures and sound; every card has one, mostly empty."""

    image: MediaFile | None = None
    answer_image: MediaFile | None = None
    image_alt: str = ""
    audio: MediaFile | None = None

    def files(self) -> tuple[MediaFile, ...]:
        """Every media file the card uses."""
        return tuple(file for file in (self.image, self.answer_image, self.audio) if file is not None)


NO_MEDIA = CardMedia()


def read_card_media(reader: FieldReader, library: MediaLibrary | None, raw: YamlMap,
                    label: str | None) -> CardMedia | None:
    """The card's media from its fields, or None after logging a bad path or file at its line."""
    found: dict[str, MediaFile] = {}
    failed = False
    for name, kind in MEDIA_FIELDS.items():
        written = reader.text(raw.get(name), name, label)
        if not written:
            continue
        if library is None:  # a caller that reads no media (there is no cards folder)
            continue
        try:
            found[name] = library.get(written, kind)
        except MediaError as error:
            reader.log.error(raw.get(name).position, f"'{name}': {error}", label)  # type: ignore[union-attr]
            failed = True
    alt = reader.text(raw.get("image_alt"), "image_alt", label)
    if failed:
        return None
    if not found and not alt:
        return NO_MEDIA
    return CardMedia(image_alt=alt, **found)
