"""The one family of user-facing problems, and how they are printed.

Every expected mistake in a deck (bad YAML, an unknown field, a missing
source, an unwritable output folder) becomes a :class:`Problem` with the
position it came from. Problems are collected, sorted and printed together as
``file:line:col: card 'id': message`` so a user fixes a whole file in one go.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import NamedTuple


# What a terminal obeys rather than shows (ESC starts a command that can clear the screen or
# retitle the window; a line break forges another message): C0, DEL, C1 and Unicode's line and
# paragraph separators. Everything factdeck prints about user files goes through terminal_text.
_TERMINAL_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def terminal_text(text: str) -> str:
    """``text`` safe to print on one line: control characters written as ``\\x1b``, ``\\n``, ``\\u2028``."""
    if _TERMINAL_CONTROLS.search(text) is None:
        return text
    return _TERMINAL_CONTROLS.sub(lambda match: repr(match.group())[1:-1], text)


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # information that never fails a build, even under --strict


class Position(NamedTuple):
    """Where a value stands in a card file: 1-based line and column.

    A named tuple rather than a frozen dataclass: the loader makes two for every
    line of every card, and a named tuple takes half as long to make (ordered and
    immutable all the same).
    """

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        if self.column <= 0:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, tied to where it is."""

    position: Position
    message: str
    card_id: str | None = None
    severity: Severity = Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.position.file, self.position.line, self.position.column, self.message)

    def format(self) -> str:
        """Render as ``file:line:col: [warning: ]card 'id': message``."""
        where = str(self.position)
        label = "" if self.severity is Severity.ERROR else f"{self.severity.value}: "
        about = f"card '{self.card_id}': " if self.card_id else ""
        return terminal_text(f"{where}: {label}{about}{self.message}")


class FactdeckError(Exception):
    """Raised with every problem found, so the CLI can print them all at once."""

    def __init__(self, problems: list[Problem], exit_code: int = 1) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        self.exit_code = exit_code
        super().__init__("\n".join(p.format() for p in self.problems))


class UsageError(FactdeckError):
    """Bad arguments or an unusable folder: exit code 2, as argparse uses."""

    def __init__(self, message: str, path: Path | str = "factdeck") -> None:
        super().__init__([Problem(Position(str(path)), message)], exit_code=2)


@dataclass
class ProblemLog:
    """Collects problems during loading and validation."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, position: Position, message: str, card_id: str | None = None) -> None:
        self.problems.append(Problem(position, message, card_id, Severity.ERROR))

    def warning(self, position: Position, message: str, card_id: str | None = None) -> None:
        self.problems.append(Problem(position, message, card_id, Severity.WARNING))

    def note(self, position: Position, message: str, card_id: str | None = None) -> None:
        self.problems.append(Problem(position, message, card_id, Severity.NOTE))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    def raise_if_errors(self, strict: bool = False) -> None:
        """Raise with all problems when there is an error (or any warning under ``strict``)."""
        problems = self.problems
        if strict:
            problems = [replace(p, severity=Severity.ERROR) if p.severity is Severity.WARNING else p
                        for p in problems]
        if any(p.severity is Severity.ERROR for p in problems):
            raise FactdeckError(problems)


_OS_ERRORS = {
    errno.ENOENT: "no such file or folder",  # NOT_FOUND
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "a folder is in the way",
    errno.EEXIST: "a file is in the way",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "no space left on the device",
    errno.ENAMETOOLONG: "the name is too long",
}


def os_error_text(exc: OSError) -> str:
    """A short, plain description of why a file operation failed."""
    return _OS_ERRORS.get(exc.errno or 0) or (exc.strerror or str(exc)).lower()


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working folder when possible.

    Links are not followed: a broken link is named as the user sees it.
    """
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


NOT_FOUND = "no such file or folder"
A_FOLDER = "a folder, not a file"


def file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as a file (:data:`NOT_FOUND`, :data:`A_FOLDER`, "permission denied"), or None.

    ``Path.is_file()`` says False for a missing file but raises for one in a
    folder that cannot be searched; this says which it is.
    """
    import stat

    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return os_error_text(exc)
    if stat.S_ISDIR(mode):
        return A_FOLDER
    if not stat.S_ISREG(mode):
        return "not a regular file"
    return None if os.access(path, os.R_OK) else "permission denied"
