"""The line reader (factdeck/yaml_lines.py) makes exactly the full parser's tree, or leaves the file to it.

Every file the line reader accepts must give the same tree as PyYAML's events
through the tree builder, with the same texts, positions, nulls and comments,
and must be a file the full parser reads without a problem; everything else
it must refuse (None), so that the full parser reports it.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from conftest import ROOTS
from factdeck import load
from factdeck.errors import ProblemLog
from factdeck.yaml_lines import read_lines
from factdeck.yaml_tree import TreeBuilder, YamlValue

REPO = Path(__file__).resolve().parent.parent


def full_tree(text: str) -> tuple[YamlValue | None, ProblemLog] | None:
    """The full parser's tree and problems; None for a syntax error or a file without a document."""
    log = ProblemLog()
    builder = TreeBuilder("cards/x.yaml", text, log)
    try:
        root = builder.build(iter(yaml.CSafeLoader(text).get_event, None))
    except yaml.YAMLError:
        return None
    return (root, log) if builder.documents else None


def assert_same_or_refused(text: str) -> bool:
    """True when the line reader read ``text``, after checking it read it as the full parser does."""
    fast = read_lines("cards/x.yaml", text)
    if fast is None:
        return False
    full = full_tree(text)
    assert full is not None, f"accepted a file the full parser refuses:\n{text}"
    root, log = full
    assert not log.problems, f"accepted a file with problems {[p.format() for p in log.problems]}:\n{text}"
    assert fast == root, f"a different tree:\n{text}"
    return True


def yaml_files() -> list[Path]:
    return sorted([*ROOTS.rglob("*.yaml"), *(REPO / "cards").glob("*.yaml")])


def readable(path: Path) -> str | None:
    """The file's text as the loader gives it to the readers, or None when the loader refuses it first."""
    try:
        text = path.read_text(encoding="utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return None
    return None if load._NOT_ALLOWED.search(text) else text


def test_the_bundled_deck_and_the_roots_read_alike() -> None:
    texts = [text for text in map(readable, yaml_files()) if text is not None]
    accepted = sum(assert_same_or_refused(text) for text in texts)
    cards = [text for path, text in zip(yaml_files(), texts) if path.parent == REPO / "cards"]
    assert all(read_lines("cards/x.yaml", text) is not None for text in cards)  # the common case is fast
    assert accepted > len(texts) // 2


@pytest.mark.parametrize("text", [
    "deck: D\ncards:\n  - id: a\n    note: >-\n      one\n      two\n    kind: fact\n",
    "deck: D\ncards:\n- id: a\n  note: >\n    one\n    two\n\n- id: b\n",
    "deck: D\nnote: |\n  one\n  two\n",
    "deck: D\nnote: |-\n  one\n  # not a comment\n# a comment\nx: y",
    "deck: D\nnote: >\n  no final line break",
    "tags: [a, b-c,  d ]\nsource: []\nx: [null, ~, two words]\n",
    "a: 'it''s'   \nb: \"x: y # z\"  # comment\nc: plain text   \nd: ~\ne: null\nf: C# and [brackets], {braces}\n",
    "a:\n  b:\n    c: d\n  e:\n  - f\n  - g: h\n    i: j\n",
    "a: x\n\n\n# comment\n   # indented comment\nb: y\n",
])
def test_the_subset_reads_as_yaml_does(text: str) -> None:
    assert assert_same_or_refused(text)


@pytest.mark.parametrize("text", [
    "a:\tb\n",                               # a tab
    "a: &x b\nc: *x\n",                      # an anchor and an alias
    "a: !tag b\n",                           # a tag
    "a: b\na: c\n",                          # a repeated key
    "a:\nb: c\n",                            # a key without a value
    "a: one\n  two\n",                       # plain text over two lines
    "a: b # comment\n",                      # a comment that cuts a plain text
    "a: b: c\n",                             # ': ' in plain text
    "a: 'open\n",                            # an unclosed quote
    "a: \"esc\\\"ape\"\n",                   # an escape
    "a: >\n  one\n\n  two\n",                # a blank line inside a block
    "a: >\n  one\n    more\n",               # a more indented line in a block
    "a: [b, ]\n",                            # a trailing comma
    "a: [b: c]\n",                           # a mapping in a flow list
    "---\na: b\n",                           # a document marker
    "- a\n- b\n",                            # a list at the top
    "<<: {a: b}\n",                          # a merge key
    "# only a comment\n",
])
def test_anything_else_is_left_to_the_full_parser(text: str) -> None:
    assert read_lines("cards/x.yaml", text) is None


PIECES = [":", ": ", " #", "#", "-", "- ", " ", "  ", "'", '"', "''", "[", "]", ",", ", ", "{", "}", "&a",
          "*a", "!", "|", ">", ">-", "|-", "\n", "\n\n", "~", "null", "x", "? ", "%", "@", "\\", "key: v\n",
          "  - ", "\n  ", "…", "é", "\u00a0"]


def mutated(rng: random.Random, seeds: list[str]) -> str:
    """A card file with a few characters inserted, deleted or a line repeated: what editing slips make."""
    lines = rng.choice(seeds).split("\n")
    if len(lines) > 60:
        start = rng.randrange(len(lines) - 40)
        lines = lines[:3] + lines[start:start + 40]
    text = "\n".join(lines)
    for _ in range(rng.choice([1, 1, 2, 3])):
        roll, at = rng.random(), rng.randrange(len(text) + 1)
        if roll < 0.5:
            text = text[:at] + rng.choice(PIECES) + text[at:]
        elif roll < 0.8:
            text = text[:at] + text[at + rng.randint(1, 3):]
        else:
            lines = text.split("\n")
            lines.insert(rng.randrange(len(lines)), rng.choice(lines))
            text = "\n".join(lines)
    return text


def test_mutated_card_files_read_alike_or_are_refused() -> None:
    seeds = [text for text in map(readable, yaml_files()) if text is not None]
    rng = random.Random(19)
    accepted = 0
    for _ in range(3000):
        text = mutated(rng, seeds)
        if load._NOT_ALLOWED.search(text) is None:
            accepted += assert_same_or_refused(text)
    assert accepted > 300  # the comparison ran on many accepted files, not only on refused ones
