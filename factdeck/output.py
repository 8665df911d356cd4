"""Writing outputs so that a failed build never leaves a half-written file, nor a mixed set.

Every output is written to a temporary file beside its target and renamed
into place only when all of them succeeded; on any failure the temporaries
are deleted and the output folder is exactly as it was.

A build killed outright (SIGKILL, a power cut of the process) cannot clean
up, so every file it makes is named for its process, ``.NAME.PID.*.tmp`` and
``.NAME.PID.*.old``, and the next build into the folder removes those of
processes that are gone (never another running build's, never anyone
else's). Renaming several outputs is not one atomic step: before the first
rename a journal ``.factdeck.PID.commit`` lists each output and the backup
of what it replaces, and it is deleted after the last. A journal of a gone
process means a build was killed half-way through its renames; the next
build puts every backup back, so the folder again holds one build's outputs,
all of them from before.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from .errors import UsageError, os_error_text
from .errors import display_path

JOURNAL = ".factdeck.{pid}.commit"
_JOURNAL_NAME = re.compile(r"^\.factdeck\.(\d+)\.commit$")
# A temporary (``mkstemp``'s random part) or a backup (hex) of the build with that process id.
_LEFTOVER_NAME = re.compile(r"^\.(?P<target>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.(?:tmp|old)$")


class OutputFolder:
    """All-or-nothing writes into one folder: ``with OutputFolder(dist) as out: out.temporary(target)``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.temporaries: dict[Path, Path] = {}

    def __enter__(self) -> OutputFolder:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            roll_back_interrupted_commits(self.folder)
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
            remove_leftovers(target)
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp",
                                            dir=target.parent)
        except OSError as exc:
            raise UsageError(f"cannot write to the output folder: {os_error_text(exc)}",
                             display_path(target.parent)) from None
        try:
            self.temporaries[target] = Path(name)
            _MADE.add(Path(name))
        except BaseException:  # Ctrl-C between the two lines: nothing would know to delete it
            os.unlink(name)
            raise
        finally:
            os.close(handle)
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
            # Only a file in the output folder is an output; any other (a template, a scratch file
            # in the temporary folder) was being read or written by a builder.
            inside = where == self.folder or self.folder.resolve() in where.resolve().parents
            what = "cannot write output" if inside else "cannot use this file"
            raise UsageError(f"{what}: {os_error_text(error)}", display_path(where)) from None

    def _blame(self, error: BaseException) -> Path:
        """The path an OSError is about, naming the output rather than its temporary file."""
        if not isinstance(error, OSError) or not error.filename:
            return self.folder
        path = Path(os.fsdecode(error.filename))
        return next((target for target, temporary in self.temporaries.items() if temporary == path), path)

    def _commit(self) -> None:
        """Rename every temporary over its target; if one rename fails, put back what was there.

        Each existing target is first hard-linked to a backup name, so a
        failure half-way through restores the folder as it was before the build;
        the journal lets the next build do the same if this process is killed.
        """
        backups: dict[Path, Path | None] = {}
        placed: list[Path] = []
        journal = self.folder / JOURNAL.format(pid=os.getpid())
        try:
            for target in self.temporaries:
                backups[target] = _link_aside(target)
            if len(self.temporaries) > 1:  # one rename is atomic by itself
                journal.write_text(json.dumps([[target.name, backup.name if backup else None]
                                               for target, backup in backups.items()]), encoding="utf-8")
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
            journal.unlink(missing_ok=True)
            for backup in backups.values():
                if backup is not None:
                    backup.unlink(missing_ok=True)
        self.temporaries.clear()

    def _discard(self) -> None:
        for temporary in self.temporaries.values():
            temporary.unlink(missing_ok=True)
        self.temporaries.clear()


def open_temporary(path: Path, mode: str = "wb", **options: Any) -> IO[Any]:
    """Open an output's file to write it, never re-creating a temporary the build has deleted.

    A build stopped by Ctrl-C or SIGTERM deletes its temporaries and leaves at
    once, while its builder threads may still be running. A thread that opens
    its file after that gets ``FileNotFoundError`` (which nobody sees) instead
    of bringing back a file that nothing would delete. A path that no
    :class:`OutputFolder` made (a builder run on its own) is opened as usual.
    """
    if path not in _MADE:
        return open(path, mode, **options)
    stream = open(path, mode.replace("w", "r+"), **options)  # "r+": the file must still be there
    stream.truncate()
    return stream


# Every temporary an OutputFolder made in this process; a few paths a build.
_MADE: set[Path] = set()


def _link_aside(target: Path) -> Path | None:
    """A second name for ``target``'s current file (None when there is none yet)."""
    if not target.exists():
        return None
    backup = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(6)}.old")
    try:
        os.link(target, backup)
    except OSError:  # a file system without hard links: a copy does as well
        import shutil

        shutil.copy2(target, backup)
    return backup


def process_is_gone(pid: int) -> bool:
    """True when no process has this id (one of another user's is still there)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # PermissionError: it exists
        return False
    return False


def roll_back_interrupted_commits(folder: Path) -> None:
    """Put back the outputs a killed build had begun to replace, so the folder holds one build's set."""
    for journal in sorted(folder.glob(".factdeck.*.commit")):
        found = _JOURNAL_NAME.match(journal.name)
        if found is None or not process_is_gone(int(found.group(1))):
            continue
        try:
            entries = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = []
        for target_name, backup_name in entries:
            target = folder / Path(target_name).name
            backup = folder / Path(backup_name).name if backup_name else None
            if backup is None:  # there was none before that build
                target.unlink(missing_ok=True)
            elif backup.exists() and not (target.exists() and os.path.samefile(backup, target)):
                os.replace(backup, target)  # (a rename onto another name of the same file does nothing)
        journal.unlink(missing_ok=True)
        for leftover in folder.glob(f".*.{found.group(1)}.*"):  # that build's temporaries and backups
            named = _LEFTOVER_NAME.match(leftover.name)
            if named is not None and named.group("pid") == found.group(1):
                leftover.unlink(missing_ok=True)


def remove_leftovers(target: Path) -> None:
    """Delete the temporaries and backups for ``target`` that builds which were killed left behind."""
    for path in target.parent.glob(f".{glob_escape(target.name)}.*"):
        named = _LEFTOVER_NAME.match(path.name)
        if named is not None and named.group("target") == target.name and process_is_gone(int(named.group("pid"))):
            path.unlink(missing_ok=True)


def glob_escape(name: str) -> str:
    """``name`` with glob's special characters taken literally."""
    return re.sub(r"([*?\[])", r"[\1]", name)
