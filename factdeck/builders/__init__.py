"""Output builders: each turns the model into one file format.

A builder is a short class with a ``name`` (what ``--only`` selects), a file
``suffix`` and a ``write`` method. Builders never read YAML and never write to
their final path: they write to the temporary path they are handed, and the
build renames every output into place only when all of them succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from ..errors import ProblemLog
from ..model import Deck

if TYPE_CHECKING:  # Jinja is only needed to build, not for ``--check``
    import jinja2


@dataclass(frozen=True)
class PrintOptions:
    """How the printable cards are laid out (see ``factdeck --help``)."""

    paper: str = "a4"
    card_size: str = "63x88mm"
    duplex: str = "long"
    back_offset_mm: tuple[float, float] = (0.0, 0.0)


@dataclass
class BuildOptions:
    """What every builder may consult; ``epoch`` makes outputs repeatable."""

    epoch: int
    strict: bool = False
    log: ProblemLog = field(default_factory=ProblemLog)
    print: PrintOptions = field(default_factory=PrintOptions)


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


BUILDERS: dict[str, type[Builder]] = {}


def register(builder: type[Builder]) -> type[Builder]:
    """Class decorator adding a builder to the registry; names must be unique."""
    if builder.name in BUILDERS:
        raise ValueError(f"a builder named {builder.name!r} is already registered")
    BUILDERS[builder.name] = builder
    return builder


def load_builtin_builders() -> dict[str, type[Builder]]:
    """Import the bundled builders (deferred: each pulls in a heavy library)."""
    from . import anki, pdf, text  # noqa: F401  (imported for their @register)

    return BUILDERS
