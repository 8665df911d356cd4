"""A CJK deck's print against a Latin one's: PDF size and build time, same cards, same shape.

    python bench/scripts.py [--cards 1000] [--runs 3]

Each deck has N term cards of the same number of words; the Japanese one draws
its words from kanji and kana, with ``language: ja``, and needs
``pip install 'factdeck[fonts]'``. Typst embeds only the glyphs a PDF uses, so
the CJK PDF should stay close to the Latin one in size. Prints one line a deck:
the fastest of the runs of ``build.py --only pdf`` and the PDF's size.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LATIN = ("grain plan farm state party worker steel coal village famine harvest quota tractor "
         "factory output union committee canal dam decade").split()
JAPANESE = ("日本 言葉 学校 先生 学生 電車 東京 大阪 山 川 花 雨 雪 時間 今日 明日 昨日 友達 家族 仕事 "
            "ひらがな カタカナ 漢字 勉強 図書館 新聞 音楽 映画 料理 旅行 季節 天気").split()
SETTINGS = """name: {name}
deck_id: 1234567890
guid_namespace: bench-{name}
{language}note_type_ids:
  term: 1300000001
  date: 1300000101
  quote: 1300000201
  figure: 1300000301
  fact: 1300000401
"""


def write_deck(folder: Path, words: list[str], cards: int, language: str, joiner: str) -> None:
    """``cards`` term cards of words from ``words`` (seeded: the same deck each run)."""
    rng = random.Random(15)
    folder.mkdir(parents=True)
    (folder / "deck.yaml").write_text(SETTINGS.format(
        name=language or "latin", language=f"language: {language}\n" if language else ""), encoding="utf-8")
    (folder / "sources.yaml").write_text("sources:\n  book:\n    title: A Book\n", encoding="utf-8")
    lines = ["deck: Words", "cards:"]
    for index in range(cards):
        # Terms from the first half of the words, definitions from the second: no definition gives its term away.
        half = len(words) // 2
        term = joiner.join(rng.sample(words[:half], 2)) + f" {index}"
        definition = joiner.join(rng.choice(words[half:]) for _ in range(12))
        lines += [f"  - id: card-{index}", "    kind: term", f"    term: \"{term}\"",
                  f"    definition: \"{definition}\"", "    source: book"]
    (folder / "cards.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def build(folder: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, str(REPO / "build.py"), str(folder), "--out", str(out), "--only", "pdf",
                    "-q"], check=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    decks = (("latin", LATIN, "", " "), ("japanese", JAPANESE, "ja", ""))
    with tempfile.TemporaryDirectory() as work:
        for name, words, language, joiner in decks:
            write_deck(Path(work) / name, words, args.cards, language, joiner)
        times: dict[str, list[float]] = {name: [] for name, *_ in decks}
        for _ in range(args.runs):  # taken in turns, so a busy machine slows both alike
            for name in times:
                times[name].append(build(Path(work) / name, Path(work) / f"{name}-out"))
        for name, seconds in times.items():
            (pdf,) = (Path(work) / f"{name}-out").glob("*.pdf")
            print(f"{name:9} {args.cards} cards: {min(seconds):.2f} s (fastest of {args.runs}), "
                  f"PDF {pdf.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
