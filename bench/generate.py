"""Synthetic decks for the benchmark: N cards in factdeck's format, and the same cards as Markdown.

The deck is deterministic for a seed and shaped like the bundled deck in
``cards/``: the same mix of kinds, fields of about the same lengths, one to
three sources per card, notes on a third of the cards, at most 1000 cards per
file (one subdeck each, its cards citing a dozen sources). A fifth of the
sources carry a saved text, and every quotation is a sentence of its source's
text, so the word-for-word quote check runs as it does on real decks. The deck is clean: no errors and no
warnings, so every card reaches the builders.

The Markdown copy is ankdown's format (front ``%`` back ``%`` tags, cards
split by ``---``), one folder per card file so both tools make the same decks.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

CARDS_PER_FILE = 1000
CARDS_PER_SOURCE = 50
SOURCES_PER_FILE = 12
FIRST_DAY = date(1917, 1, 1)
# Kind shares and field lengths (characters) as measured on the bundled deck.
KIND_SHARES = {"fact": 0.67, "figure": 0.09, "quote": 0.09, "term": 0.08, "date": 0.07}
LENGTHS = {
    "term": (17, 5), "definition": (104, 35), "event": (100, 25), "measure": (83, 20),
    "figure": (18, 10), "question": (99, 30), "answer": (48, 30), "by": (10, 4),
    "context": (121, 25), "note": (80, 40),
}
WORDS = """the of and a to in was were for by as on with from that at which party state plan
peasants grain farms collective industry workers production output tons coal steel iron oil
electricity tractors villages famine quota procurement kulaks deported regions harvest
livestock cattle horses decline policy campaign stalin committee central bolshevik soviet
union russia ukraine kazakhstan moscow leningrad magnitogorsk dnieper dam canal factory
million percent target figure year years decade first second five-year fulfilled reported
official estimate historians archive records show claimed achieved rapid forced voluntary
resistance slaughtered households private trade market prices rationing wages labour
shortage urban rural migration cities towns construction heavy light consumer goods
machine tractor stations brigades shock workers stakhanovite norms rates growth national
income investment budget exports imports foreign engineers specialists trial wreckers
purge terror press newspaper speech congress resolution decree directive local officials
secretary commissar people government countryside agriculture mechanization""".split()


@dataclass(frozen=True)
class SyntheticCard:
    id: str
    kind: str
    fields: dict[str, str]  # the kind's text fields, in the model's order
    sources: tuple[str, ...]
    note: str
    tags: tuple[str, ...]


class Writer:
    """Draws text of realistic lengths from a fixed vocabulary, deterministically."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def words(self, mean: int, spread: int, cap: int = 280) -> str:
        target = max(3, min(cap, int(self.rng.gauss(mean, spread))))
        out: list[str] = []
        while sum(map(len, out)) + len(out) < target:
            out.append(self.rng.choice(WORDS))
        return " ".join(out)

    def sentence(self, mean: int, spread: int) -> str:
        text = self.words(mean, spread)
        return text[0].upper() + text[1:]

    def field(self, name: str) -> str:
        return self.sentence(*LENGTHS[name])


def make_sources(writer: Writer, count: int) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    """Source entries for sources.yaml, and the sentences of those that have a saved text."""
    sources: dict[str, dict[str, str]] = {}
    texts: dict[str, list[str]] = {}
    written: set[str] = set()
    for n in range(count):
        key = f"source-{n:04d}"
        sources[key] = {"title": writer.sentence(40, 15), "author": writer.sentence(14, 4),
                        "site": writer.sentence(12, 4), "year": str(1990 + n % 35)}
        if n % 5 == 0:
            # Distinct sentences: a quotation taken from each must not repeat another.
            sentences = {writer.sentence(110, 40) + "." for _ in range(60)} - written
            written |= sentences
            texts[key] = sorted(sentences)
            sources[key]["text_file"] = f"texts/{key}.txt"
    return sources, texts


