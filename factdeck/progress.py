"""A progress line on stderr for long builds: the stage, a bar and the time so far.

It appears only once a build has run for two seconds, and only on a terminal:
never under ``--quiet``, in CI (``CI`` set), or when stderr is a file or a pipe,
where it would only clutter the log. A small class of our own rather than a
progress library: it draws one line, and the bundled deck's build must not pay
for importing more.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import TextIO

SHOW_AFTER_SECONDS = 2.0
REDRAW_SECONDS = 0.1
BAR_WIDTH = 24


class Progress:
    """Stages, each with an optional count of steps. Silent when ``stream`` is None."""

    def __init__(self, stream: TextIO | None = None, show_after: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.start = clock()
        self.show_after = SHOW_AFTER_SECONDS if show_after is None else show_after
        self.label = ""
        self.total = 0
        self.done_steps = 0
        self.shown = False    # has anything been drawn yet
        self.on_line = False  # is the current stage's line drawn (and not yet ended)
        self.drawn_at = float("-inf")
        self.lock = threading.Lock()
        self.owner = threading.get_ident()  # the thread whose stage is shown counts its steps
        self.stopped = threading.Event()
        self.ticker: threading.Thread | None = None

    def stage(self, label: str, total: int = 0) -> None:
        """Begin a stage; ``total`` steps when it can count them, 0 when it cannot."""
        if self.stream is None:
            return
        with self.lock:  # builders run side by side: the line shows the stage begun last
            self._end_line()
            self.label, self.total, self.done_steps = label, total, 0
            self.owner = threading.get_ident()
            self._draw(force=True)
            if self.ticker is None:
                self.ticker = threading.Thread(target=self._tick, name="factdeck-progress", daemon=True)
                self.ticker.start()

    def advance(self, steps: int = 1) -> None:
        if self.stream is None or self.owner != threading.get_ident():
            return
        with self.lock:
            self.done_steps += steps
            self._draw(force=self.done_steps >= self.total > 0)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """End the last line, so what the build prints next starts on a line of its own."""
        if self.stream is not None:
            self.stopped.set()
            with self.lock:
                self._end_line()

    def _tick(self) -> None:
        """Redraw now and then: a stage that counts no steps (typesetting) still shows its
        time going on, and the line appears once two seconds have passed."""
        while not self.stopped.wait(REDRAW_SECONDS):
            with self.lock:
                if not self.stopped.is_set():
                    self._draw()

    def _end_line(self) -> None:
        if self.on_line:
            self._draw(force=True)
            self.stream.write("\n")  # type: ignore[union-attr]
            self.stream.flush()  # type: ignore[union-attr]
            self.on_line = False

    def _draw(self, force: bool = False) -> None:
        now = self.clock()
        if now - self.start < self.show_after or (not force and now - self.drawn_at < REDRAW_SECONDS):
            return
        self.drawn_at = now
        if self.total:
            filled = BAR_WIDTH * min(self.done_steps, self.total) // self.total
            count = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self.done_steps}/{self.total}"
        else:
            count = "..."
        self.stream.write(f"\r\x1b[Kfactdeck: {self.label:<22} {count}  {now - self.start:.1f} s")  # type: ignore[union-attr]
        self.stream.flush()  # type: ignore[union-attr]
        self.shown = self.on_line = True


def in_ci(environ: Mapping[str, str]) -> bool:
    """CI services set ``CI`` (to "true", "1", ...); "false" or "0" mean a person's shell."""
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def progress_for(quiet: bool, stream: TextIO | None = None, environ: Mapping[str, str] | None = None) -> Progress:
    """A progress line on ``stream`` (stderr) when a person is watching it, else a silent one."""
    stream = sys.stderr if stream is None else stream
    environ = os.environ if environ is None else environ
    watched = stream.isatty() and not in_ci(environ) and environ.get("TERM") != "dumb"
    return Progress(stream if watched and not quiet else None)
