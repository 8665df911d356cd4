"""``factdeck build --watch``: rebuild whenever a card file or a template changes.

The file watching is watchfiles' (native events, debounced, with editors' swap
and backup files already ignored); this module only decides which changes
matter and runs one build per batch of them. A failed build prints its
problems and the watch goes on, so a half-typed card never ends the session.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import watchfiles

from .errors import display_path

Changes = set[tuple[watchfiles.Change, str]]
YAML_SUFFIXES = (".yaml", ".yml")


class DeckFilter(watchfiles.DefaultFilter):
    """Card files (YAML, including deck.yaml and sources.yaml) and anything in the templates folder."""

    def __init__(self, templates: Path) -> None:
        super().__init__()
        self.templates = templates.resolve()

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        if not super().__call__(change, path):
            return False
        resolved = Path(path).resolve()
        return resolved.suffix.lower() in YAML_SUFFIXES or self.templates in resolved.parents


def changes(cards: Path, templates: Path, **options: Any) -> Iterator[Changes]:
    """Batches of relevant changes under the cards and templates folders, as watchfiles yields them.

    ``options`` go to :func:`watchfiles.watch` (a ``stop_event``, timeouts).
    """
    folders = [folder for folder in dict.fromkeys((cards, templates)) if folder.is_dir()]
    return watchfiles.watch(*folders, watch_filter=DeckFilter(templates), raise_interrupt=False, **options)


def rebuild_on(batches: Iterable[Changes], build: Callable[[], int]) -> int:
    """Run ``build`` once per non-empty batch of changes; returns 0 when the batches end."""
    for batch in batches:
        if not batch:  # watchfiles yields an empty batch on a timeout, when asked to
            continue
        names = sorted({display_path(Path(path)) for _, path in batch})
        print(f"changed: {', '.join(names)}", file=sys.stderr)
        build()
        gc.collect()  # a session of many builds: free each one's reference cycles while waiting
    return 0


def watch(cards: Path, templates: Path, build: Callable[[], int]) -> int:
    """Build once, then again on every change until Ctrl-C; returns the exit code (0)."""
    build()
    shown = " and ".join(display_path(p) for p in dict.fromkeys((cards, templates)) if p.is_dir())
    print(f"watching {shown} for changes (Ctrl-C to stop)", file=sys.stderr)
    try:
        return rebuild_on(changes(cards, templates), build)
    except KeyboardInterrupt:  # raised while a build runs; watchfiles handles it between builds
        return 0
