"""Inputs within the caps cost bounded time and memory; over a cap, one error at its line."""

from __future__ import annotations

import random
import string

from card_folders import write_cards
from factdeck.readers import MAX_TEXT_CHARACTERS, SUGGESTION_BUDGET, Suggester


def test_a_card_text_over_the_cap_is_an_error_at_its_line(tmp_path, run_cli):
    cards = write_cards(tmp_path / "cards", [
        {"id": "long", "kind": "fact", "question": "Why?", "answer": "word " * (MAX_TEXT_CHARACTERS // 5 + 1),
         "source": "book"}])
    result = run_cli(cards, "--check")
    assert result.code == 1
    (line, summary) = result.err.splitlines()
    assert line.endswith(f":6:11: card 'long': 'answer' is too long: {MAX_TEXT_CHARACTERS + 4:,} characters, over "
                         f"the {MAX_TEXT_CHARACTERS:,}-character limit for one text; shorten it or split the card")
    assert summary == "factdeck: 1 error"


def test_a_text_at_the_cap_builds(tmp_path, run_cli):
    cards = write_cards(tmp_path / "cards", [
        {"id": "long", "kind": "fact", "question": "Why?", "answer": ("word " * MAX_TEXT_CHARACTERS)[:MAX_TEXT_CHARACTERS],
         "source": "book"}])
    assert run_cli(cards, "--check").code == 0


def test_did_you_mean_over_20000_keys_and_2000_misspellings_stays_within_its_budget():
    rng = random.Random(1)
    keys = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(6, 14))) for _ in range(20000)]
    suggester = Suggester(keys)
    compared = []
    for key in keys[:2000]:
        before = suggester.budget
        suggestion = suggester.suggest(key[:-1] + "-")
        compared.append(before - suggester.budget)
        if key is keys[0]:
            assert suggestion == f" (did you mean '{key}'?)"
    assert sum(compared) <= SUGGESTION_BUDGET
    assert max(compared) < len(keys) // 20  # only keys of the same first letter and a possible length are compared
    assert suggester.suggest(keys[1][:-1] + "-") == suggester.made[keys[1][:-1] + "-"]  # each word once


def test_long_texts_are_typeset_in_smaller_chunks_of_whole_sheets():
    from factdeck.builders.printing import chunks as pdf_chunks
    from factdeck.builders.printing.layout import plan
    from factdeck.builders.printing.options import PrintOptions

    layout = plan(200, PrintOptions())  # 9 cards a sheet: one compile, were the texts short
    assert pdf_chunks.chunks_of(layout, [300] * 200) == [layout]
    long = [3 * MAX_TEXT_CHARACTERS] * 200
    chunks = pdf_chunks.chunks_of(layout, long)
    assert len(chunks) > 1 and sum(len(chunk.pages) for chunk in chunks) == len(layout.pages)
    for chunk in chunks:
        assert chunk.pages[0].side == "front" and len(chunk.pages) % 2 == 0  # whole sheets
        cards = {face.index for page in chunk.pages for face in page.faces}
        assert sum(long[index] for index in cards) <= pdf_chunks.CHARACTERS_PER_COMPILE
