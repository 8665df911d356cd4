"""The deck's pictures where Typst can read them: a ``media`` folder inside each compile's root.

Typst reads only files inside its root (an otherwise empty folder, see
builder.py), so each picture is written once per build into a folder of its
own, under its content name, and every compile's root links to that folder as
``media``: the faces ask for ``/media/NAME``. Typst embeds each picture as the
file is, at its own resolution.
"""

from __future__ import annotations

import os
from pathlib import Path

from ...media import MediaFile
from ...model import Deck

FOLDER = "media"


def deck_pictures(deck: Deck) -> list[MediaFile]:
    """Every picture a printed face shows, once each, by name."""
    found = {image.name: image for card in deck.cards
             for image in (card.media.image, card.media.answer_image) if image is not None}
    return [found[name] for name in sorted(found)]


def write_pictures(deck: Deck, folder: Path) -> Path | None:
    """Write the deck's pictures into ``folder``/media; that folder, or None for a deck without pictures."""
    pictures = deck_pictures(deck)
    if not pictures:
        return None
    media = folder / FOLDER
    media.mkdir()
    for picture in pictures:
        (media / picture.name).write_bytes(picture.data)
    return media


def link_pictures(root: Path, media: Path | None) -> None:
    """Let a compile in ``root`` read the pictures written by :func:`write_pictures`."""
    if media is not None and media != root / FOLDER:
        os.symlink(media, root / FOLDER, target_is_directory=True)
