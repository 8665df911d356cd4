"""Reading a large deck's card files on two cores: the last files in a forked process (see forked.py).

The process starts with deck.yaml, sources.yaml and the validator already
read and sends back its files' checked cards and problems. Only a clean
result is taken: if the process found an error, failed or was not worth
starting, its files are read here, one after the other, so every message is
exactly what a single process says (a check may remember what earlier files
did: "did you mean" has one budget for the run).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .errors import Problem, ProblemLog, Severity
from .forked import ForkedWork, may_fork, while_forked
from .model import Card

# Below this many bytes of card files, starting a process and pickling its cards back
# costs about what it saves.
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
    def read_here() -> list[Card]:
        cards = []
        for path in paths[:split]:
            cards.extend(read_file(path, log))
            advance()
        return cards

    cards, result = while_forked(child, read_here)
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
    if len(sizes) < 2 or total < MIN_FORKED_BYTES or not may_fork():
        return len(sizes)
    taken, split = 0, len(sizes)
    while split > 1 and taken + sizes[split - 1] <= total * FORKED_SHARE:
        split -= 1
        taken += sizes[split]
    return split


def _start(paths: list[Path], read_file: ReadFile,
           log: ProblemLog) -> ForkedWork[tuple[list[Card], list[Problem]]] | None:
    """A process reading ``paths``; it logs to its copy of ``log`` (what reads the files may hold it too)
    and sends back the cards and what it added."""
    def read() -> tuple[list[Card], list[Problem]]:
        before = len(log.problems)
        cards = [card for path in paths for card in read_file(path, log)]
        return cards, log.problems[before:]

    return ForkedWork.start(read)
