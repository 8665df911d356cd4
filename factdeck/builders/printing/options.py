"""The print options a user chooses (``factdeck --help``'s print options)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PrintOptions:
    """How the printable cards are laid out (see ``factdeck --help``)."""

    paper: str = "a4"
    card_size: str = "63x88mm"
    duplex: str = "long"
    back_offset_mm: tuple[float, float] = (0.0, 0.0)
