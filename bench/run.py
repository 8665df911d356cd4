"""factdeck's speed and scale, against the floor (bare genanki + typst) and a peer (ankdown).

    python bench/run.py                          # 1k, 10k and 100k cards, best of 3: several minutes
    python bench/run.py --sizes 1000,10000       # the quick run
    python bench/run.py --output bench/RESULTS.md
    python bench/run.py --sizes 10000 --only-rebuild --repeat 3   # the cold build and the rebuild alone

For each size it writes a synthetic deck (bench/generate.py), then runs, in
turn and ``--repeat`` times so that drifting load hits all of them alike:
factdeck's whole build, ``--only apkg`` and ``--check`` as processes; its
stages inside one process (bench/stages.py); the floor (bench/floor.py) on the
same notes and faces; and ankdown on the same cards written as Markdown. It
prints best wall times, peak memory, and ratios to the floor and to ankdown,
which hold up on a shared machine where absolute times drift.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run from a checkout: factdeck and bench importable

from bench.floor import write_floor_input  # noqa: E402
from bench.generate import generate  # noqa: E402
from bench.measure import Runs, load_average, run_process  # noqa: E402
from bench.report import render  # noqa: E402
from factdeck.builders import default_formats  # noqa: E402
from factdeck.pipeline import BuildRequest, build, read_deck  # noqa: E402
from factdeck.typography import typographic  # noqa: E402

EPOCH = "1700000000"


@dataclass
class SizeResult:
    cards: int
    formats: list[str]                              # what the whole build wrote
    build: Runs = field(default_factory=Runs)       # factdeck, whole build, as a process
    apkg_only: Runs = field(default_factory=Runs)   # factdeck --only apkg
    check: Runs = field(default_factory=Runs)       # factdeck --check
    stages: Runs = field(default_factory=Runs)      # factdeck's stages in one process
    floor: Runs = field(default_factory=Runs)       # genanki + typst, every format factdeck builds
    floor_text: Runs = field(default_factory=Runs)  # the same, the PDF as plain text faces (bench/floor.py)
    floor_apkg: Runs = field(default_factory=Runs)  # genanki alone
    ankdown: Runs | None = None
    cold_cached: Runs = field(default_factory=Runs)  # whole build into an empty cache
    rebuild: Runs = field(default_factory=Runs)      # whole build after editing one card, cache warm


# What factdeck's print templates show on each face of a kind: the front's field, size and
# style; the back's label, field, size and style. The floor prints the same.
FRONTS = {"term": ("term", 20, ""), "date": ("event", 14, ""), "quote": ("quote", 14, "italic"),
          "figure": ("measure", 14, ""), "fact": ("question", 14, "")}
BACKS = {"term": ("Definition", "definition", 13, ""), "date": ("Date", "date", 22, "bold"),
         "quote": ("Who said it", None, 13, ""), "figure": ("Figure", "figure", 20, "bold"),
         "fact": ("Answer", "answer", 13, "")}


def printed_faces(cards: Path) -> list[dict[str, dict[str, object]]]:
    """Each card's faces as factdeck prints them, for the floor (see bench/floor.py)."""
    deck, _ = read_deck(cards)
    faces = []
    for card in deck.cards:
        field, size, style = FRONTS[card.kind]
        text = typographic(getattr(card, field))
        direction = card.printed_direction()  # its cue over the front, what it answers over the back
        front = {"label": direction.cue.upper(), "size": size,
                 "style": style, "text": f"“{text}”" if card.kind == "quote" else text, "note": "", "sources": ""}
        _, field, size, style = BACKS[card.kind]
        answer = typographic(getattr(card, field)) if field else "\n".join(
            typographic(text) for text in (card.by, card.date, card.context) if text)
        sources = "; ".join(", ".join(typographic(text) for text in filter(None, (s.author, f"“{s.title}”", s.year)))
                            for s in card.sources)
        back = {"label": direction.answer_label.upper(), "size": size, "style": style, "text": answer,
                "note": typographic(card.note), "sources": sources}
        faces.append({"front": front, "back": back})
    return faces


