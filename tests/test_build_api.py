"""The build as a function: what the command line does, called from Python, with typed results."""

from __future__ import annotations

from pathlib import Path

from factdeck.builders.printing.options import PrintOptions
from factdeck.errors import Severity
from factdeck.pipeline import BuildRequest, OutputSummary, build

EPOCH = 1700000000


def test_build_writes_the_formats_asked_for_and_says_what_it_wrote(root, tmp_path):
    cards = root("minimal")
    result = build(BuildRequest(cards, out=tmp_path / "dist", formats=("csv", "apkg"), epoch=EPOCH))
    assert result.exit_code == 0, result.problems
    assert result.cards == 5
    assert [(o.format, o.target, o.cards) for o in result.outputs] == [
        ("csv", tmp_path / "dist" / "minimal.csv", 5), ("apkg", tmp_path / "dist" / "minimal.apkg", 5)]
    assert all(isinstance(o, OutputSummary) and o.target.is_file() for o in result.outputs)
    assert result.outputs[1].summary.startswith("5 notes")


def test_build_gives_the_same_bytes_as_the_command(root, run_cli, tmp_path):
    cards = root("minimal")
    assert run_cli(cards, "--out", tmp_path / "cli", "--only", "apkg", "--only", "tsv").code == 0
    result = build(BuildRequest(cards, out=tmp_path / "api", formats=("apkg", "tsv"), epoch=EPOCH))
    for output in result.outputs:
        assert output.target.read_bytes() == (tmp_path / "cli" / output.target.name).read_bytes()


def test_problems_come_back_in_the_result_and_nothing_is_written(case, tmp_path):
    cards = case("card-unknown-source")
    out = tmp_path / "dist"
    result = build(BuildRequest(cards, out=out, epoch=EPOCH))
    assert result.exit_code == 1
    assert result.outputs == ()
    assert sorted(p.format() for p in result.problems) == [
        line for line in (Path(__file__).parent / "roots" / "card-unknown-source" / "expected.txt")
        .read_text().splitlines() if not line.startswith("factdeck:")]
    assert not out.exists()


def test_a_check_reads_the_deck_and_writes_nothing(case, tmp_path):
    cards = case("warnings")
    result = build(BuildRequest(cards, out=tmp_path / "dist", check=True))
    assert (result.exit_code, result.cards, result.outputs) == (0, 3, ())
    assert {p.severity for p in result.problems} == {Severity.WARNING}
    assert not (tmp_path / "dist").exists()
    strict = build(BuildRequest(cards, check=True, strict=True))
    assert strict.exit_code == 1 and len(strict.problems) == len(result.problems)


def test_a_usage_error_is_exit_code_2(tmp_path):
    result = build(BuildRequest(tmp_path / "nosuch"))
    assert result.exit_code == 2
    assert "cards folder not found" in result.problems[0].format()


def test_print_options_reach_the_pdf(root, tmp_path):
    cards = root("minimal")
    result = build(BuildRequest(cards, out=tmp_path, formats=("pdf",), epoch=EPOCH,
                                print=PrintOptions(paper="letter", card_size="3x5in", duplex="none")))
    assert result.exit_code == 0, result.problems
    assert "letter sheet" in result.outputs[0].summary and "76.2 x 127 mm" in result.outputs[0].summary
