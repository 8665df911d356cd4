"""A deck that uses every rich feature: markup, pictures on both sides, alt text and sound."""

from __future__ import annotations

import shutil
from pathlib import Path

from media_files import png, wav

ROOTS = Path(__file__).parent / "roots"

RICH_CARDS = """\
deck: Rich
cards:
  - id: ukraine
    kind: term
    term: Ukraine
    definition: The region where the famine was *most* severe.
    image: pictures/ukraine-map.png
    image_alt: Map of Soviet Ukraine
    answer_image: pictures/harvest.png
    audio: sounds/ukraine.wav
    source: book
    note: "See [the map](https://example.org/map) and:\\n\\n- one\\n- **two**"
  - id: plain-fact
    kind: fact
    question: What is 2 \\* 3, with a `literal` \\*?
    answer: "Six:\\n\\n1. count\\n2. check"
    source: book
"""


def rich_deck(folder: Path, markup: bool = True) -> Path:
    """``minimal``'s cards plus the rich card file and its media, in ``folder``/cards; returns that path."""
    cards = folder / "cards"
    shutil.copytree(ROOTS / "minimal", cards)
    if markup:
        with (cards / "deck.yaml").open("a", encoding="utf-8") as stream:
            stream.write("markup: markdown\n")
    (cards / "pictures").mkdir()
    (cards / "sounds").mkdir()
    (cards / "pictures" / "ukraine-map.png").write_bytes(png(120, 80, seed=1))
    (cards / "pictures" / "harvest.png").write_bytes(png(60, 90, seed=2))
    (cards / "sounds" / "ukraine.wav").write_bytes(wav())
    (cards / "rich.yaml").write_text(RICH_CARDS, encoding="utf-8")
    return cards
