"""The flow in one place: a cards folder -> a validated :class:`Deck` -> outputs."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import FactdeckError, Position, ProblemLog, UsageError, os_error_text
from .lint import lint_cards
from .load import display_path, load_yaml_file
from .media import MediaLibrary
from .model import Card, Deck
from .progress import Progress
from .validate import Validator, check_unique_ids

SETTINGS_FILE = "deck.yaml"
SOURCES_FILE = "sources.yaml"


def card_files(cards_dir: Path, log: ProblemLog) -> list[Path]:
    """Card files in sorted order, so builds repeat whatever the file system lists first.

    Hidden files are editors' backups and lock links; any other ``*.yaml``
    that is not a readable file (a folder, a broken link) is reported, never
    skipped in silence.
    """
    names = {SETTINGS_FILE, SOURCES_FILE}
    try:
        entries = list(cards_dir.iterdir())
    except OSError as exc:
        raise UsageError(f"cannot list the cards folder: {os_error_text(exc)}", display_path(cards_dir))
    found = sorted(p for p in entries if p.suffix.lower() in (".yaml", ".yml")
                   and p.name not in names and not p.name.startswith("."))
    for path in found:
        if not path.is_file():
            log.error(Position(display_path(path)), "not a card file (a folder or a broken link): "
                                                    "remove it or rename it without .yaml")
    return [p for p in found if p.is_file()]


def read_deck(cards_dir: Path, strict: bool = False, progress: Progress | None = None) -> tuple[Deck, ProblemLog]:
    """Load and validate a whole cards folder.

    Raises :class:`FactdeckError` listing every problem when there is any error
    (or any warning under ``strict``); otherwise returns the deck and the log
    holding its warnings.
    """
    if not cards_dir.is_dir():
        what = "is a file, not a folder" if cards_dir.exists() else "not found"
        raise UsageError(f"cards folder {what} (expected a folder with {SETTINGS_FILE}, "
                         f"{SOURCES_FILE} and card files)", display_path(cards_dir))
    log = ProblemLog()
    for required in (SETTINGS_FILE, SOURCES_FILE):
        if not (cards_dir / required).is_file():
            log.error(Position(display_path(cards_dir / required)),
                      "file is missing: every cards folder has deck.yaml and sources.yaml")
    if log.errors:
        raise FactdeckError(log.problems)
    validator = Validator(log, media=MediaLibrary(cards_dir))
    settings = validator.settings(load_yaml_file(cards_dir / SETTINGS_FILE, log))
    sources = validator.sources(load_yaml_file(cards_dir / SOURCES_FILE, log))
    cards: list[Card] = []
    files = card_files(cards_dir, log)
    if not files:
        log.error(Position(display_path(cards_dir)), "no card files (*.yaml) in the cards folder")
    root = settings.name if settings else "Deck"
    progress = progress or Progress()
    progress.stage("reading cards", len(files))
    for path in files:
        cards.extend(validator.card_file(load_yaml_file(path, log), root, sources))
        progress.advance()
    if files and not cards and not log.errors:
        log.warning(Position(display_path(cards_dir)), "the deck has no cards: the outputs would be empty")
    progress.stage("checking cards")
    check_unique_ids(cards, log)
    lint_cards(cards, log)
    log.raise_if_errors(strict)
    assert settings is not None  # an invalid settings file has logged an error above
    return Deck(settings=settings, sources=sources, cards=tuple(cards)), log


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cycle collector while a deck is read and built.

    A build makes millions of small objects that reference counting frees on its
    own (YAML trees, positions, notes); the collector would walk all of them again
    and again as they pile up, which made reading 100k cards 2-3x slower.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
