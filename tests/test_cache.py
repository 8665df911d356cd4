"""The build cache: a rebuild after an edit is byte-identical to a fresh build and redoes only what changed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pypdf
import pytest

from factdeck.builders.printing import chunks as pdf_chunks
from factdeck.builders.printing.builder import PdfBuilder
from factdeck.builders.printing.kept import measured_more
from factdeck.cache import FOLDER_NAME, Cache, cache_for

REPO = Path(__file__).parent.parent
EVERY_FORMAT = ("--only", "apkg", "--only", "pdf", "--only", "csv", "--only", "tsv", "--only", "timeline",
                "--preview")
SHEETS = 3  # the bundled deck's 24 sheets become eight chunks


@pytest.fixture
def deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled deck, printed in chunks of a few sheets so that one edit touches one chunk."""
    monkeypatch.setattr(pdf_chunks, "SHEETS_PER_CHUNK", SHEETS)
    monkeypatch.setattr(pdf_chunks, "ONE_COMPILE_SHEETS", 0)
    shutil.copytree(REPO / "cards", tmp_path / "deck" / "cards")
    return tmp_path / "deck" / "cards"


def outputs(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def entries(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}


def edit_one_card(cards: Path) -> None:
    path = cards / "industrialization.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("answer: Heavy industry.") == 1
    path.write_text(text.replace("answer: Heavy industry.", "answer: Heavy industry, first."), encoding="utf-8")


def test_a_rebuild_after_an_edit_is_the_fresh_build_byte_for_byte(run_cli, deck, tmp_path, own_build_cache):
    assert run_cli(deck, "--out", tmp_path / "cold", *EVERY_FORMAT).code == 0
    kept = entries(own_build_cache)
    edit_one_card(deck)
    warm = run_cli(deck, "--out", tmp_path / "warm", *EVERY_FORMAT)
    fresh = run_cli(deck, "--out", tmp_path / "fresh", "--no-cache", *EVERY_FORMAT)
    assert warm.code == fresh.code == 0 and warm.err == fresh.err
    assert set(outputs(tmp_path / "warm")) == {"stalins-ussr.apkg", "stalins-ussr.pdf", "stalins-ussr.csv",
                                               "stalins-ussr.tsv", "stalins-ussr-timeline.pdf",
                                               "stalins-ussr-preview.png"}
    assert outputs(tmp_path / "warm") == outputs(tmp_path / "fresh")
    assert outputs(tmp_path / "warm") != outputs(tmp_path / "cold")
    # New: the edited file's checked cards, its one chunk (known by its cards, by the texts it measured and
    # by its source) and that chunk's texts' sample; at most the probe too (a new pair of letters); never
    # the other seven chunks.
    assert 5 <= len(entries(own_build_cache) - kept) <= 6


def test_an_edit_that_the_probe_measures_anew_renders_only_its_own_chunk(run_cli, deck, tmp_path, own_build_cache,
                                                                          monkeypatch):
    assert run_cli(deck, "--out", tmp_path / "cold", "--only", "pdf").code == 0
    rendered = []
    render = PdfBuilder.source

    def counted(self, *args, **kwargs):
        rendered.append(args[1])
        return render(self, *args, **kwargs)

    monkeypatch.setattr(PdfBuilder, "source", counted)
    path = deck / "industrialization.yaml"
    text = path.read_text(encoding="utf-8")
    # Pairs of letters no card had: the probe measures them, and only texts holding them measure otherwise.
    path.write_text(text.replace("answer: Heavy industry.", "answer: Heavy industry (Qzxq)."), encoding="utf-8")
    warm = run_cli(deck, "--out", tmp_path / "warm", "--only", "pdf")
    assert warm.code == 0 and len(rendered) == 1
    fresh = run_cli(deck, "--out", tmp_path / "fresh", "--only", "pdf", "--no-cache")
    assert fresh.code == 0 and len(rendered) == 1 + 24 // SHEETS
    assert outputs(tmp_path / "warm") == outputs(tmp_path / "fresh")


def test_an_unchanged_rebuild_keeps_every_entry_and_the_outputs(run_cli, deck, tmp_path, own_build_cache):
    assert run_cli(deck, "--out", tmp_path / "first", *EVERY_FORMAT).code == 0
    kept = entries(own_build_cache)
    assert run_cli(deck, "--out", tmp_path / "second", *EVERY_FORMAT).code == 0
    assert entries(own_build_cache) == kept
    assert outputs(tmp_path / "first") == outputs(tmp_path / "second")


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[:len(data) // 2])
    elif how == "flipped":
        path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    elif how == "foreign":
        path.write_bytes(b"import os; os.system('echo pwned')\n")
    elif how == "empty":
        path.write_bytes(b"")


@pytest.mark.parametrize("how", ["truncated", "flipped", "foreign", "empty", "swapped"])
def test_a_damaged_cache_is_ignored_and_rebuilt(run_cli, deck, tmp_path, own_build_cache, how):
    assert run_cli(deck, "--out", tmp_path / "fresh", "--no-cache", *EVERY_FORMAT).code == 0
    assert run_cli(deck, "--out", tmp_path / "first", *EVERY_FORMAT).code == 0
    paths = sorted(own_build_cache.iterdir())
    if how == "swapped":  # each entry holds another's payload: a file copied under the wrong name
        payloads = [path.read_bytes() for path in paths]
        for path, payload in zip(paths, payloads[1:] + payloads[:1]):
            path.write_bytes(payload)
    else:
        for path in paths:
            damage(path, how)
    (own_build_cache / ".writing-left-by-a-killed-build").write_bytes(b"factdeck-cache 1 half")
    result = run_cli(deck, "--out", tmp_path / "again", *EVERY_FORMAT)
    assert result.code == 0 and "Traceback" not in result.err
    assert outputs(tmp_path / "again") == outputs(tmp_path / "fresh")
    assert all(Cache(own_build_cache).get(path.name.removesuffix(".entry")) is not None
               for path in own_build_cache.glob("*.entry"))  # made again, whole


def test_no_cache_keeps_nothing_and_cache_dir_moves_it(run_cli, deck, tmp_path, own_build_cache):
    assert run_cli(deck, "--out", tmp_path / "a", "--only", "csv", "--no-cache").code == 0
    assert not own_build_cache.exists()
    moved = tmp_path / "elsewhere"
    assert run_cli(deck, "--out", tmp_path / "b", "--only", "csv", "--cache", moved).code == 0
    assert not own_build_cache.exists() and any(moved.glob("*.entry"))


def test_the_cache_is_beside_the_cards_folder_by_default(tmp_path):
    assert cache_for(tmp_path / "cards", None).folder == tmp_path / FOLDER_NAME
    assert cache_for(tmp_path / "cards", None, enabled=False).folder is None
    for gitignore in (REPO / ".gitignore", REPO / "templates/scaffold/gitignore"):
        assert f"{FOLDER_NAME}/" in gitignore.read_text().splitlines()


@pytest.mark.parametrize("name", ["warnings", "yaml-trailing-comment"])
def test_warnings_of_a_kept_card_file_are_reported_again(run_cli, case, own_build_cache, name):
    cards = case(name)
    first = run_cli(cards, "--only", "csv", "--out", "dist")
    assert any(own_build_cache.glob("*.entry"))
    second = run_cli(cards, "--only", "csv", "--out", "dist")
    assert first.code == second.code == 0 and "warning" in first.err and second.err == first.err


def test_the_least_recently_used_entries_go_once_the_bound_is_passed(tmp_path):
    store = Cache(tmp_path, limit_bytes=3 * 1200)
    for index in range(5):
        store.put(f"{index:064x}", bytes(1000))
        os.utime(tmp_path / f"{index:064x}.entry", ns=(index * 10**9, index * 10**9))
    assert store.get(f"{0:064x}") is not None  # used now: the newest
    store.prune()
    assert len(list(tmp_path.iterdir())) == 3
    assert [store.get(f"{index:064x}") is not None for index in range(5)] == [True, False, False, True, True]


def test_a_cache_that_cannot_be_written_is_only_slower(run_cli, deck, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("in the way")
    result = run_cli(deck, "--out", tmp_path / "out", "--only", "csv", "--cache", blocked)
    assert result.code == 0 and (tmp_path / "out" / "stalins-ussr.csv").is_file()


def test_a_template_that_reads_other_cards_is_rendered_again_for_every_chunk(run_cli, deck, tmp_path):
    """A chunk is known by its own cards only if its rendering read no other: here each page shows card 0's id."""
    restyled = deck.parent / "templates" / "print"
    restyled.mkdir(parents=True)
    layout = (REPO / "templates" / "print" / "cards.typ").read_text(encoding="utf-8")
    assert layout.count("#page[\n<< sheet(page) >>\n]") == 1
    restyled.joinpath("cards.typ").write_text(layout.replace(
        "#page[\n<< sheet(page) >>\n]",
        "#page[\n<< sheet(page) >>\n#place(bottom + left, text(5pt, << cards[0].id|typst_string >>))\n]"),
        encoding="utf-8")
    assert run_cli(deck, "--out", tmp_path / "cold", "--only", "pdf").code == 0
    cloze = deck / "cloze.yaml"
    cloze.write_text(cloze.read_text(encoding="utf-8").replace("cloze-kolkhozy-sovkhozy", "cloze-kolkhozy"),
                     encoding="utf-8")
    assert run_cli(deck, "--out", tmp_path / "warm", "--only", "pdf").code == 0
    assert run_cli(deck, "--out", tmp_path / "fresh", "--only", "pdf", "--no-cache").code == 0
    assert outputs(tmp_path / "warm") == outputs(tmp_path / "fresh")
    pages = pypdf.PdfReader(tmp_path / "warm" / "stalins-ussr.pdf").pages
    assert all("cloze-kolkhozy" in page.extract_text() and "kolkhozy-sovkhozy" not in page.extract_text()
               for page in pages)


@pytest.mark.parametrize("change", ["added", "removed"])
def test_numbers_stay_right_when_a_card_is_added_or_removed(run_cli, deck, tmp_path, change):
    """Every face says k/N: a card more or less at the end renumbers no face but changes every N."""
    assert run_cli(deck, "--out", tmp_path / "cold", "--only", "pdf").code == 0
    quotes = deck / "quotes.yaml"
    text = quotes.read_text(encoding="utf-8")
    last = text.rindex("\n  - id: ")
    if change == "added":
        text += text[last:].replace("id: ", "id: again-", 1)
    else:
        text = text[:last] + "\n"
    quotes.write_text(text, encoding="utf-8")
    warm = run_cli(deck, "--out", tmp_path / "warm", "--only", "pdf")
    fresh = run_cli(deck, "--out", tmp_path / "fresh", "--only", "pdf", "--no-cache")
    assert warm.code == fresh.code == 0 and warm.err == fresh.err
    assert outputs(tmp_path / "warm") == outputs(tmp_path / "fresh")


def test_an_entry_signed_with_another_users_secret_is_not_trusted(tmp_path, monkeypatch):
    """A cache committed to a repository, or copied from another machine, is made again, never used."""
    from factdeck import cache

    key = f"{9:064x}"
    Cache(tmp_path).put(key, b"what this user built")
    assert Cache(tmp_path).get(key) == b"what this user built"
    monkeypatch.setattr(cache, "_secret", lambda: b"someone else's secret, 32 bytes or more")
    assert Cache(tmp_path).get(key) is None and not (tmp_path / f"{key}.entry").exists()


def test_the_secret_is_kept_outside_the_cards_repository(tmp_path, monkeypatch):
    from factdeck import cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    cache._secret.cache_clear()
    try:
        secret = cache._secret()
        path = cache.secret_path()
        assert len(secret) == 32 and path.read_bytes() == secret and path.is_relative_to(tmp_path / "home-cache")
        assert path.stat().st_mode & 0o077 == 0  # the user's alone
    finally:
        cache._secret.cache_clear()


def test_builds_writing_one_entry_at_once_leave_a_whole_one(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    store = Cache(tmp_path)
    key = f"{7:064x}"
    payloads = [bytes([n]) * 200_000 for n in range(8)]

    def write_and_read(payload: bytes) -> bytes | None:
        store.put(key, payload)
        return store.get(key)

    with ThreadPoolExecutor(8) as pool:
        seen = list(pool.map(write_and_read, payloads * 4))
    assert all(value in payloads for value in seen)
    assert store.get(key) in payloads and not list(tmp_path.glob(".writing-*"))


def test_check_reads_the_cache_and_writes_nothing(run_cli, deck, tmp_path, own_build_cache):
    assert run_cli(deck, "--check").code == 0
    assert not own_build_cache.exists()
    assert run_cli(deck, "--out", tmp_path / "out", "--only", "csv").code == 0
    kept = {path: path.stat().st_mtime_ns for path in own_build_cache.iterdir()}
    edit_one_card(deck)
    checked = run_cli(deck, "--check")
    assert checked.code == 0 and "cards OK" in checked.out
    assert {path: path.stat().st_mtime_ns for path in own_build_cache.iterdir()} == kept


def test_every_card_file_of_the_bundled_deck_is_kept_and_not_read_again(deck, tmp_path, monkeypatch):
    """A field of a type the kept cards cannot hold would silently turn the cache off for that kind."""
    from factdeck import pipeline

    store = Cache(tmp_path / "kept")
    first, _ = pipeline.read_deck(deck, cache=store)
    loaded: list[str] = []
    real_load = pipeline.load_yaml_file
    monkeypatch.setattr(pipeline, "load_yaml_file", lambda path, log: loaded.append(path.name) or real_load(path, log))
    again, _ = pipeline.read_deck(deck, cache=store)
    assert sorted(loaded) == ["deck.yaml", "sources.yaml"]
    assert again == first and [card.field_positions for card in again.cards] == \
        [card.field_positions for card in first.cards]


def test_a_probe_that_measured_more_says_what_it_added_only_if_the_rest_measured_the_same():
    old = {"widths": {"a": 0.5, "b": 0.6}, "kerning": {"ab": -0.01}, "line": 1.2, "columns": [20.0],
           "spaces": [0.25, 0.25], "bounds": True}
    assert measured_more(old, old) == (set(), set())
    more = {**old, "widths": {**old["widths"], "c": 0.4}, "kerning": {**old["kerning"], "bc": 0.0}}
    assert measured_more(old, more) == ({"c"}, {"bc"})
    for changed in ({"widths": {"a": 0.51, "b": 0.6}}, {"kerning": {}}, {"spaces": [0.25, 0.3]},
                    {"line": 1.3}, {"columns": [19.0]}, {"bounds": False}):
        assert measured_more(old, {**more, **changed}) is None
    assert measured_more(None, old) is None  # the earlier probe's entry is gone: measure every text again


def test_a_changed_deck_language_prints_its_quotes_though_each_chunks_texts_were_kept(run_cli, deck, tmp_path,
                                                                                      own_build_cache):
    path = deck / "industrialization.yaml"  # quoted: „industry“ in German, whose opening quote nothing else has
    path.write_text(path.read_text(encoding="utf-8").replace("answer: Heavy industry.", "answer: 'Heavy \"industry\".'"),
                    encoding="utf-8")
    assert run_cli(deck, "--out", tmp_path / "cold", "--only", "pdf").code == 0
    settings = deck / "deck.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "language: de\n", encoding="utf-8")
    warm = run_cli(deck, "--out", tmp_path / "warm", "--only", "pdf")
    fresh = run_cli(deck, "--out", tmp_path / "fresh", "--only", "pdf", "--no-cache")
    assert warm.code == fresh.code == 0 and warm.err == fresh.err
    assert outputs(tmp_path / "warm") == outputs(tmp_path / "fresh") != outputs(tmp_path / "cold")


def test_a_card_file_is_read_once_and_a_too_large_one_never_whole(case, monkeypatch, tmp_path):
    """The checked cards are made from the very bytes their cache key was taken from."""
    from factdeck.errors import FactdeckError
    from factdeck.load import MAX_FILE_BYTES
    from factdeck.pipeline import read_deck

    cards = case("minimal")
    reads: list[str] = []
    real = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        reads.append(path.name)
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    cache = Cache(tmp_path / "cache")
    read_deck(cards, cache=cache)
    assert reads.count("cards.yaml") == 1
    (cards / "huge.yaml").write_bytes(b"cards: []\n" + b"#" * MAX_FILE_BYTES)
    with pytest.raises(FactdeckError, match="file is too large"):
        read_deck(cards, cache=cache)
    assert "huge.yaml" not in reads
