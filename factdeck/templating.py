"""The only place a Jinja environment is made.

Templates are looked up first in the user's own ``templates/`` folder, then in
the defaults shipped with factdeck, so a user overrides one file without
copying the rest. Jinja's delimiters are ``<< >>``, ``<% %>`` and ``<# #>``:
Anki's ``{{Field}}`` and Typst's braces and brackets pass through untouched.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:
    import jinja2


def default_template_dirs() -> list[Path]:
    """The packaged templates (installed wheel) or, from a source checkout, the repo's.

    The source tree is looked at only when the package has none: installed,
    ``factdeck/../templates`` is ``site-packages/templates``, which may belong
    to another package.
    """
    packaged = Path(str(resources.files("factdeck"))) / "templates"
    if packaged.is_dir():
        return [packaged]
    source_tree = Path(__file__).resolve().parent.parent / "templates"
    return [source_tree] if source_tree.is_dir() else []


def html_text(text: str) -> Markup:
    """Card text as inert HTML: escaped, line breaks kept. Card text is never markup.

    ``[`` is written ``&#91;`` too: Anki looks for ``[sound:...]``,
    ``[latex]`` and ``[$]...[/$]`` in a field's HTML and would play or
    typeset them; the browser still shows a plain ``[``.
    """
    # escape() leaves line breaks and brackets alone, so replacing them after it is the
    # same as escaping line by line, at a fraction of the cost on large decks.
    return Markup(str(escape(text)).replace("[", "&#91;").replace("\n", "<br>"))


# Backslash, double quote and control characters are the only things a Typst
# string literal cannot hold as themselves.
_TYPST_STRING_ESCAPES = {
    **{code: f"\\u{{{code:x}}}" for code in [*range(0x20), 0x7F]},
    ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\t"): "\\t",
}


def typst_string(text: str) -> Markup:
    """Card text as a Typst string literal: in code mode it is always plain text."""
    return Markup('"' + text.translate(_TYPST_STRING_ESCAPES) + '"')


def yaml_string(text: str) -> str:
    """Text as a YAML double-quoted scalar (JSON's string syntax is valid YAML), for generated files."""
    return json.dumps(text, ensure_ascii=False)


def make_environment(user_dir: Path | None = None) -> jinja2.Environment:
    """A Jinja environment over the user's templates (if any) and the defaults."""
    import jinja2  # here, not at the top: ``--check`` needs html_text's module, not Jinja

    search = [user_dir] if user_dir is not None and user_dir.is_dir() else []
    search += [d for d in default_template_dirs() if d not in search]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in search]),
        block_start_string="<%", block_end_string="%>",
        variable_start_string="<<", variable_end_string=">>",
        comment_start_string="<#", comment_end_string="#>",
        autoescape=jinja2.select_autoescape(["html", "htm", "css"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["html_text"] = html_text
    env.filters["typst_string"] = typst_string
    env.filters["yaml_string"] = yaml_string
    return env
