"""Typst as the print builders use it: a sealed compiler, and its errors as the user's problems.

Typst is given only the fonts it ships with and those factdeck chose (installed
font packages', the deck's own; no system fonts) and an empty folder as its
root, so the PDF is the same on every machine and no card text can reach a
file. Its errors and warnings are reported against the print layout template,
which is what a user edits to cause them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import FactdeckError, Position, Problem

if TYPE_CHECKING:  # imported where used: ``--check`` must start without Typst
    import typst

TEMPLATE = "print/cards.typ"
OVERFLOW = "<factdeck-overflow>"  # the metadata label measured-fit in style.typ gives a face too full
PREVIEW_PPI = 80  # enough to read the cards on a screen; it is not for print


def typst_compiler(source: str, root: Path, font_paths: tuple[Path, ...] = ()) -> typst.Compiler:
    """A compiler over ``source`` written into ``root``: Typst's own fonts and ``font_paths`` (folders of
    packaged and deck fonts, see fonts.py) only, never the system's, and nothing else to read."""
    import typst

    main = root / "cards.typ"  # a file, not bytes: the binding's query needs a path
    main.write_text(source, encoding="utf-8")
    return typst.Compiler(str(main), root=str(root), font_paths=[str(path) for path in font_paths],
                          ignore_system_fonts=True)


class TypstFailure(Exception):
    """Typst could not compile the document (a broken template, say); the message is Typst's."""


def query(compiler: typst.Compiler, label: str) -> list[dict[str, object]]:
    """The values of the metadata labelled ``label``, compiling the document if need be.

    The binding's query raises a bare ``RuntimeError`` ("failed to compile
    document: ...") where compile raises ``TypstError``: both are Typst's word
    on the template, not a bug of ours.
    """
    try:
        return json.loads(compiler.query(label, field="value", format="json"))
    except RuntimeError as error:  # TypstError is a RuntimeError too
        message = getattr(error, "message", None) or str(error).removeprefix("failed to compile document: ")
        raise TypstFailure(message) from None


def overflows(compiler: typst.Compiler) -> list[dict[str, object]]:
    """The faces whose text did not fit, as ``{"card": index, "side": ...}``, from a compiled document."""
    return query(compiler, OVERFLOW)


def compile_document(compiler: typst.Compiler, format: str, epoch: int) -> tuple[bytes, list[str]]:
    """The document as ``format`` ("pdf" or "png") and Typst's warnings; its error as a problem."""
    import typst

    try:
        output, warnings = compiler.compile_with_warnings(
            format=format, ppi=PREVIEW_PPI if format == "png" else None, timestamp=epoch)
    except typst.TypstError as error:
        raise typst_error(error.message) from None
    assert isinstance(output, bytes)
    return output, [warning.message for warning in warnings]


def template_problem(message: str, template: str = TEMPLATE) -> FactdeckError:
    """A problem with the print layout, reported against its template."""
    return FactdeckError([Problem(Position(f"templates/{template}"), message)])


def typst_error(message: str, template: str = TEMPLATE) -> FactdeckError:
    """Typst's compile error, as the user's problem with the print layout."""
    return template_problem(f"Typst could not compile the print layout: {message}", template)
