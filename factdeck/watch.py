"""``factdeck build --watch``: rebuild whenever a card file or a template changes.

The file watching is watchfiles' (native events, debounced, with editors' swap
and backup files already ignored); this module only decides which changes
matter and runs one build per batch of them. A failed build prints its
problems and the watch goes on, so a half-typed card never ends the session.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import watchfiles

from .errors import display_path, terminal_text

Changes = set[tuple[watchfiles.Change, str]]
YAML_SUFFIXES = (".yaml", ".yml")


class DeckFilter(watchfiles.DefaultFilter):
    """Card files (YAML, including deck.yaml and sources.yaml) and anything in the templates folder;
    nothing in the output folder, which each build writes (else every build would start the next)."""

    def __init__(self, templates: Path, out: Path | None = None) -> None:
        super().__init__()
        self.templates = templates.resolve()
        self.out = out.resolve() if out is not None else None

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        if not super().__call__(change, path):
            return False
        resolved = Path(path).resolve()
        if self.out is not None and (resolved == self.out or self.out in resolved.parents):
            return False
        return resolved.suffix.lower() in YAML_SUFFIXES or self.templates in resolved.parents


def changes(cards: Path, templates: Path, out: Path | None = None, **options: Any) -> Iterator[Changes]:
    """Batches of relevant changes under the cards and templates folders, as watchfiles yields them.

    ``options`` go to :func:`watchfiles.watch` (a ``stop_event``, timeouts).
    """
    folders = [folder for folder in dict.fromkeys((cards, templates)) if folder.is_dir()]
    return watchfiles.watch(*folders, watch_filter=DeckFilter(templates, _ignored(out, cards, templates)),
                            raise_interrupt=False, **options)


def _ignored(out: Path | None, cards: Path, templates: Path) -> Path | None:
    """The output folder, to be ignored, unless it holds the cards or templates folder (``--out .``):
    then outputs land beside them, where they count for nothing anyway."""
    if out is None:
        return None
    out, cards, templates = out.resolve(), cards.resolve(), templates.resolve()
    return None if out == cards or out in cards.parents or out in templates.parents else out


def _identity(folder: Path) -> tuple[int, int] | None:
    """Which folder is at ``folder`` now (device and inode), or None when there is none."""
    try:
        status = folder.stat()
    except OSError:
        return None
    return (status.st_dev, status.st_ino)


def lasting_changes(cards: Path, templates: Path, out: Path | None = None, poll: float = 0.5,
                    **options: Any) -> Iterator[Changes]:
    """:func:`changes`, watching again whenever a watched folder is deleted, restored or replaced.

    The system's file events follow a folder, not its name: once the cards
    folder is deleted (a ``git checkout``, a sync tool restoring it), the old
    watch sees nothing more. So every ``poll`` seconds the folders are looked
    at again; while the cards folder is gone the watch waits, and when it is
    back its return counts as a change. Empty batches are passed on when
    ``yield_on_timeout`` is among ``options``.
    """
    stop = options.get("stop_event")
    pass_timeouts = options.pop("yield_on_timeout", False)
    options.setdefault("rust_timeout", int(poll * 1000))
    while stop is None or not stop.is_set():
        watched = (_identity(cards), _identity(templates))
        if watched[0] is None:
            print(terminal_text(f"{display_path(cards)}: the cards folder is gone; waiting for it to come back"),
                  file=sys.stderr)
            while _identity(cards) is None:
                if stop is None:
                    time.sleep(poll)
                elif stop.wait(poll):
                    return
                if pass_timeouts:
                    yield set()
            yield {(watchfiles.Change.added, str(cards))}
            continue
        for batch in changes(cards, templates, out, yield_on_timeout=True, **options):
            if batch or pass_timeouts:
                yield batch
            if (_identity(cards), _identity(templates)) != watched:
                break
        else:
            return  # the watch was stopped


def rebuild_on(batches: Iterable[Changes], build: Callable[[], int]) -> int:
    """Run ``build`` once per non-empty batch of changes; returns 0 when the batches end."""
    for batch in batches:
        if not batch:  # watchfiles yields an empty batch on a timeout, when asked to
            continue
        names = sorted({display_path(Path(path)) for _, path in batch})
        print(terminal_text(f"changed: {', '.join(names)}"), file=sys.stderr)
        build()
        gc.collect()  # a session of many builds: free each one's reference cycles while waiting
    return 0


def watch(cards: Path, templates: Path, build: Callable[[], int], out: Path | None = None) -> int:
    """Build once, then again on every change until Ctrl-C; returns the exit code (0).

    Changes in ``out`` (the output folder) never count, even inside a watched folder.
    """
    build()
    shown = " and ".join(display_path(p) for p in dict.fromkeys((cards, templates)) if p.is_dir())
    print(terminal_text(f"watching {shown} for changes (Ctrl-C to stop)"), file=sys.stderr)
    try:
        return rebuild_on(lasting_changes(cards, templates, out), build)
    except KeyboardInterrupt:  # raised while a build runs; watchfiles handles it between builds
        return 0
