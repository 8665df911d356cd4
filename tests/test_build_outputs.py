"""Several formats in one build: written side by side, the same as one at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from factdeck.builders import Builder, BuildOptions, write_all
from factdeck.pipeline import read_deck

FORMATS = ("apkg", "csv", "tsv")


def test_formats_built_together_are_the_same_bytes_as_built_alone(root, run_cli, tmp_path):
    cards = root("minimal")
    together = run_cli(cards, "--out", tmp_path / "together", *[a for f in FORMATS for a in ("--only", f)])
    assert together.code == 0, together.err
    assert [line.split(":")[0] for line in together.out.splitlines()] == [
        f"wrote {tmp_path / 'together' / ('minimal.' + f)}" for f in FORMATS]
    for fmt in FORMATS:
        alone = run_cli(cards, "--out", tmp_path / fmt, "--only", fmt)
        assert alone.code == 0, alone.err
        name = f"minimal.{fmt}"
        assert (tmp_path / "together" / name).read_bytes() == (tmp_path / fmt / name).read_bytes()


class Echo(Builder):
    name, suffix = "echo", ".txt"

    def write(self, deck, target: Path) -> str:
        target.write_text(str(len(deck.cards)))
        return f"echo {target.name}"


class Broken(Echo):
    def write(self, deck, target: Path) -> str:
        raise OSError("disk full")


def test_write_all_keeps_the_order_of_its_jobs_and_raises_what_a_builder_raised(root, tmp_path):
    deck, _ = read_deck(root("minimal"))
    echo = Echo(None, BuildOptions(epoch=0))  # type: ignore[arg-type]
    jobs = [(echo, tmp_path / f"{n}.txt") for n in range(4)]
    assert write_all(deck, jobs) == [f"echo {n}.txt" for n in range(4)]
    assert (tmp_path / "3.txt").read_text() == "5"
    with pytest.raises(OSError, match="disk full"):
        write_all(deck, [*jobs, (Broken(None, BuildOptions(epoch=0)), tmp_path / "x.txt")])  # type: ignore[arg-type]


def test_every_bundled_builder_is_in_the_registry_under_its_own_name():
    """--only's choices and lazy imports come from BUILDERS: a builder left out of it would
    silently never be built. Import every module of the package and compare."""
    import importlib
    import inspect
    import pkgutil

    import factdeck.builders as package
    from factdeck.builders import load_builtin_builders

    classes = set()
    for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        for _, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            if issubclass(cls, Builder) and cls.name and cls.__module__ == module.name:
                classes.add(cls)
    assert {cls.name: cls for cls in classes} == load_builtin_builders()


def test_a_second_builder_for_a_format_is_refused(monkeypatch):
    from factdeck.builders import BUILDERS, register

    monkeypatch.setattr("factdeck.builders.BUILDERS", dict(BUILDERS))
    with pytest.raises(ValueError, match="'pdf' is already registered"):
        register("pdf", Echo)


def test_a_builder_registered_by_module_path_is_imported_when_first_built(monkeypatch):
    from factdeck.builders import BUILDERS, load_builder, register

    monkeypatch.setattr("factdeck.builders.BUILDERS", dict(BUILDERS))
    register("echo", f"{__name__}:Echo")
    assert load_builder("echo") is Echo
    register("misnamed", f"{__name__}:Echo")
    with pytest.raises(ValueError, match="builds 'echo', registered as 'misnamed'"):
        load_builder("misnamed")
