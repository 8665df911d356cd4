"""note_type_ids: needed only for the kinds a deck uses; a missing one is proposed, clear of the rest."""

from __future__ import annotations

from pathlib import Path

from factdeck.model import NOTE_TYPE_ID_ROOM
from factdeck.note_type_ids import ID_RANGE, proposed_id

CLOZE_ONLY = """\
deck: Cloze
cards:
  - id: first-cloze
    kind: cloze
    text: "Collectivization began in {{c1::1929}}."
    source: book
"""


def test_a_deck_lists_ids_only_for_the_kinds_it_uses(case, run_cli):
    cards = case("minimal")
    (cards / "cards.yaml").write_text(CLOZE_ONLY, encoding="utf-8")
    (cards / "deck.yaml").write_text("name: Minimal\ndeck_id: 1111111111\nguid_namespace: minimal-test\n"
                                     "note_type_ids:\n  cloze: 1200000501\n", encoding="utf-8")
    result = run_cli(cards, "--out", "dist", "--only", "apkg")
    assert result.code == 0, result.err
    assert "1 note, 1 Anki card in 2 decks" in result.out


def test_an_unusable_id_is_reported_once_not_again_as_missing(case, run_cli):
    cards = case("minimal")
    (cards / "cloze.yaml").write_text(CLOZE_ONLY, encoding="utf-8")
    settings = cards / "deck.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "  cloze: twelve\n", encoding="utf-8")
    result = run_cli(cards, "--check")
    assert result.err == ("cards/deck.yaml:10:10: 'note_type_ids.cloze': expected a positive whole number, "
                          "got 'twelve'\nfactdeck: 1 error\n")


def test_a_proposed_id_is_the_same_every_time_and_clear_of_the_deck_s_ids():
    first = proposed_id("1111111111", "cloze", [])
    assert first == proposed_id("1111111111", "cloze", []) and ID_RANGE[0] <= first < ID_RANGE[1]
    assert proposed_id("2222222222", "cloze", []) != first
    crowded = [first - 50, first + 10, first + 120]
    moved = proposed_id("1111111111", "cloze", crowded)
    assert all(abs(moved - other) >= NOTE_TYPE_ID_ROOM for other in crowded)


def test_a_missing_id_is_reported_for_card_files_the_cache_kept(case, run_cli):
    """The check looks at the whole deck: a card file read from the cache still needs its kinds' ids."""
    cards = case("minimal")
    (cards / "cloze.yaml").write_text(CLOZE_ONLY, encoding="utf-8")
    (cards / "more-cloze.yaml").write_text(CLOZE_ONLY.replace("first-cloze", "second-cloze"), encoding="utf-8")
    for build in range(2):
        result = run_cli(cards, "--out", "dist", "--only", "apkg")
        assert result.code == 1
        assert "'note_type_ids' has no id for kind 'cloze', which the card at cards/cloze.yaml:4:11" in result.err
    (cards / "cloze.yaml").unlink()  # the other file's cards now come from the cache
    result = run_cli(cards, "--out", "dist", "--only", "apkg")
    assert result.code == 1, result.err
    assert "'note_type_ids' has no id for kind 'cloze', which the card at cards/more-cloze.yaml:4:11" in result.err
    assert not Path("dist").exists() or not list(Path("dist").iterdir())