def make_cards(writer: Writer, count: int, sources: list[str], texts: dict[str, list[str]]) -> list[SyntheticCard]:
    kinds = list(KIND_SHARES)
    # Each quotation is a different sentence: two equal ones would be near-duplicate cards.
    unquoted = [(key, sentence) for key in sorted(texts) for sentence in texts[key]]
    writer.rng.shuffle(unquoted)
    dates = 0
    cards = []
    for n in range(count):
        kind = writer.rng.choices(kinds, weights=list(KIND_SHARES.values()))[0]
        if n % CARDS_PER_FILE == 0:  # a file is a topic, written from a handful of sources
            pool = writer.rng.sample(sources, min(SOURCES_PER_FILE, len(sources)))
        cited = tuple(sorted(set(writer.rng.choices(pool, k=writer.rng.choice((1, 1, 1, 2, 2, 3))))))
        if kind == "term":
            # The number keeps terms unique and out of their definitions (the linter would warn).
            fields = {"term": f"{writer.field('term')} {n:04d}", "definition": writer.field("definition")}
        elif kind == "date":
            # Dates are the front the near-duplicate check reads, so each is a different day.
            day = FIRST_DAY + timedelta(days=dates)
            dates += 1
            fields = {"date": f"{day.day} {day:%B %Y}", "event": f"{writer.field('event')} ({n})"}
        elif kind == "quote":
            source, sentence = unquoted.pop()
            cited = (source,)
            fields = {"quote": sentence, "by": writer.field("by"),
                      "context": f"{writer.field('context')} ({n})", "date": str(1920 + n % 20)}
        elif kind == "figure":
            fields = {"measure": f"{writer.field('measure')} in {1917 + n % 30} ({n})",
                      "figure": writer.field("figure")}
        else:
            fields = {"question": f"{writer.field('question')} ({n})?", "answer": writer.field("answer")}
        note = writer.field("note") if writer.rng.random() < 0.35 else ""
        tags = tuple(writer.rng.sample(["economy", "people", "policy", "numbers", "sources-disagree"],
                                       writer.rng.choice((0, 0, 1, 2))))
        cards.append(SyntheticCard(f"card-{n:06d}", kind, fields, cited, note, tags))
    return cards


def _yaml_text(text: str) -> str:
    """A double-quoted YAML scalar: our generated text has no quotes or backslashes."""
    return f'"{text}"'


def write_yaml_deck(folder: Path, cards: list[SyntheticCard], sources: dict[str, dict[str, str]],
                    texts: dict[str, list[str]]) -> None:
    folder.mkdir(parents=True)
    (folder / "deck.yaml").write_text(
        "name: Benchmark\ndescription: Synthetic cards for the benchmark.\ndeck_id: 1500000001\n"
        "guid_namespace: benchmark\nnote_type_ids:\n  term: 1500001000\n  date: 1500002000\n"
        "  quote: 1500003000\n  figure: 1500004000\n  fact: 1500005000\n", encoding="utf-8")
    lines = ["sources:"]
    for key, entry in sources.items():
        lines.append(f"  {key}:")
        lines += [f"    {name}: {_yaml_text(value)}" for name, value in entry.items()]
    (folder / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "texts").mkdir()
    for key, sentences in texts.items():
        (folder / "texts" / f"{key}.txt").write_text("\n\n".join(sentences) + "\n", encoding="utf-8")
    for number, chunk in enumerate(_chunks(cards)):
        lines = [f"deck: Part {number:03d}", f"tags: [part-{number:03d}]", "cards:"]
        for card in chunk:
            lines += [f"  - id: {card.id}", f"    kind: {card.kind}"]
            lines += [f"    {name}: {_yaml_text(value)}" for name, value in card.fields.items()]
            lines.append(f"    source: [{', '.join(card.sources)}]")
            if card.note:
                lines.append(f"    note: >-\n      {card.note}")
            if card.tags:
                lines.append(f"    tags: [{', '.join(card.tags)}]")
        (folder / f"part-{number:03d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_markdown_deck(folder: Path, cards: list[SyntheticCard], sources: dict[str, dict[str, str]]) -> None:
    """The same cards for ankdown: prompt on the front; answer, note and sources on the back."""
    for number, chunk in enumerate(_chunks(cards)):
        part = folder / f"part-{number:03d}"
        part.mkdir(parents=True)
        blocks = []
        for card in chunk:
            values = list(card.fields.values())
            back = [f"**{value}**" for value in values[1:] if value]
            back += [card.note] if card.note else []
            back += [f"*{sources[key]['title']}*" for key in card.sources]
            blocks.append(f"{values[0]}\n\n%\n\n" + "\n\n".join(back) + "\n\n%\n\n"
                          + ", ".join((card.kind, *card.tags)) + "\n")
        (part / "cards.md").write_text("\n---\n\n".join(blocks), encoding="utf-8")


def _chunks(cards: list[SyntheticCard]) -> list[list[SyntheticCard]]:
    return [cards[i:i + CARDS_PER_FILE] for i in range(0, len(cards), CARDS_PER_FILE)]


def generate(folder: Path, count: int, seed: int = 1) -> tuple[Path, Path]:
    """Write ``folder/cards`` (factdeck) and ``folder/markdown`` (ankdown); returns both."""
    writer = Writer(seed)
    sources, texts = make_sources(writer, max(5, count // CARDS_PER_SOURCE))
    cards = make_cards(writer, count, list(sources), texts)
    write_yaml_deck(folder / "cards", cards, sources, texts)
    write_markdown_deck(folder / "markdown", cards, sources)
    return folder / "cards", folder / "markdown"


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("folder", type=Path, help="where to write cards/ and markdown/ (must not exist)")
    cli.add_argument("--cards", type=int, default=1000)
    cli.add_argument("--seed", type=int, default=1)
    arguments = cli.parse_args()
    for path in generate(arguments.folder, arguments.cards, arguments.seed):
        print(path)
