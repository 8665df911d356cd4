"""What pictures cost a build: a deck where every card has one, against the same deck without.

``python -m bench.media [--cards 1000] [--picture-kb 50] [--repeat 3]`` makes a
synthetic deck (bench/generate.py), a copy where every card shows its own
picture of about ``--picture-kb`` kB (random pixels, so the PNG does not
shrink), builds both with ``factdeck`` (the .apkg and the PDF) and
prints the best wall and CPU time of each, their ratio, and whether the ratio
meets the aim (issue 16): a deck with pictures builds within twice the time.
Every build is a first build: a cache folder of its own, which it fills.
``--before CHECKOUT`` times another checkout's factdeck in turn with this one's,
for a before and after on a shared machine::

    git archive main | tar -x -C /tmp/before
    python -m bench.media --before /tmp/before --repeat 5
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import sys
import tempfile
from pathlib import Path

from bench.generate import generate
from bench.measure import Runs, load_average, run_process

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from media_files import png_of_size  # noqa: E402  (the tests' own picture maker)

AIM = 2.0  # pictures may at most double a build's time
CHECKOUT = Path(__file__).resolve().parent.parent
CARD_LINE = re.compile(r"^(  - id: (\S+)\n)", re.MULTILINE)


def add_pictures(cards: Path, size: int) -> int:
    """Give every card of the deck in ``cards`` a picture of its own of about ``size`` bytes."""
    pictures = cards / "pictures"
    pictures.mkdir()
    count = 0
    for path in sorted(cards.glob("*.yaml")):
        if path.name in ("deck.yaml", "sources.yaml"):
            continue
        text = path.read_text(encoding="utf-8")
        for _, card_id in CARD_LINE.findall(text):
            (pictures / f"{card_id}.png").write_bytes(png_of_size(size, seed=count))
            count += 1
        path.write_text(CARD_LINE.sub(lambda m: f"{m[1]}    image: pictures/{m[2]}.png\n", text), encoding="utf-8")
    return count


def build_once(checkout: Path, cards: Path, out: Path) -> tuple[float, float]:
    """The wall time and the CPU time (all processes of the build) of a first build of ``cards`` by
    ``checkout``'s factdeck: an empty output folder and a cache folder of its own.

    CPU time is given beside wall time because this machine is shared: a build
    waiting for a core is slower on the clock without doing more work.
    """
    runs = Runs()
    kept = out.with_name(out.name + "-cache")
    for folder in (out, kept):
        shutil.rmtree(folder, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run_process([sys.executable, "-m", "factdeck", str(cards), "--out", str(out), "--cache", str(kept),
                 "--only", "apkg", "--only", "pdf", "--quiet"], runs, cwd=checkout,
                env={**os.environ, "PYTHONPATH": str(checkout)})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return runs.seconds[0], after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--cards", type=int, default=1000)
    cli.add_argument("--picture-kb", type=int, default=50)
    cli.add_argument("--repeat", type=int, default=3, help="builds of each deck; the best counts")
    cli.add_argument("--before", type=Path, help="another checkout (say, main) timed in turn with this one")
    args = cli.parse_args(argv)
    checkouts = {"this checkout": CHECKOUT, **({"before": args.before.resolve()} if args.before else {})}
    best: dict[tuple[str, str], tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="factdeck-media-bench-") as scratch:
        work = Path(scratch)
        plain, _ = generate(work / "plain", args.cards, seed=3)
        pictured = work / "pictured"
        shutil.copytree(plain, pictured)
        count = add_pictures(pictured, args.picture_kb * 1000)
        media = sum(p.stat().st_size for p in (pictured / "pictures").iterdir())
        for _ in range(args.repeat):  # in turn, so a change in the machine's load touches all alike
            for name, checkout in checkouts.items():
                for deck, cards in (("plain", plain), ("pictured", pictured)):
                    wall, cpu = build_once(checkout, cards, work / f"out-{deck}")
                    known = best.get((name, deck), (wall, cpu))
                    best[name, deck] = (min(known[0], wall), min(known[1], cpu))
    print(f"{args.cards} cards, apkg + pdf, best of {args.repeat} (wall, CPU):")
    for name in checkouts:
        without, with_pictures = best[name, "plain"], best[name, "pictured"]
        if len(checkouts) > 1:
            print(f"{name} ({checkouts[name]}):")
        print(f"  without pictures: {without[0]:.2f} s, {without[1]:.2f} s")
        print(f"  with {count} pictures ({media / 1e6:.1f} MB): {with_pictures[0]:.2f} s, {with_pictures[1]:.2f} s")
        wall, cpu = with_pictures[0] / without[0], with_pictures[1] / without[1]
        print(f"  ratio: {wall:.2f} wall, {cpu:.2f} CPU")
        print(f"  aim: at most {AIM:g}x: {'met' if wall <= AIM else 'not met'} on the wall clock, "
              f"{'met' if cpu <= AIM else 'not met'} in CPU time")
    print(f"load {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
