"""Writing outputs so that a failed build never leaves a half-written file.

Every output is written to a temporary file beside its target and renamed
into place only when all of them succeeded; on any failure the temporaries
are deleted and the output folder is exactly as it was.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from types import TracebackType

from .errors import UsageError, os_error_text
from .errors import display_path


class OutputFolder:
    """All-or-nothing writes into one folder: ``with OutputFolder(dist) as out: out.temporary(target)``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.temporaries: dict[Path, Path] = {}

    def __enter__(self) -> OutputFolder:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot create the output folder: {os_error_text(exc)}",
                             display_path(self.folder)) from None
        return self

    def temporary(self, target: Path) -> Path:
        """A fresh file beside ``target`` to write to; it replaces ``target`` when the build succeeds."""
        if target.is_dir():  # checked before anything is written: a rename would fail half-way
            raise UsageError("cannot write this output: a folder of that name is in the way; "
                             "move it or delete it", display_path(target))
        try:
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        except OSError as exc:
            raise UsageError(f"cannot write to the output folder: {os_error_text(exc)}",
                             display_path(target.parent)) from None
        os.close(handle)
        self.temporaries[target] = Path(name)
        return Path(name)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if error is None:
            try:
                self._commit()
                return
            except OSError as exc:
                error = exc
        where = self._blame(error)
        self._discard()
        if isinstance(error, OSError):
            raise UsageError(f"cannot write output: {os_error_text(error)}", display_path(where)) from None

    def _blame(self, error: BaseException) -> Path:
        """The path an OSError is about, naming the output rather than its temporary file."""
        if not isinstance(error, OSError) or not error.filename:
            return self.folder
        path = Path(os.fsdecode(error.filename))
        return next((target for target, temporary in self.temporaries.items() if temporary == path), path)

    def _commit(self) -> None:
        """Rename every temporary over its target; if one rename fails, put back what was there.

        Each existing target is first hard-linked to a backup name, so a
        failure half-way through restores the folder as it was before the build.
        """
        backups: dict[Path, Path | None] = {}
        placed: list[Path] = []
        try:
            for target in self.temporaries:
                backups[target] = _link_aside(target)
            for target, temporary in self.temporaries.items():
                os.chmod(temporary, 0o644)  # mkstemp makes 0600; outputs are ordinary files
                os.replace(temporary, target)
                placed.append(target)
        except BaseException:  # an OSError, or Ctrl-C half-way: either way, put back what was there
            for target in placed:
                backup = backups.get(target)
                if backup is None:
                    target.unlink(missing_ok=True)
                else:
                    os.replace(backup, target)
            raise
        finally:
            for backup in backups.values():
                if backup is not None:
                    backup.unlink(missing_ok=True)
        self.temporaries.clear()

    def _discard(self) -> None:
        for temporary in self.temporaries.values():
            temporary.unlink(missing_ok=True)
        self.temporaries.clear()


def _link_aside(target: Path) -> Path | None:
    """A second name for ``target``'s current file (None when there is none yet)."""
    if not target.exists():
        return None
    backup = target.with_name(f".{target.name}.{secrets.token_hex(6)}.old")
    try:
        os.link(target, backup)
    except OSError:  # a file system without hard links: a copy does as well
        import shutil

        shutil.copy2(target, backup)
    return backup
