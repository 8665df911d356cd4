"""The build's timestamp: fixed, so the same cards give the same bytes."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path


def build_epoch(cards_dir: Path) -> int:
    """``SOURCE_DATE_EPOCH`` if set, else the last commit touching the cards, else now.

    Uncommitted edits to the cards count as "now", so a rebuilt deck still
    updates in Anki while its author is working on it.

    Anki applies an edited note on re-import only when its modification time
    is newer than the one it has, so a later commit must give a later epoch.
    """
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        try:
            return int(value)
        except ValueError:
            from .errors import UsageError

            raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {value!r}")
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", "."],
            cwd=cards_dir, capture_output=True, text=True, timeout=10, check=False,
        )
        committed = result.stdout.strip()
        if result.returncode == 0 and committed.isdigit():
            status = subprocess.run(
                ["git", "status", "--porcelain", "--", "."],
                cwd=cards_dir, capture_output=True, text=True, timeout=10, check=False,
            )
            if status.returncode == 0 and not status.stdout.strip():
                return int(committed)
    except (OSError, subprocess.SubprocessError):
        pass  # no git, or not a repository: fall back to the clock
    return int(time.time())
