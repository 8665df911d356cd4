"""Command-line mistakes: a clean message and exit 2, never a silent fallback or a hang."""

from __future__ import annotations


def test_a_templates_folder_that_does_not_exist_is_a_usage_error(root, run_cli, tmp_path):
    result = run_cli(root("minimal"), "--out", tmp_path / "out", "--templates", tmp_path / "nosuch")
    assert result.code == 2
    assert result.err.splitlines()[0].endswith("nosuch: --templates: not a folder")
    assert not (tmp_path / "out").exists()


def test_watching_a_missing_cards_folder_exits_instead_of_waiting(run_cli, tmp_path):
    result = run_cli(tmp_path / "nosuch", "--watch")
    assert result.code == 2
    assert "cards folder not found: nothing to watch" in result.err


def _override(tmp_path, relative: str, text: str):
    templates = tmp_path / "my-templates"
    (templates / relative).parent.mkdir(parents=True, exist_ok=True)
    (templates / relative).write_text(text)
    return templates


def test_a_template_syntax_error_is_reported_at_its_line(root, run_cli, tmp_path):
    templates = _override(tmp_path, "anki/term-to-definition.html",
                          "<% block front %>{{Term}}<% endblock %>\n<% block back %>\n<% if %>\n<% endblock %>\n")
    result = run_cli(root("minimal"), "--out", tmp_path / "out", "--templates", templates)
    assert result.code == 1
    first = result.err.splitlines()[0]
    assert first.startswith(str(templates / "anki/term-to-definition.html") + ":3: template syntax error:")
    assert "Traceback" not in result.err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_an_undefined_name_in_a_template_is_reported_at_its_line(root, run_cli, tmp_path):
    templates = _override(tmp_path, "text/card.txt", "<% macro front(card) %>\n<< card.nosuch >>\n<% endmacro %>\n")
    result = run_cli(root("minimal"), "--out", tmp_path / "out", "--templates", templates, "--only", "csv")
    assert result.code == 1
    assert result.err.splitlines()[0].startswith(str(templates / "text/card.txt") + ":2: template error:")
    assert "nosuch" in result.err


def test_a_card_template_without_a_back_block_is_reported(root, run_cli, tmp_path):
    templates = _override(tmp_path, "anki/term-to-definition.html", "<% block front %>{{Term}}<% endblock %>\n")
    result = run_cli(root("minimal"), "--out", tmp_path / "out", "--templates", templates, "--only", "apkg")
    assert result.code == 1
    assert result.err.splitlines()[0] == (f"{templates / 'anki/term-to-definition.html'}: template error: "
                                          "no '<% block back %>' in this template")
