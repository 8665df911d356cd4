"""What Anki asks and how its browser lists it: 'reverse: false', date order, searchable field names."""

from __future__ import annotations

from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from factdeck.builders.anki import ANKI_SEARCH_KEYWORDS, field_names
from factdeck.model import CARD_KINDS


@pytest.fixture
def imported(case, run_cli, tmp_path):
    """The anki-directions cards built and imported; (collection, what the build printed)."""
    result = run_cli(case("anki-directions"), "--only", "apkg")
    assert result.code == 0, result.err
    col = Collection(str(tmp_path / "collection.anki2"))
    request = ImportAnkiPackageRequest(package_path=str(Path("dist/minimal.apkg")), options=ImportAnkiPackageOptions())
    col.import_anki_package(request)
    yield col, result.out
    col.close()


def asked(col: Collection, card_id: str) -> list[str]:
    (nid,) = col.find_notes(f'"Card ID:{card_id}"')
    return sorted(card.template()["name"] for card in col.get_note(nid).cards())


def test_reverse_false_asks_a_card_the_first_way_only(imported):
    col, printed = imported
    assert asked(col, "kolkhoz") == ["Definition → Term", "Term → Definition"]
    assert asked(col, "sovkhoz") == ["Term → Definition"]  # 'reverse: false' on the card
    assert asked(col, "mts") == ["Term → Definition"]  # ... and on its file
    assert asked(col, "plan-ended") == ["Event → Date"]
    assert asked(col, "plan-adopted") == ["Date → Event", "Event → Date"]
    assert asked(col, "why") == ["Question → Answer"]
    assert f", {col.card_count()} Anki cards in " in printed and col.card_count() == 14


def test_a_one_way_card_stays_one_way_when_edited_in_anki(imported):
    col, _ = imported
    (nid,) = col.find_notes('"Card ID:sovkhoz"')
    note = col.get_note(nid)
    note["Definition"] += " (edited)"
    col.update_note(note)  # Anki makes any card whose front now shows something: none here
    assert asked(col, "sovkhoz") == ["Term → Definition"]


def test_date_notes_sort_in_time_order_in_the_browser(imported):
    col, _ = imported
    (date_type,) = [m.id for m in col.models.all_names_and_ids() if m.name.startswith("Date ")]
    # The browser's "Sort Field" column orders by the notes' sort field, as Anki stores it.
    rows = col.db.list("select n.id from notes n where n.mid = ? order by n.sfld collate nocase", date_type)
    dates = [col.get_note(nid)["Date"] for nid in rows]
    assert dates == ["December 1927", "1928", "1928", "1932-33", "1960"]


@pytest.mark.parametrize("kind", list(CARD_KINDS))
def test_no_field_is_named_like_an_anki_search_keyword(kind):
    names = field_names(CARD_KINDS[kind])
    assert not [name for name in names if name.lower() in ANKI_SEARCH_KEYWORDS]
    assert len({name.lower() for name in names}) == len(names)


def test_every_field_can_be_searched_by_its_name(imported):
    col, _ = imported
    for model in [col.models.get(m.id) for m in col.models.all_names_and_ids() if "(Minimal)" in m.name]:
        of_type = set(col.find_notes(f'"note:{model["name"]}"'))
        for field in model["flds"]:
            name = field["name"]
            filled = {nid for nid in of_type if col.get_note(nid)[name]}
            assert set(col.find_notes(f'"{name}:_*"')) & of_type == filled, (model["name"], name)
