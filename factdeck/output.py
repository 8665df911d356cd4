"""Writing outputs so that a failed build never leaves a half-written file.

Every output is written to a temporary file beside its target and renamed
into place only when all of them succeeded; on any failure the temporaries
are deleted and the output folder is exactly as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import TracebackType

from .errors import UsageError, os_error_text
from .load import display_path


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
        for target, temporary in list(self.temporaries.items()):
            os.chmod(temporary, 0o644)  # mkstemp makes 0600; outputs are ordinary files
            os.replace(temporary, target)
            del self.temporaries[target]

    def _discard(self) -> None:
        for temporary in self.temporaries.values():
            temporary.unlink(missing_ok=True)
        self.temporaries.clear()
