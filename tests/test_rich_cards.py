"""A deck with markup, pictures and sound: in a real Anki collection, on paper, and refused when broken."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.sound import SoundOrVideoTag

from media_files import png
from rich_decks import rich_deck

IF_NEWER = 0


def import_package(col: Collection, package: Path) -> None:
    options = ImportAnkiPackageOptions(update_notes=IF_NEWER, update_notetypes=IF_NEWER, with_scheduling=False)
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options))


@pytest.fixture
def build(run_cli, monkeypatch, tmp_path):
    def run(cards: Path, *only: str, epoch: int = 1700000000, out: Path | None = None) -> Path:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
        out = out or tmp_path / "dist"
        args = [arg for name in only or ("apkg",) for arg in ("--only", name)]
        result = run_cli(cards, "--out", out, *args)
        assert result.code == 0, result.err
        return out

    return run


def cards_of(col: Collection, search: str) -> list:
    return [col.get_card(card_id) for card_id in col.find_cards(search)]


def test_pictures_and_sound_arrive_in_anki(tmp_path, build, collection):
    cards = rich_deck(tmp_path)
    (package,) = build(cards).glob("*.apkg")
    import_package(collection, package)
    media = Path(collection.media.dir())
    originals = {path.read_bytes() for path in (cards / "pictures").iterdir()} | \
        {(cards / "sounds" / "ukraine.wav").read_bytes()}
    assert {path.read_bytes() for path in media.iterdir() if path.is_file()} == originals
    (asks_term, asks_definition) = sorted(cards_of(collection, "Ukraine"), key=lambda c: c.ord)
    for card in (asks_term, asks_definition):
        question, answer = card.question(), card.answer()
        pictures = re.findall(r'<img src="([^"]+)" alt="([^"]*)"', question)
        assert len(pictures) == 1 and pictures[0][1] == "Map of Soviet Ukraine"
        assert (media / pictures[0][0]).read_bytes() == (cards / "pictures" / "ukraine-map.png").read_bytes()
        answer_pictures = re.findall(r'<img src="([^"]+)"', answer)
        assert (media / answer_pictures[-1]).read_bytes() == (cards / "pictures" / "harvest.png").read_bytes()
        # The sound plays with the answer, not the question.
        assert card.question_av_tags() == []
        (sound,) = card.answer_av_tags()
        assert isinstance(sound, SoundOrVideoTag) and sound.filename.endswith(".wav")
        assert (media / sound.filename).read_bytes() == (cards / "sounds" / "ukraine.wav").read_bytes()
    # Markup reached the HTML as elements, the literal star as text.
    assert "<em>most</em>" in asks_term.answer()
    assert '<a href="https://example.org/map">the map</a>' in asks_term.answer()
    assert "<li><strong>two</strong></li>" in asks_term.answer()
    (fact,) = cards_of(collection, "literal")
    assert "What is 2 * 3, with a <code>literal</code> *?" in fact.question()
    assert "<ol><li>count</li><li>check</li></ol>" in fact.answer()


def test_a_changed_picture_reaches_a_collection_that_has_the_old_one(tmp_path, build, collection):
    cards = rich_deck(tmp_path)
    (first,) = build(cards, out=tmp_path / "v1").glob("*.apkg")
    import_package(collection, first)
    picture = cards / "pictures" / "ukraine-map.png"
    picture.write_bytes(png(120, 80, seed=99))
    (second,) = build(cards, epoch=1700000999, out=tmp_path / "v2").glob("*.apkg")
    import_package(collection, second)
    (card, _) = cards_of(collection, "Ukraine")
    (name,) = re.findall(r'<img src="([^"]+)" alt="Map', card.question())
    assert (Path(collection.media.dir()) / name).read_bytes() == picture.read_bytes()


def test_the_rich_deck_builds_byte_for_byte_again(tmp_path, build):
    cards = rich_deck(tmp_path)
    first = build(cards, "apkg", "pdf", "csv", out=tmp_path / "one")
    second = build(cards, "apkg", "pdf", "csv", out=tmp_path / "two")
    names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_pictures_print_inside_their_cards(tmp_path, build):
    cards = rich_deck(tmp_path)
    (pdf,) = build(cards, "pdf").glob("*.pdf")
    with pdfplumber.open(pdf) as document:
        front = document.pages[0]
        words = front.extract_words()
        images = front.images
    # The question's picture on the Ukraine card's front, the answer's on its back.
    assert len(images) == 1
    (image,) = images
    assert (image["srcsize"]) == (120, 80)  # at its own resolution
    ukraine = next(w for w in words if w["text"] == "Ukraine")
    # The picture is above the term, inside the same card.
    assert image["bottom"] <= ukraine["top"] and abs((image["x0"] + image["x1"]) / 2 - (ukraine["x0"] + ukraine["x1"]) / 2) < 30


def test_without_markup_the_text_stays_as_written(tmp_path, build, collection):
    cards = rich_deck(tmp_path, markup=False)
    (package,) = build(cards).glob("*.apkg")
    import_package(collection, package)
    (card, _) = cards_of(collection, "Ukraine")
    assert "The region where the famine was *most* severe." in card.answer()
    assert "[the map](https://example.org/map)" in card.answer()


BAD_MEDIA = [
    ("image: /etc/hostname.png", "'image': '/etc/hostname.png' is an absolute path"),
    ("image: ../outside.png", "'image': '../outside.png' climbs out with '..'"),
    ("image: pictures/escape.png", "'image': 'pictures/escape.png' leads out of the cards folder"),
    ("image: pictures/nothing.png", "'image': 'pictures/nothing.png' not found"),
    ("image: pictures/fake.png", "'image': 'pictures/fake.png' is not a PNG file"),
    ("answer_image: pictures/huge.png", "'answer_image': 'pictures/huge.png' is 2.0 MiB"),
    ("audio: pictures/ukraine-map.png", "'audio': 'pictures/ukraine-map.png' is not a known audio type"),
    ('note: "[x](javascript:alert(1))"', "'note': link to 'javascript:alert(1)' refused"),
]


def test_every_bad_path_or_file_is_refused_at_its_line(tmp_path, run_cli):
    cards = rich_deck(tmp_path)
    (tmp_path / "outside.png").write_bytes(png(4, 4))
    (cards / "pictures" / "escape.png").symlink_to(tmp_path / "outside.png")
    (cards / "pictures" / "fake.png").write_bytes(b"\xff\xd8\xff\xe0 a JPEG")
    (cards / "pictures" / "huge.png").write_bytes(png(4, 4) + b"\0" * (2 * 1024 * 1024))
    lines = ["deck: Bad", "cards:"]
    expected = []
    for index, (field, message) in enumerate(BAD_MEDIA):
        lines += [f"  - id: bad-{index}", "    kind: fact", "    question: Q?", "    answer: A", "    source: book",
                  f"    {field}"]
        expected.append(f"bad.yaml:{len(lines)}:{len(field.split(':')[0]) + 7}: card 'bad-{index}': {message}")
    (cards / "bad.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "dist"
    result = run_cli(cards, "--out", out)
    assert result.code != 0
    for line in expected:
        assert line in result.err, (line, result.err)
    assert "Traceback" not in result.err
    assert not out.exists()


def test_a_cloze_text_stays_plain_with_markup_on_and_its_note_does_not(tmp_path, build, collection):
    from card_folders import write_cards

    cards = write_cards(tmp_path / "cards", [{"id": "crew", "kind": "cloze", "source": "book",
                                              "text": "{{c1::Armstrong}} said *one small step*",
                                              "note": "A *famous* line"}], markup="markdown",
                        note_type_ids={"cloze": "1200000501"})
    (package,) = build(cards).glob("*.apkg")
    import_package(collection, package)
    (card,) = cards_of(collection, "Armstrong")
    assert "said *one small step*" in card.answer() and "A <em>famous</em> line" in card.answer()
