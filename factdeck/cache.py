"""What a build made before, kept by the content it was made from, so a rebuild redoes only what changed.

An entry is a file named by the SHA-256 of everything its payload depends on
(the caller's ``parts``, plus factdeck's own code), holding a header and the
payload: plain bytes (a PDF) or JSON (checked cards), never anything that runs
code when read, because a cache folder may come with someone else's repository.
Before a payload is trusted its header must name this format and the entry's
own key, and its length and keyed SHA-256 (an HMAC whose secret is kept in the
user's own cache folder, outside any repository) must match; anything else (a
truncated write, a flipped byte, a file copied under another name, an entry
another user made or committed, another program's file) is a miss: it is
deleted and made again. Writes go to a temporary file
renamed into place, so two builds writing at once leave one whole entry or the
other. Reading an entry marks it used (its modification time); once the folder
outgrows its bound the least recently used entries go.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import __version__

FOLDER_NAME = ".factdeck-cache"
MAGIC = b"factdeck-cache 2"
SUFFIX = ".entry"
# A 10k-card deck keeps some 10 MB of PDF chunks and 5 MB of checked cards: room for several
# decks and print settings, and small enough not to matter on a laptop's disk.
DEFAULT_LIMIT_BYTES = 256 * 1024 * 1024


@cache
def code_fingerprint() -> str:
    """factdeck's version and the bytes of its code: an entry from other code is never used."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".typ") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def secret_path() -> Path:
    """Where this user's cache secret is kept: in their own cache folder, never beside the cards."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "factdeck" / "cache-secret"


@cache
def _secret() -> bytes:
    """The secret that signs this user's entries, made on first use; empty (plain SHA-256) if it cannot be kept."""
    path = secret_path()
    try:
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret-")  # made 0600
            with os.fdopen(handle, "wb") as file:
                file.write(os.urandom(32))
            try:
                os.link(temporary, path)  # the first build to get here makes it; the others read it
            except FileExistsError:
                pass
            finally:
                os.unlink(temporary)
        secret = path.read_bytes()
        return secret if len(secret) >= 32 else b""
    except OSError:
        return b""


def _signature(payload: bytes) -> bytes:
    return hmac.new(_secret(), payload, hashlib.sha256).hexdigest().encode()


def key_of(kind: str, parts: Iterable[str | bytes]) -> str:
    """The key of ``kind``'s entry made from ``parts`` (each one length-prefixed, so no two lists collide)."""
    digest = hashlib.sha256(f"{kind}\0{code_fingerprint()}\0".encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(b"%d:" % len(data) + data)
    return digest.hexdigest()


@dataclass(frozen=True)
class Cache:
    """A cache folder; ``folder=None`` is no cache (``--no-cache``): every lookup misses, nothing is kept."""

    folder: Path | None
    limit_bytes: int = DEFAULT_LIMIT_BYTES
    writable: bool = True  # False: read what is kept, change nothing (``--check`` writes nothing)

    def get(self, key: str) -> bytes | None:
        """The payload stored under ``key``, or None if absent or not intact (then it is removed)."""
        if self.folder is None:
            return None
        path = self.folder / f"{key}{SUFFIX}"
        try:
            data = path.read_bytes()
        except OSError:
            return None
        payload = _intact_payload(data, key)
        if not self.writable:
            return payload
        try:
            if payload is None:
                path.unlink()
            else:
                os.utime(path)  # used now: the last to be pruned
        except OSError:  # another build removed or replaced it meanwhile: no harm
            pass
        return payload

    def put(self, key: str, payload: bytes) -> None:
        """Keep ``payload`` under ``key``; a cache that cannot be written is only slower, never an error."""
        if self.folder is None or not self.writable:
            return
        header = b"%s %s %s %d\n" % (MAGIC, key.encode(), _signature(payload), len(payload))
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".writing-")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(header + payload)
                os.replace(temporary, self.folder / f"{key}{SUFFIX}")
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            pass

    def get_json(self, key: str) -> Any:
        """The JSON value stored under ``key``, or None."""
        payload = self.get(key)
        if payload is None:
            return None
        try:
            return json.loads(payload)
        except ValueError:  # intact bytes, but not ours: treat as absent
            return None

    def put_json(self, key: str, value: object) -> None:
        self.put(key, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())

    def get_alias(self, key: str) -> str:
        """The key stored under ``key`` by :meth:`put_alias` (a thing known by its inputs), or ""."""
        target = (self.get(key) or b"").decode("ascii", "replace")
        return target if len(target) == 64 and all(c in "0123456789abcdef" for c in target) else ""

    def put_alias(self, key: str, target: str) -> None:
        """Keep ``target``, the key of an entry, under ``key``: a second way to find it."""
        self.put(key, target.encode("ascii"))

    def prune(self) -> None:
        """Remove the least recently used entries until the folder is within its bound."""
        if self.folder is None or not self.writable:
            return
        try:
            entries = [(entry.stat(), entry) for entry in os.scandir(self.folder)
                       if entry.name.endswith(SUFFIX) or entry.name.startswith(".writing-")]
        except OSError:
            return
        total = sum(stat.st_size for stat, _ in entries)
        for stat, entry in sorted(entries, key=lambda item: item[0].st_mtime_ns):
            if total <= self.limit_bytes:
                break
            try:
                os.unlink(entry.path)
            except OSError:
                continue
            total -= stat.st_size


def _intact_payload(data: bytes, key: str) -> bytes | None:
    """The payload after a header that names this format, ``key``, its signature and length; else None."""
    header, newline, payload = data.partition(b"\n")
    fields = header.split(b" ")
    if not newline or len(fields) != 5 or b" ".join(fields[:2]) != MAGIC or fields[2] != key.encode():
        return None
    if fields[4] != b"%d" % len(payload) or not hmac.compare_digest(fields[3], _signature(payload)):
        return None
    return payload


def cache_for(cards: Path, folder: Path | None, enabled: bool = True, writable: bool = True) -> Cache:
    """The cache a build of ``cards`` uses: ``folder``, else ``.factdeck-cache`` beside the cards folder."""
    if not enabled:
        return Cache(None)
    return Cache(folder if folder is not None else cards.resolve().parent / FOLDER_NAME, writable=writable)
