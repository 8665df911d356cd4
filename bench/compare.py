"""Two checkouts of factdeck timed on the same deck, turn about, for a before/after on a busy machine.

    git worktree add /tmp/before main    # or: git archive REV | tar -x -C /tmp/before
    python bench/compare.py /tmp/before . --cards 10000 --repeat 5

Absolute times drift with the load of a shared machine; runs taken in turn
(before, after, after, before, ...) see the same drift, so the ratio of their
best times holds. Each checkout builds the same generated deck into its own
folder, and the outputs are compared byte for byte.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from bench.generate import generate  # noqa: E402
from bench.measure import Runs, run_process  # noqa: E402

EPOCH = "1700000000"
MODES = {"whole build": [], "--check": ["--check"], "--only apkg": ["--only", "apkg"]}


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("before", type=Path, help="the checkout to compare against")
    cli.add_argument("after", type=Path, help="the checkout with the change")
    cli.add_argument("--cards", type=int, default=10_000, help="cards in the generated deck (default: %(default)s)")
    cli.add_argument("--repeat", type=int, default=5, help="runs of each checkout and mode; the best counts")
    args = cli.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="factdeck-compare-"))
    cards, _ = generate(work / "deck", args.cards)
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    runs = {(name, mode): Runs() for name in trees for mode in MODES}
    for round_number in range(args.repeat):
        order = list(trees.items()) if round_number % 2 == 0 else list(trees.items())[::-1]
        for mode, extra in MODES.items():
            for name, tree in order:
                env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(tree)}
                run_process([sys.executable, str(tree / "build.py"), str(cards), "--out", str(work / name),
                             "-q", "--no-cache", *extra], runs[name, mode], env=env)  # the work, not the cache
        print(f"  round {round_number + 1} of {args.repeat}", file=sys.stderr)
    print(f"{args.cards:,} cards, best of {args.repeat}, load average {os.getloadavg()[0]:.1f} at the end")
    print("| measure | before | after | after/before |\n|---|---:|---:|---:|")
    for mode in MODES:
        before, after = runs["before", mode].best, runs["after", mode].best
        print(f"| {mode} | {before:.2f} s | {after:.2f} s | {after / before:.2f}x |")
    same = sorted(path.name for path in (work / "before").iterdir()
                  if (work / "after" / path.name).read_bytes() == path.read_bytes())
    print(f"outputs byte-identical: {', '.join(same) or 'none'}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
