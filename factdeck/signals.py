"""SIGTERM and SIGHUP end a build the way Ctrl-C does: one line, the output folder as it was.

A CI runner cancelling a job sends SIGTERM; closing the terminal sends
SIGHUP. Both are raised in the main thread as :class:`Terminated`, a
``KeyboardInterrupt``, so every ``except KeyboardInterrupt`` and ``finally``
that keeps the output folder whole runs for them too.
"""

from __future__ import annotations

import signal
from types import FrameType

STOPPING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Terminated(KeyboardInterrupt):
    """The build was told to stop by a signal other than Ctrl-C's."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


def stop_like_ctrl_c() -> None:
    """From now on SIGTERM and SIGHUP raise :class:`Terminated` in the main thread."""
    for signum in STOPPING_SIGNALS:
        signal.signal(signum, _raise_terminated)


def interrupted_exit(interrupt: KeyboardInterrupt) -> tuple[str, int]:
    """The line to print and the exit code for a build stopped by Ctrl-C (130) or a signal (128 + its number)."""
    if isinstance(interrupt, Terminated):
        return f"factdeck: stopped by {interrupt.name}; the output folder is as it was", 128 + interrupt.signum
    return "factdeck: interrupted; the output folder is as it was", 130
