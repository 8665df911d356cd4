"""The benchmark's report: one Markdown table of times, ratios and memory, then the targets."""

from __future__ import annotations

import os
import platform
from typing import TYPE_CHECKING

from bench.measure import Runs

if TYPE_CHECKING:
    from bench.run import SizeResult

TARGET_SIZE = 10_000
TARGETS = {  # name: (limit, unit)
    "whole build vs floor (10k)": (1.3, "x"),
    "--check (10k)": (0.3, "s"),
    "--only apkg / ankdown (10k)": (1.0, "x"),
    "--only apkg / ankdown (100k)": (1.0, "x"),
    "peak memory (10k)": (400.0, "MB"),
    "100k time / 10k time, --only apkg": (11.0, "x"),
    "bundled deck, python build.py": (1.5, "s"),
    "rebuild after a one-card edit / cold build (10k)": (0.15, "x"),
}


def seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def megabytes(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} MB"


def ratio(ours: float | None, theirs: float | None) -> str:
    return f"{ours / theirs:.2f}x" if ours is not None and theirs else "–"


def render(results: list[SizeResult], bundled: Runs, repeat: int, load: str) -> str:
    lines = [
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}; load average {load}.",
        f"Best wall time of {repeat} runs; memory is the peak summed PSS of all the command's processes, sampled from /proc.",
        "",
        "| cards | measure | factdeck | floor | factdeck/floor | ankdown | factdeck/ankdown |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        def row(measure: str, ours: float | None, floor: float | None = None,
                peer: float | None = None, unit=seconds) -> None:
            lines.append(f"| {r.cards:,} | {measure} | {unit(ours)} | {unit(floor) if floor else '–'} | "
                         f"{ratio(ours, floor)} | {unit(peer) if peer else '–'} | {ratio(ours, peer)} |")

        peer = r.ankdown
        row("load + validate + lint", r.stages.best_stage("read"))
        for name in r.formats:
            row(f".{name} stage", r.stages.best_stage(name), r.floor.best_stage(name))
        row("`--check` (process)", r.check.best)
        row("`--only apkg` (process)", r.apkg_only.best, r.floor_apkg.best, peer.best if peer else None)
        row(f"whole build: {' + '.join(r.formats)} (process)", r.build.best, r.floor.best)
        if r.floor_text.seconds:
            row(".pdf stage, vs the text-only floor", r.stages.best_stage("pdf"), r.floor_text.best_stage("pdf-text"))
            row("whole build, vs the text-only floor", r.build.best, r.floor_text.best)
        row("peak memory, whole build", r.build.peak_mb, r.floor.peak_mb, unit=megabytes)
        row("peak memory, `--only apkg`", r.apkg_only.peak_mb, r.floor_apkg.peak_mb,
            peer.peak_mb if peer else None, unit=megabytes)
    lines += ["", "Incremental builds (the cache, `.factdeck-cache/`): the whole build into an empty cache, then",
              "again after one card's answer changed.", "",
              "| cards | cold, empty cache | rebuild after a one-card edit | rebuild/cold |", "|---:|---:|---:|---:|"]
    lines += [f"| {r.cards:,} | {seconds(r.cold_cached.best)} | {seconds(r.rebuild.best)} | "
              f"{ratio(r.rebuild.best, r.cold_cached.best)} |" for r in results if r.rebuild.seconds]
    lines += ["", "The floor typesets the same printed cards as factdeck (labels, text, note, sources, k/N, crop",
              "marks) without fitting them; the text-only floor, each face as one paragraph of 9 pt text.", "",
              f"Bundled deck, `python build.py` (start-up included): {seconds(bundled.best)}.", ""]
    lines += targets(results, bundled)
    return "\n".join(lines) + "\n"


def targets(results: list[SizeResult], bundled: Runs) -> list[str]:
    by_size = {r.cards: r for r in results}
    measured: dict[str, float | None] = {name: None for name in TARGETS}
    ten = by_size.get(TARGET_SIZE)
    if ten is not None:
        measured["whole build vs floor (10k)"] = ten.build.best / ten.floor.best
        measured["--check (10k)"] = ten.check.best
        measured["peak memory (10k)"] = ten.build.peak_mb
        if 10 * TARGET_SIZE in by_size:  # --only apkg: the one build both sizes run (see --pdf-up-to)
            measured["100k time / 10k time, --only apkg"] = (by_size[10 * TARGET_SIZE].apkg_only.best
                                                            / ten.apkg_only.best)
        if ten.rebuild.seconds:
            measured["rebuild after a one-card edit / cold build (10k)"] = ten.rebuild.best / ten.cold_cached.best
    for size, name in ((TARGET_SIZE, "--only apkg / ankdown (10k)"), (10 * TARGET_SIZE, "--only apkg / ankdown (100k)")):
        result = by_size.get(size)
        if result is not None and result.ankdown is not None and result.ankdown.seconds:
            measured[name] = result.apkg_only.best / result.ankdown.best
    measured["bundled deck, python build.py"] = bundled.best
    lines = ["| target | limit | measured | met |", "|---|---:|---:|:---:|"]
    for name, (limit, unit) in TARGETS.items():
        value = measured[name]
        shown = "not measured" if value is None else f"{value:.2f} {unit}"
        met = "–" if value is None else ("yes" if value <= limit else "**no**")
        lines.append(f"| {name} | {limit:g} {unit} | {shown} | {met} |")
    return lines
