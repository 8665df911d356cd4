"""Reading a large deck's card files on two cores: the last files in a forked process.

Reading and validating cards is pure Python, so a thread would not help; a
forked process starts with everything already imported and read (deck.yaml,
sources.yaml, the validator) and sends back its files' checked cards and
problems, pickled. Only a clean result is taken: if the process found an
error, failed or was not worth starting, its files are read here, one after
the other, so every message is exactly what a single process says (some
checks remember what earlier files did: a kind's missing note type id is
reported once, "did you mean" has one budget for the run).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from .errors import Problem, ProblemLog, Severity
from .model import Card

# Below this many bytes of card files (some 2,500 cards), starting a process and pickling
# its cards back costs about what it saves.
MIN_FORKED_BYTES = 768 * 1024
# The process's share of the bytes: it also pickles its cards, which the parent then unpickles.
FORKED_SHARE = 0.45

ReadFile = Callable[[Path, ProblemLog], list[Card]]


def read_card_files(paths: list[Path], read_file: ReadFile, log: ProblemLog,
                    advance: Callable[[], None] = lambda: None, fork: bool = True) -> list[Card]:
    """Every file's cards, in the order of ``paths``; problems go to ``log``.

    ``read_file`` reads one file (its problems to the log it is given);
    ``advance`` is called once a file is read; ``fork`` false reads them all here.
    """
    split = _split([_size(path) for path in paths]) if fork else len(paths)
    child = _start(paths[split:], read_file, log) if split < len(paths) else None
    if child is None:
        split = len(paths)
    cards: list[Card] = []
    try:
        for path in paths[:split]:
            cards.extend(read_file(path, log))
            advance()
        result = _result(*child) if child is not None else None
    except BaseException:  # Ctrl-C, or a bug reading a file: the process goes with the build
        if child is not None:
            _end(*child)
        raise
    if result is None or any(problem.severity is Severity.ERROR for problem in result[1]):
        for path in paths[split:]:  # read here, for exactly the messages one process gives
            cards.extend(read_file(path, log))
            advance()
        return cards
    cards.extend(result[0])
    log.problems.extend(result[1])
    for _ in paths[split:]:
        advance()
    return cards


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _split(sizes: list[int]) -> int:
    """Where the files the process reads begin; ``len(sizes)`` when it is not worth starting one."""
    total = sum(sizes)
    if (len(sizes) < 2 or total < MIN_FORKED_BYTES or not hasattr(os, "fork") or not _core_free()
            or threading.active_count() > 1):  # a fork copies no other thread: a lock one holds stays held
        return len(sizes)
    taken, split = 0, len(sizes)
    while split > 1 and taken + sizes[split - 1] <= total * FORKED_SHARE:
        split -= 1
        taken += sizes[split]
    return split


def _core_free() -> bool:
    """Whether a second core is there and, by the last minute's load, idle.

    On a machine whose cores are all busy the process only takes turns with
    the build, and pickling its cards back makes the whole slower (measured:
    at a load of 5 on 2 cores, a 10k --check took 0.83 s forked, 0.66 s not).
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return cores >= 2 and load < cores - 0.5


def _start(paths: list[Path], read_file: ReadFile, log: ProblemLog) -> tuple[int, int] | None:
    """Fork a process reading ``paths``; its id and the pipe its result comes on (None if it cannot start).

    The process logs to its copy of ``log`` (what reads the files may hold it too) and sends what it added.
    """
    try:
        readable, writable = os.pipe()
    except OSError:
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        os.close(readable)
        os.close(writable)
        return None
    if pid == 0:  # the process: read, send, leave without running anything of the parent's
        code = 1
        try:
            os.close(readable)
            _ignore_stopping()
            before = len(log.problems)
            cards = [card for path in paths for card in read_file(path, log)]
            with os.fdopen(writable, "wb") as pipe:
                pickle.dump((cards, log.problems[before:]), pipe, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)
    os.close(writable)
    return pid, readable


def _ignore_stopping() -> None:
    """Ctrl-C and SIGTERM are the build's to handle: this process ends with it (or is ended by it)."""
    from .processes import die_with_parent, leave_stopping_to_parent

    leave_stopping_to_parent()
    die_with_parent(os.getppid())


def _result(pid: int, readable: int) -> tuple[list[Card], list[Problem]] | None:
    """The process's cards and problems once it has ended; None if it failed."""
    with os.fdopen(readable, "rb", closefd=False) as pipe:
        data = pipe.read()
    os.close(readable)
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    try:
        return pickle.loads(data)  # noqa: S301 - our own process's cards, through our own pipe
    except Exception:  # pragma: no cover - a process that ended cleanly sent all of it
        return None


def _end(pid: int, readable: int) -> None:
    """Stop the process and wait for it (the build is stopping)."""
    try:
        os.close(readable)
    except OSError:
        pass
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (OSError, ChildProcessError):
        pass