def timeline_years(cards: Path) -> list[dict[str, object]]:
    """The date cards by year as factdeck's timeline orders them, for the floor (see bench/floor.py)."""
    from factdeck.builders import BuildOptions, load_builder

    deck, _ = read_deck(cards)
    years, _ = load_builder("timeline")(None, BuildOptions(epoch=0)).chronology(deck)  # type: ignore[arg-type]
    return [{"label": year.label, "cards": [[card.date, card.event] for card in year.cards]} for year in years]


def find_ankdown() -> str | None:
    """The ankdown command beside this Python (a venv) or on PATH; None when not installed."""
    beside = Path(sys.executable).parent / "ankdown"
    return str(beside) if beside.exists() else shutil.which("ankdown")


def measure_size(count: int, work: Path, repeat: int, ankdown: str | None, pdf_up_to: int) -> SizeResult:
    """Generate a deck of ``count`` cards, then time factdeck, the floor and ankdown on it in turn."""
    folder = work / str(count)
    shutil.rmtree(folder, ignore_errors=True)  # a --work folder from an earlier run: generate afresh
    cards, markdown = generate(folder, count)
    out = folder / "dist"
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(REPO)}
    python, build_py = sys.executable, str(REPO / "build.py")
    # Typst holds the whole document in memory (some 0.15 GB a thousand cards for
    # ours, 0.11 GB for the floor's): past pdf_up_to both sides leave the PDF out.
    formats = [f for f in default_formats() if f != "pdf" or count <= pdf_up_to]
    only = [arg for name in formats for arg in ("--only", name)] if formats != default_formats() else []
    whole = [python, build_py, str(cards), "--out", str(out), "-q", "--no-cache", *only]
    # One untimed build: its .apkg is the floor's input, so the floor writes the very same notes.
    warm = build(BuildRequest(cards, out=out, formats=tuple(formats), epoch=int(EPOCH), cache=False))
    assert warm.exit_code == 0, [problem.format() for problem in warm.problems]
    floor_input = folder / "floor.json"
    write_floor_input(out / "benchmark.apkg", printed_faces(cards), floor_input, timeline_years(cards))
    floor = [python, str(REPO / "bench" / "floor.py"), str(floor_input), str(folder), EPOCH]
    result = SizeResult(count, formats, ankdown=Runs() if ankdown else None)
    for n in range(repeat):
        print(f"  {count} cards: run {n + 1} of {repeat}", file=sys.stderr)
        run_process(whole, result.build, env=env)
        run_process(floor + [",".join(formats)], result.floor, env=env, stdout_json=True)
        if "pdf" in formats:
            run_process(floor + [",".join(f if f != "pdf" else "pdf-text" for f in formats)],
                        result.floor_text, env=env, stdout_json=True)
        measure_cold_and_rebuild(cards, folder, n, rebuild_commands(folder, cards, formats), env,
                                 result.cold_cached, result.rebuild)
        run_process([python, build_py, str(cards), "--out", str(out), "--only", "apkg", "-q", "--no-cache"],
                    result.apkg_only, env=env)
        run_process(floor + ["apkg"], result.floor_apkg, env=env, stdout_json=True)
        if ankdown and result.ankdown is not None:
            run_process([ankdown, "-r", str(markdown), "-p", str(folder / "ankdown.apkg")],
                        result.ankdown, cwd=folder, env=env)
        run_process([python, build_py, str(cards), "--check", "-q", "--no-cache"], result.check, env=env)
        run_process([python, str(REPO / "bench" / "stages.py"), str(cards), str(out), ",".join(formats)],
                    result.stages, env=env, stdout_json=True)
    return result


def rebuild_commands(folder: Path, cards: Path, formats: list[str]) -> list[str]:
    """The whole build into the cache of ``folder`` (``--only`` each format unless they are the default)."""
    only = [arg for name in formats for arg in ("--only", name)] if formats != default_formats() else []
    return [sys.executable, str(REPO / "build.py"), str(cards), "--out", str(folder / "dist"), "-q",
            "--cache", str(folder / "cache"), *only]


def measure_cold_and_rebuild(cards: Path, folder: Path, run: int, command: list[str], env: dict[str, str],
                             cold: Runs, rebuild: Runs) -> None:
    """Once: the build into an empty cache, then the rebuild after editing one card."""
    shutil.rmtree(folder / "cache", ignore_errors=True)
    run_process(command, cold, env=env)
    edit_one_card(cards, run)
    run_process(command, rebuild, env=env)


