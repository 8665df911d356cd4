"""Pictures and sounds on cards: checked once when the deck is read, then carried as bytes.

A card names its media by a path relative to the cards folder
(``image: pictures/ukraine-map.png``). Each path must stay inside that folder
(no absolute paths, no ``..``, no symlink out), name a file of a known type
whose bytes are that type (its magic number), and be no larger than the
limit for its kind. Each file is read once per build, however many cards
show it; builders never touch the disk for media again.

In the Anki package a file is named after its content (:attr:`MediaFile.name`,
a hash and the extension): Anki never replaces a media file it already has of
the same name, so a changed picture must have a new name to reach students.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

MIB = 1024 * 1024
# Larger than any picture a card needs, small enough that a deck of them stays a sensible download.
MAX_IMAGE_BYTES = 2 * MIB
MAX_AUDIO_BYTES = 10 * MIB
HASH_LENGTH = 20  # hex digits of SHA-256 in a media file's name: 80 bits, no collision in any deck


def _svg(data: bytes) -> bool:
    # Text, not a binary signature: an <svg element near the start, after any XML
    # declaration, doctype or comment.
    head = data[:2048].lstrip(b"\xef\xbb\xbf").lstrip()
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE svg")) and b"<svg" in head


def _mp3(data: bytes) -> bool:
    # An ID3 tag, or straight into an MPEG audio frame (11 sync bits set).
    return data.startswith(b"ID3") or len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0


@dataclass(frozen=True)
class MediaType:
    """A media format factdeck takes: what it is called and how its bytes begin."""

    kind: str  # "image" or "audio"
    name: str
    matches: Callable[[bytes], bool]


MEDIA_TYPES: dict[str, MediaType] = {
    ".png": MediaType("image", "PNG", lambda d: d.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": MediaType("image", "JPEG", lambda d: d.startswith(b"\xff\xd8\xff")),
    ".jpeg": MediaType("image", "JPEG", lambda d: d.startswith(b"\xff\xd8\xff")),
    ".gif": MediaType("image", "GIF", lambda d: d.startswith((b"GIF87a", b"GIF89a"))),
    ".webp": MediaType("image", "WebP", lambda d: d[:4] == b"RIFF" and d[8:12] == b"WEBP"),
    ".svg": MediaType("image", "SVG", _svg),
    ".mp3": MediaType("audio", "MP3", _mp3),
    ".ogg": MediaType("audio", "Ogg", lambda d: d.startswith(b"OggS")),
    ".wav": MediaType("audio", "WAV", lambda d: d[:4] == b"RIFF" and d[8:12] == b"WAVE"),
    ".m4a": MediaType("audio", "M4A", lambda d: d[4:8] == b"ftyp"),
}
MAX_BYTES = {"image": MAX_IMAGE_BYTES, "audio": MAX_AUDIO_BYTES}
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


class MediaError(ValueError):
    """A media path or file that cannot be used; the message says why, for the field's line."""


@dataclass(frozen=True)
class MediaFile:
    """One media file of the deck: where it was written, what it is, and its bytes."""

    path: str        # as the card wrote it, relative to the cards folder
    extension: str   # lowercase, with the dot
    kind: str        # "image" or "audio"
    digest: str      # SHA-256 of the bytes, hex
    data: bytes = field(repr=False, compare=False)

    @property
    def name(self) -> str:
        """Its name in the Anki package and collection: changes whenever its content does."""
        return f"{self.digest[:HASH_LENGTH]}{self.extension}"


class MediaLibrary:
    """Every media file the deck names, each read once, found relative to the cards folder."""

    def __init__(self, cards_dir: Path) -> None:
        self.cards_dir = cards_dir
        self._root = cards_dir.resolve()
        self._files: dict[Path, MediaFile] = {}

    def get(self, written: str, kind: str) -> MediaFile:
        """The file ``written`` names, checked to be a ``kind`` ("image" or "audio"); raises MediaError."""
        relative = _relative_path(written)
        media_type = MEDIA_TYPES.get(relative.suffix.lower())
        if media_type is None or media_type.kind != kind:
            known = ", ".join(sorted({t.name for t in MEDIA_TYPES.values() if t.kind == kind}))
            raise MediaError(f"'{written}' is not a known {kind} type; expected {known} "
                             f"({', '.join(e for e, t in MEDIA_TYPES.items() if t.kind == kind)})")
        path = (self._root / relative).resolve()
        if not path.is_relative_to(self._root):
            raise MediaError(f"'{written}' leads out of the cards folder (a symbolic link?); "
                             "media must be files inside it")
        cached = self._files.get(path)
        if cached is None:
            cached = self._files[path] = self._read(written, path, relative.suffix.lower(), media_type)
        elif cached.kind != kind:
            raise MediaError(f"'{written}' is not a known {kind} type")
        return cached

    def _read(self, written: str, path: Path, extension: str, media_type: MediaType) -> MediaFile:
        if not path.is_file():
            raise MediaError(f"'{written}' not found (paths are relative to the cards folder)"
                             if not path.exists() else f"'{written}' is not a file")
        limit = MAX_BYTES[media_type.kind]
        try:
            size = path.stat().st_size
            if size > limit:
                raise MediaError(f"'{written}' is {size / MIB:.1f} MiB; {media_type.kind} files may be at most "
                                 f"{limit // MIB} MiB")
            data = path.read_bytes()
        except OSError as error:
            raise MediaError(f"'{written}' cannot be read: {error.strerror or error}") from None
        if len(data) > limit:  # it grew since stat()
            raise MediaError(f"'{written}' is over {limit // MIB} MiB")
        if not media_type.matches(data):
            raise MediaError(f"'{written}' is not a {media_type.name} file, as its name says (its first bytes "
                             f"are not a {media_type.name} file's)")
        return MediaFile(path=written, extension=extension, kind=media_type.kind,
                         digest=hashlib.sha256(data).hexdigest(), data=data)


def _relative_path(written: str) -> PurePosixPath:
    """``written`` as a path inside the cards folder; MediaError for one that is absolute or climbs out."""
    if written.startswith(("/", "\\")) or _WINDOWS_DRIVE.match(written):
        raise MediaError(f"'{written}' is an absolute path; write it relative to the cards folder")
    relative = PurePosixPath(written.replace("\\", "/"))
    if ".." in relative.parts:
        raise MediaError(f"'{written}' climbs out with '..'; media must be inside the cards folder")
    if not relative.parts or relative.name in ("", "."):
        raise MediaError(f"'{written}' names no file")
    return relative
