"""Which saved source texts (``text_file``) a build may read: inside the deck repository, of a sane size.

A deck repository is someone else's as often as one's own (a clone, a pull
request): what its ``sources.yaml`` names is read only from within it, so a
``text_file: /etc/passwd`` or a link out of the repository is never opened,
and a stray huge file is never loaded into memory whole.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import os_error_text

# A saved web page or book chapter is some kilobytes; a whole book's text 1-2 MB.
MAX_SAVED_TEXT_BYTES = 8 * 1024 * 1024


# Folders outside the repository whose saved texts may be read too (os.pathsep between them):
# for pages kept beside a repository because they may not be redistributed with it.
TRUSTED_FOLDERS = "FACTDECK_TRUSTED_TEXTS"


# What refusal() says of a text outside the repository and every trusted folder: validate.py then
# gathers all such texts into one note, with the folder and the fix.
OUTSIDE = "it is outside the deck repository"


def deck_repository(cards_dir: Path) -> Path:
    """The folder a deck's files live in: the one holding the cards folder (and its templates/)."""
    return cards_dir.resolve().parent


def trusted_folders(repository: Path) -> list[Path]:
    """The repository, then each folder named in :data:`TRUSTED_FOLDERS`."""
    named = [Path(folder).resolve() for folder in os.environ.get(TRUSTED_FOLDERS, "").split(os.pathsep) if folder]
    return [repository, *named]


def refusal(path: Path, repository: Path) -> str | None:
    """Why the saved text at ``path`` must not be read, or None; a missing file is no reason (it is optional)."""
    try:
        resolved = path.resolve()  # links followed: a link inside that points out is outside
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links, before Python 3.13
        return f"cannot follow its path: {os_error_text(exc) if isinstance(exc, OSError) else 'a loop of links'}"
    try:
        status = resolved.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot read it: {os_error_text(exc)}"
    if not any(resolved.is_relative_to(folder) for folder in trusted_folders(repository)):
        return OUTSIDE
    if not stat.S_ISREG(status.st_mode):
        return "it is not a file"
    if status.st_size > MAX_SAVED_TEXT_BYTES:
        return f"it is too large: {status.st_size:,} bytes, over the {MAX_SAVED_TEXT_BYTES:,}-byte limit"
    return None
