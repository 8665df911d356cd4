"""The flow in one place: a cards folder -> a validated :class:`Deck` -> outputs.

:func:`build` is the whole of it, as the command line, ``--watch``, the
benchmark and the tests run it; :func:`read_deck` and :func:`write_outputs`
are its two halves.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .builders import BuildOptions, default_formats, load_builder, write_all
from .builders.printing.options import PrintOptions
from .cache import Cache, cache_for
from .checked_cards import checked_key, load_checked, store_checked
from .errors import (A_FOLDER, NOT_FOUND, FactdeckError, Position, Problem, ProblemLog, Severity, UsageError,
                     display_path, file_problem, os_error_text)
from .forked_reading import read_card_files
from .lint import lint_cards
from .load import load_yaml_file, read_bytes
from .media import MediaLibrary
from .model import Card, Deck, Source
from .output import OutputFolder
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


def read_deck(cards_dir: Path, strict: bool = False, progress: Progress | None = None,
              cache: Cache = Cache(None)) -> tuple[Deck, ProblemLog]:
    """Load and validate a whole cards folder; a card file unchanged since a build that kept it in ``cache`` is not.

    Raises :class:`FactdeckError` listing every problem when there is any error
    (or any warning under ``strict``); otherwise returns the deck and the log
    holding its warnings.
    """
    folder = file_problem(cards_dir)
    if folder != A_FOLDER:
        what = "not found" if folder == NOT_FOUND else \
            "is a file, not a folder" if folder is None else f"cannot be read: {folder}"
        raise UsageError(f"cards folder {what} (expected a folder with {SETTINGS_FILE}, "
                         f"{SOURCES_FILE} and card files)", display_path(cards_dir))
    log = ProblemLog()
    for required in (SETTINGS_FILE, SOURCES_FILE):
        why = file_problem(cards_dir / required)
        if why == NOT_FOUND:
            log.error(Position(display_path(cards_dir / required)),
                      "file is missing: every cards folder has deck.yaml and sources.yaml")
        elif why is not None:
            log.error(Position(display_path(cards_dir / required)), f"cannot read this file: {why}")
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
    inputs = [_bytes_of(cards_dir / name) for name in (SETTINGS_FILE, SOURCES_FILE)]
    # On two cores when nothing is cached: with a cache, most files come from it, quicker than a fork.
    cards.extend(read_card_files(
        files, lambda path, file_log: read_card_file(path, validator, file_log, root, sources, cache, inputs),
        log, progress.advance, fork=cache.folder is None))
    if files and not cards and not log.errors:
        log.warning(Position(display_path(cards_dir)), "the deck has no cards: the outputs would be empty")
    progress.stage("checking cards")
    check_unique_ids(cards, log)
    if validator.type_ids is not None:  # over the deck, not per file: a file from the cache is checked too
        for card in cards:
            validator.type_ids.need(card.kind, card.where("kind"))
    lint_cards(cards, log, markup=settings is not None and settings.marked_up)
    log.raise_if_errors(strict)
    assert settings is not None  # an invalid settings file has logged an error above
    return Deck(settings=settings, sources=sources, cards=tuple(cards)), log


def read_card_file(path: Path, validator: Validator, log: ProblemLog, root: str, sources: dict[str, Source],
                   cache: Cache, inputs: list[bytes]) -> list[Card]:
    """One card file's checked cards (its problems go to ``log``), from ``cache`` when it holds them.

    ``inputs`` are the bytes of deck.yaml and sources.yaml, which validating a card file reads too.
    """
    data = read_bytes(path) if cache.folder is not None else None
    if not data:  # no cache, or a file the loader will say it cannot read
        return validator.card_file(load_yaml_file(path, log), root, sources)
    key = checked_key(display_path(path), data, *inputs)
    kept = load_checked(cache, key, sources)
    if kept is not None:
        log.problems.extend(kept[1])
        return kept[0]
    before = len(log.problems)
    cards = validator.card_file(load_yaml_file(path, log, data), root, sources)  # the bytes of the key
    problems = log.problems[before:]
    if not any(p.severity is Severity.ERROR for p in problems):  # kept only when clean
        store_checked(cache, key, cards, problems)
    return cards


def _bytes_of(path: Path) -> bytes:
    """The file's bytes; empty when it cannot be read (the loader reports why)."""
    try:
        return path.read_bytes()
    except OSError:
        return b""


