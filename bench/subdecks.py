"""The .apkg's time against the number of subdecks: the same cards in more card files.

``python bench/subdecks.py [--cards N] [--files F,F,...]`` generates the
benchmark's synthetic deck with N cards split into each number of files (one
subdeck each), builds only the .apkg in this process, and prints one JSON
line per shape: seconds, and seconds per 1,000 cards. The .apkg should be
linear in cards whatever the subdecks: genanki's own ``Package.write_to_db``
rewrites the decks and note-types tables once per subdeck (100k cards in
5,000 files: 105 s against 11.7 s in 1,000 files); factdeck writes each once.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench import generate as synthetic
from factdeck.builders import BuildOptions, load_builder
from factdeck.pipeline import paused_gc, read_deck
from factdeck.templating import make_environment


def apkg_seconds(cards: int, files: int, work: Path) -> dict[str, float | int]:
    """Build the .apkg of ``cards`` cards in ``files`` card files; its time alone, reading excluded."""
    synthetic.CARDS_PER_FILE = max(1, -(-cards // files))
    folder, _ = synthetic.generate(work / f"deck-{cards}-{files}", cards, seed=1)
    with paused_gc():
        deck, log = read_deck(folder)
        builder = load_builder("apkg")(make_environment(None), BuildOptions(epoch=1700000000, log=log))
        start = time.perf_counter()
        builder.write(deck, work / f"deck-{cards}-{files}.apkg")
        seconds = time.perf_counter() - start
    return {"cards": cards, "subdecks": len(deck.subdecks), "seconds": round(seconds, 2),
            "seconds_per_1000_cards": round(1000 * seconds / cards, 3)}


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--cards", type=int, default=100_000)
    cli.add_argument("--files", default="1000,5000", help="numbers of card files (default: %(default)s)")
    args = cli.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        for files in (int(f) for f in args.files.split(",")):
            print(json.dumps(apkg_seconds(args.cards, files, Path(work))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
