"""Writing card folders from Python data, for tests whose cards are generated.

Text is written the way a person would write it: plain when YAML's syntax
allows, whatever the text looks like (``no``, ``1.10``, ``1929-30`` stay
unquoted), because the dumper knows no implicit types. A :class:`Styled`
string asks for one YAML style: ``'"'``, ``"'"``, ``"|"``, ``">"`` or None
(plain when possible); the emitter falls back to a style that can hold the text.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from conftest import ROOTS


class TextDumper(yaml.SafeDumper):
    """A dumper without implicit typing: every string is just text to it."""


TextDumper.yaml_implicit_resolvers = {}


class Styled(str):
    """A string written in a chosen YAML style."""

    style: str | None = None

    def __new__(cls, text: str, style: str | None) -> Styled:
        styled = super().__new__(cls, text)
        styled.style = style
        return styled


TextDumper.add_representer(
    Styled, lambda dumper, data: dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style=data.style))


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=TextDumper, allow_unicode=True, sort_keys=False, width=72)


def write_cards(folder: Path, cards: list[dict[str, Any]], sources: dict[str, Any] | None = None,
                **settings: Any) -> Path:
    """A copy of ``minimal`` whose only card file holds ``cards``.

    ``sources`` replaces the sources registry; ``settings`` change deck.yaml.
    """
    shutil.copytree(ROOTS / "minimal", folder)
    if sources is not None:
        (folder / "sources.yaml").write_text(dump({"sources": sources}), encoding="utf-8")
    if settings:
        deck = yaml.load((folder / "deck.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        deck.update(settings)  # BaseLoader: every value is text, as factdeck reads it
        (folder / "deck.yaml").write_text(dump(deck), encoding="utf-8")
    (folder / "cards.yaml").write_text(dump({"deck": "Cases", "cards": cards}), encoding="utf-8")
    return folder