@dataclass(frozen=True)
class BuildRequest:
    """What to build, as the command line's options say it (see ``factdeck --help``)."""

    cards: Path                         # the cards folder: deck.yaml, sources.yaml, card files
    out: Path = Path("dist")            # the output folder; outputs are replaced all or none
    formats: tuple[str, ...] = ()       # names in ``builders.BUILDERS``; empty: the default formats
    check: bool = False                 # validate the cards and write nothing
    strict: bool = False                # warnings fail the build
    templates: Path | None = None       # templates overriding the defaults; None: templates/ beside cards
    print: PrintOptions = field(default_factory=PrintOptions)
    epoch: int | None = None            # the outputs' timestamp; None: see :func:`epoch.build_epoch`
    cache: bool = True                  # keep and reuse what builds made (checked cards, typeset pages)
    cache_folder: Path | None = None    # where; None: .factdeck-cache beside the cards folder

    @property
    def template_folder(self) -> Path:
        """The user's templates: ``templates`` or ``templates/`` beside the cards folder.

        A folder named with ``templates`` must exist: silently building with the
        defaults would hide a typo.
        """
        if self.templates is not None and not self.templates.is_dir():
            raise UsageError("--templates: not a folder", display_path(self.templates))
        return self.templates or self.cards.resolve().parent / "templates"


@dataclass(frozen=True)
class OutputSummary:
    """One file a build wrote."""

    format: str     # the builder's name ("apkg", "pdf", ...)
    target: Path    # where it now is
    cards: int      # how many cards it holds
    summary: str    # the builder's line for the user ("12 notes, 24 cards ..."), maybe more lines after it


@dataclass(frozen=True)
class BuildResult:
    """What a build did: the files it wrote (none for a check or a failure) and every problem."""

    exit_code: int                          # 0 built or checked, 1 errors in the cards or templates, 2 usage or I/O
    problems: tuple[Problem, ...] = ()      # unsorted; warnings and notes too when it succeeded
    cards: int = 0                          # the deck's cards, once read
    outputs: tuple[OutputSummary, ...] = ()


def build(request: BuildRequest, progress: Progress | None = None) -> BuildResult:
    """Read, validate and build a cards folder, as ``factdeck`` does; never raises for a user's mistake.

    Every problem in the cards, the templates or the output folder comes back in
    the result with the exit code the command would give; the output folder is
    then as it was. ``progress`` draws the stages (silent by default). From Python::

        from pathlib import Path
        from factdeck.pipeline import BuildRequest, build

        result = build(BuildRequest(Path("cards"), out=Path("dist"), formats=("apkg",)))
        for output in result.outputs:
            print(output.target, output.summary)
    """
    progress = progress or Progress()
    cache = cache_for(request.cards, request.cache_folder, request.cache, writable=not request.check)
    try:
        with paused_gc():
            deck, log = read_deck(request.cards, strict=request.strict, progress=progress, cache=cache)
            outputs = () if request.check else write_outputs(deck, log, request, progress, cache)
    except FactdeckError as error:
        return BuildResult(error.exit_code, tuple(error.problems))
    finally:
        progress.close()  # end the progress line before the caller prints
        cache.prune()
    return BuildResult(0, tuple(log.problems), len(deck.cards), outputs)


def write_outputs(deck: Deck, log: ProblemLog, request: BuildRequest, progress: Progress | None = None,
                  cache: Cache = Cache(None)) -> tuple[OutputSummary, ...]:
    """Build ``request``'s formats of a deck read by :func:`read_deck` into its output folder.

    All outputs or none: raises :class:`FactdeckError` (nothing replaced) when a
    template or a builder fails, or under ``strict`` when a builder warned.
    """
    from .epoch import build_epoch  # ``--check`` starts without it (and subprocess)
    from .templating import make_environment, template_errors  # ``--check`` starts without Jinja

    templates = request.template_folder
    env = make_environment(templates)
    epoch = build_epoch(request.cards, templates) if request.epoch is None else request.epoch
    options = BuildOptions(epoch=epoch, strict=request.strict, log=log, print=request.print,
                           progress=progress or Progress(), cache=cache, cards_dir=request.cards)
    names = list(dict.fromkeys(request.formats or default_formats()))
    targets, jobs = [], []
    with OutputFolder(request.out) as outputs, template_errors():  # all outputs or none
        options.extra_output = outputs.temporary  # the .apkg's lock, beside the cards
        for name in names:
            builder = load_builder(name)(env, options)
            targets.append(request.out / f"{deck.settings.slug}{builder.suffix}")
            jobs.append((builder, outputs.temporary(targets[-1])))
        summaries = write_all(deck, jobs)  # the formats are built side by side
        log.raise_if_errors(request.strict)  # builders may log problems too (text that cannot fit)
    return tuple(OutputSummary(name, target, len(deck.cards), summary)
                 for name, target, summary in zip(names, targets, summaries))


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