def measure_rebuild_only(count: int, work: Path, repeat: int, pdf_up_to: int) -> str:
    """The cold build and the rebuild after a one-card edit alone, in turn ``repeat`` times: a short report."""
    folder = work / str(count)
    shutil.rmtree(folder, ignore_errors=True)
    cards, _ = generate(folder, count)
    formats = [f for f in default_formats() if f != "pdf" or count <= pdf_up_to]
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(REPO)}
    cold, rebuild = Runs(), Runs()
    load_before = load_average()
    for n in range(repeat):
        print(f"  {count} cards: run {n + 1} of {repeat}", file=sys.stderr)
        measure_cold_and_rebuild(cards, folder, n, rebuild_commands(folder, cards, formats), env, cold, rebuild)
    return "\n".join([
        f"{count:,} cards, {', '.join(formats)}; best of {repeat}; load {load_before} before, {load_average()} after",
        f"cold build, empty cache: {cold.best:.2f} s wall, {min(cold.cpu_seconds):.2f} s CPU (all processes)",
        f"rebuild after a one-card edit: {rebuild.best:.2f} s wall, {min(rebuild.cpu_seconds):.2f} s CPU",
        f"rebuild/cold: {rebuild.best / cold.best:.2f}x wall, "
        f"{min(rebuild.cpu_seconds) / min(cold.cpu_seconds):.2f}x CPU"])


def edit_one_card(cards: Path, run: int) -> None:
    """Change one answer in the middle of the deck, differently each run, as a person editing a card does."""
    files = sorted(path for path in cards.glob("*.yaml") if path.name not in ("deck.yaml", "sources.yaml"))
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    start = text.index("\n    answer: ", len(text) // 2) + len("\n    answer: ")
    start += text[start] in "\"'"  # inside the quotes of a quoted answer
    path.write_text(f"{text[:start]}(edit {run}) {text[start:]}", encoding="utf-8")


def measure_bundled(repeat: int, work: Path) -> Runs:
    """``python build.py`` on the bundled deck, as a user runs it (git gives the epoch)."""
    runs = Runs()
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    for _ in range(repeat):
        run_process([sys.executable, "build.py", "--out", str(work / "bundled"), "-q"], runs, cwd=REPO, env=env)
    return runs


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--sizes", default="1000,10000,100000", help="deck sizes in cards (default: %(default)s)")
    cli.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best counts")
    cli.add_argument("--pdf-up-to", type=int, default=20_000, metavar="CARDS",
                     help="leave the PDF out of larger decks, on both sides: Typst keeps the whole "
                          "document in memory, some 1.5 GB for 10k cards (default: %(default)s)")
    cli.add_argument("--work", type=Path, help="folder for decks and outputs; its deck folders are made afresh (default: a temporary one)")
    cli.add_argument("--output", type=Path, help="also write the report (Markdown) to this file")
    cli.add_argument("--only-rebuild", action="store_true",
                     help="time only the cold build and the rebuild after a one-card edit, with their CPU time")
    args = cli.parse_args(argv)
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",")]
    if args.only_rebuild:
        work = args.work or Path(tempfile.mkdtemp(prefix="factdeck-bench-"))
        for count in sizes:
            print(measure_rebuild_only(count, work, args.repeat, args.pdf_up_to))
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    ankdown = find_ankdown()
    if ankdown is None:
        print("ankdown not found: the peer columns are left empty. Install it with "
              "pip install '.[bench]' (or pip install ankdown).", file=sys.stderr)
    work = args.work or Path(tempfile.mkdtemp(prefix="factdeck-bench-"))
    load_before = load_average()
    results = [measure_size(count, work, args.repeat, ankdown, args.pdf_up_to) for count in sizes]
    bundled = measure_bundled(max(args.repeat, 5), work)
    report = render(results, bundled, repeat=args.repeat,
                    load=f"{load_before} before, {load_average()} after")
    print(report)
    if args.output:
        args.output.write_text(report, encoding="utf-8")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
