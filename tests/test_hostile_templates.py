"""Someone else's deck repository: its templates, saved texts and file names cannot reach past the deck."""

from __future__ import annotations

from pathlib import Path

from test_faults import override


def test_a_template_cannot_reach_python(case, run_cli, tmp_path):
    cards = case("minimal")
    marker = tmp_path / "ran"
    override("anki/style.css", f"<< cycler.__init__.__globals__.os.system('touch {marker}') >>\n")
    result = run_cli(cards, "--only", "apkg", "--out", "dist")
    assert result.code == 1
    assert result.err.startswith("templates/anki/style.css:1: template error: access to attribute '__init__' ")
    assert not marker.exists()
    assert not list(Path("dist").iterdir())


def test_a_template_cannot_change_the_deck_it_is_given(case, run_cli):
    cards = case("minimal")
    override("anki/style.css", "<% set _ = deck.sources.update({}) %>\n")
    result = run_cli(cards, "--only", "apkg", "--out", "dist")
    assert result.code == 1
    assert "templates/anki/style.css:1: template error: access to attribute 'update' of 'dict' object is unsafe" \
        in result.err


def add_text_file(cards: Path, where: str) -> None:
    text = (cards / "sources.yaml").read_text(encoding="utf-8")
    (cards / "sources.yaml").write_text(text.rstrip("\n") + f"\n    text_file: {where}\n", encoding="utf-8")


def test_a_text_file_outside_the_deck_repository_is_not_read(case, run_cli, tmp_path):
    cards = case("minimal")  # ./cards in tmp_path: the repository is tmp_path
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("Either we do it, or we shall be crushed", encoding="utf-8")
    try:
        add_text_file(cards, str(outside))
        result = run_cli(cards, "--check")
    finally:
        outside.unlink()
    assert result.code == 0
    assert "cards/sources.yaml:6:16: note: saved text of 'book' is outside the deck repository " in result.err
    assert "so it is not read" in result.err


def test_a_link_out_of_the_repository_is_outside_too(case, run_cli):
    cards = case("minimal")
    (cards / "passwd.txt").symlink_to("/etc/passwd")
    add_text_file(cards, "passwd.txt")
    result = run_cli(cards, "--check", "--strict")
    assert result.code == 0  # refused, and said; nothing the deck's cards need
    assert ("cards/sources.yaml:6:16: note: saved text of 'book' is outside the deck repository (passwd.txt), "
            "so it is not read") in result.err


def test_a_huge_text_file_is_refused_before_it_is_read(case, run_cli):
    cards = case("minimal")
    with open(cards / "dump.txt", "wb") as big:
        big.truncate(1 << 30)  # 1 GiB, sparse: nothing is read
    add_text_file(cards, "dump.txt")
    result = run_cli(cards, "--check")
    assert result.code == 0
    assert ("cards/sources.yaml:6:16: warning: 'text_file' 'dump.txt' is not read: it is too large: "
            "1,073,741,824 bytes, over the 8,388,608-byte limit") in result.err


def test_control_characters_in_file_names_and_text_are_escaped_in_messages(case, run_cli):
    cards = case("minimal")
    (cards / "evil\x1b[2J\nfactdeck: 0 errors.yaml").write_text("deck: X\ncards: nope\n", encoding="utf-8")
    result = run_cli(cards, "--check")
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines == ["cards/evil\\x1b[2J\\nfactdeck: 0 errors.yaml:2:8: 'cards': expected a list of cards, "
                     "each starting with '- id:', got text 'nope'", "factdeck: 1 error"]
    assert "\x1b" not in result.err


def test_a_folder_named_in_factdeck_trusted_texts_may_hold_saved_texts(case, run_cli, tmp_path, monkeypatch):
    cards = case("minimal")
    beside = tmp_path.parent / f"{tmp_path.name}-seeds"
    beside.mkdir()
    (beside / "page.txt").write_text("Nothing like the quote at all", encoding="utf-8")
    monkeypatch.setenv("FACTDECK_TRUSTED_TEXTS", str(beside))
    try:
        add_text_file(cards, str(beside / "page.txt"))
        result = run_cli(cards, "--check")
    finally:
        (beside / "page.txt").unlink()
        beside.rmdir()
    assert "is not read" not in result.err
    assert "quote not found word for word in the text of 'book'" in result.err  # it was read


def test_what_the_sandbox_allowed_on_one_type_it_still_refuses_on_another():
    """The sandbox keeps its answers per type and name (factdeck/sandbox.py): an ``update``
    allowed on an object of ours stays refused on a dict, whichever is read first, and an
    object that says it is a dict is treated as one."""
    import jinja2
    from jinja2.exceptions import SecurityError

    from factdeck.templating import make_environment

    class Notes:
        def update(self) -> str:
            return "fine"

    class LooksLikeADict:
        __class__ = dict  # type: ignore[assignment]

        def update(self) -> str:
            return "changed"

    env = make_environment(None)
    template = env.from_string("<< value.update() >>")
    for _ in range(2):  # the second time from what was kept
        assert template.render(value=Notes()) == "fine"
        for value in ({}, LooksLikeADict()):
            try:
                template.render(value=value)
            except SecurityError as error:
                assert "access to attribute 'update'" in str(error)
            else:
                raise AssertionError(f"update() allowed on {value!r}")
    assert isinstance(env, jinja2.sandbox.ImmutableSandboxedEnvironment)
