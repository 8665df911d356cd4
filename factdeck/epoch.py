"""The build's timestamp: fixed, so the same cards give the same bytes."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from .errors import UsageError

# Zip entry dates run from 1980 to 2107; the .apkg is a zip.
EARLIEST, LATEST = 315532800, 4354819199


def build_epoch(cards_dir: Path, templates_dir: Path | None = None) -> int:
    """``SOURCE_DATE_EPOCH`` if set, else the time of the checkout's last commit, else now.

    Anki applies an edited note or note type on re-import only when its
    modification time is newer than the one it has, so every later commit must
    give a later epoch, whether it changed a card or a template. The last
    commit's time is also what CI sets (``git log -1 --format=%ct``), so a local
    build of a commit repeats CI's bytes. Uncommitted edits to the cards or the
    templates count as "now", so a rebuild still updates in Anki while its
    author is at work.
    """
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        # str.isdigit() is true of "²" and "٣", which int() refuses or reads as another digit.
        if not value.isascii() or not value.isdigit() or not EARLIEST <= int(value) <= LATEST:
            raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds from {EARLIEST} "
                             f"(1980) to {LATEST} (2107), got {value!r}")
        return int(value)
    watched = [str(p.resolve()) for p in (cards_dir, templates_dir) if p is not None and p.is_dir()]
    committed = _git(cards_dir, "log", "-1", "--format=%ct")
    if committed.isascii() and committed.isdigit() and _git(cards_dir, "status", "--porcelain", "--", *watched) == "":
        return int(committed)
    return int(time.time())


def _git(folder: Path, *args: str) -> str:
    """Git's stripped output, or "?" when git is missing or fails (not a repository)."""
    try:
        result = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True,
                                timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "?"
    return result.stdout.strip() if result.returncode == 0 else "?"
