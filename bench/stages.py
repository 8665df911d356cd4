"""factdeck's stages timed inside one process, as the command line runs them.

``python bench/stages.py CARDS_DIR OUT_DIR [FORMATS]`` prints a JSON object of
seconds: ``read`` (load, validate and lint), then one entry per format. Each
format's time includes importing its library (genanki, typst, Jinja), which the
command line also defers until that format is built. The stages are the two
halves of :func:`factdeck.pipeline.build`, called as it calls them.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from factdeck.builders import builder_names
from factdeck.pipeline import BuildRequest, paused_gc, read_deck, write_outputs


def main(argv: list[str]) -> None:
    cards, out = Path(argv[0]), Path(argv[1])
    formats = argv[2].split(",") if len(argv) > 2 else builder_names()
    times: dict[str, float] = {}
    with paused_gc():
        start = time.perf_counter()
        deck, log = read_deck(cards)
        times["read"] = time.perf_counter() - start
        for name in formats:
            start = time.perf_counter()
            write_outputs(deck, log, BuildRequest(cards, out=out / "stages", formats=(name,), epoch=1700000000))
            times[name] = time.perf_counter() - start
    print(json.dumps(times))


if __name__ == "__main__":
    main(sys.argv[1:])
