"""Output builders: each turns the model into one file format.

A builder is a short class with a ``name`` (what ``--only`` selects), a file
``suffix`` and a ``write`` method, listed in :data:`BUILDERS`. Builders never read YAML and never write to
their final path: they write to the temporary path they are handed, and the
build renames every output into place only when all of them succeeded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from ..cache import Cache
from ..errors import ProblemLog
from ..model import Deck
from ..progress import Progress
from .printing.options import PrintOptions

if TYPE_CHECKING:  # Jinja is imported only when something is built
    import jinja2


@dataclass
class BuildOptions:
    """What every builder may consult; ``epoch`` makes outputs repeatable."""

    epoch: int
    strict: bool = False
    log: ProblemLog = field(default_factory=ProblemLog)
    print: PrintOptions = field(default_factory=PrintOptions)
    progress: Progress = field(default_factory=Progress)  # silent unless the CLI gives one
    cache: Cache = field(default_factory=lambda: Cache(None))  # what earlier builds made; none by default
    # The cards folder, where the .apkg keeps its lock (None: no lock, every note stamped with the epoch),
    # and where a builder gets the temporary file for an output beside its own (renamed with the rest).
    cards_dir: Path | None = None
    extra_output: Callable[[Path], Path] | None = None


class Builder:
    """Base class: subclasses set ``name`` and ``suffix`` and implement ``write``."""

    name: ClassVar[str] = ""
    suffix: ClassVar[str] = ""
    description: ClassVar[str] = ""
    by_default: ClassVar[bool] = True  # built without --only; exports for other apps are opt-in

    def __init__(self, env: jinja2.Environment, options: BuildOptions) -> None:
        self.env = env
        self.options = options

    def write(self, deck: Deck, target: Path) -> str:
        """Write the deck to ``target``; return a one-line summary for the user."""
        raise NotImplementedError


# Every format factdeck builds, by name (what ``--only`` selects): its builder class, or
# where to find it as "module:Class" until it is first used. Named here rather than found
# by importing, so that ``--check`` and ``--help`` never import genanki, typst or Jinja.
BUILDERS: dict[str, type[Builder] | str] = {
    "apkg": f"{__name__}.anki:AnkiBuilder",
    "csv": f"{__name__}.text:CsvBuilder",
    "pdf": f"{__name__}.printing.builder:PdfBuilder",
    "preview": f"{__name__}.printing.builder:PreviewBuilder",
    "timeline": f"{__name__}.timeline:TimelineBuilder",
    "tsv": f"{__name__}.text:TsvBuilder",
}


def register(name: str, builder: type[Builder] | str) -> None:
    """Add a format: its builder class, or ``"module:Class"`` to import on first use.

    Names are unique: a second builder for a format is refused, not a silent swap.
    """
    if name in BUILDERS:
        raise ValueError(f"a builder named {name!r} is already registered")
    BUILDERS[name] = builder


def builder_names() -> list[str]:
    """Every format's name, sorted, without importing any builder."""
    return sorted(BUILDERS)


def load_builder(name: str) -> type[Builder]:
    """The builder class for a format, importing its module on first use."""
    builder = BUILDERS[name]
    if isinstance(builder, str):
        module, _, class_name = builder.partition(":")
        builder = getattr(import_module(module), class_name)
        if builder.name != name:
            raise ValueError(f"{module}:{class_name} builds {builder.name!r}, registered as {name!r}")
        BUILDERS[name] = builder
    return builder


def load_builtin_builders() -> dict[str, type[Builder]]:
    """Every builder class by name, importing each module (each pulls in a heavy library)."""
    return {name: load_builder(name) for name in builder_names()}


def default_formats() -> list[str]:
    """The formats a build writes when no ``--only`` is given."""
    return sorted(name for name, builder in load_builtin_builders().items() if builder.by_default)


def write_all(deck: Deck, jobs: list[tuple[Builder, Path]]) -> list[str]:
    """Run each builder on its target at the same time; their summaries, in order.

    Typst's compile, SQLite and zlib let go of Python's lock while they work,
    so on two cores the .apkg is made while the PDF is being typeset. Builders
    share only the Jinja environment (safe to render from threads), the log
    (appends) and the progress line (locked).
    """
    if len(jobs) == 1:
        builder, target = jobs[0]
        return [builder.write(deck, target)]
    from concurrent.futures import ThreadPoolExecutor  # not needed by --check

    pool = ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="factdeck-builder")
    interrupted = False
    try:
        futures = [pool.submit(builder.write, deck, target) for builder, target in jobs]
        return [future.result() for future in futures]
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the command leaves now, not when the builders are done
        interrupted = True
        raise
    finally:
        pool.shutdown(wait=not interrupted, cancel_futures=True)
