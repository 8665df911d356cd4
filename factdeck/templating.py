"""The only place a Jinja environment is made.

Templates are looked up first in the user's own ``templates/`` folder, then in
the defaults shipped with factdeck, so a user overrides one file without
copying the rest. Jinja's delimiters are ``<< >>``, ``<% %>`` and ``<# #>``:
Anki's ``{{Field}}`` and Typst's braces and brackets pass through untouched.
"""

from __future__ import annotations

import json
import re
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from .errors import FactdeckError, Position, Problem
from .errors import display_path
from .typography import typographic

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


# Where Anki would read a field's text as one of its own bracket tags: it plays
# [sound:x.mp3], typesets [latex]...[/latex], [$]...[/$] and [$$]...[/$$].
_ANKI_BRACKET_TAG = re.compile(r"\[(?=sound:|/?latex\]|/?\$\$?\]|anki:)", re.IGNORECASE)


def html_text(text: str) -> Markup:
    """Card text as inert HTML: ``<``, ``>`` and ``&`` escaped, line breaks kept. Never markup.

    Nothing else is escaped: Anki searches the stored HTML, so an apostrophe
    stored as ``&#39;`` would hide the note from a search for "Stalin's". The
    ``[`` opening one of Anki's bracket tags is written ``&#91;`` (the browser
    still shows ``[``), so ``[sound:x.mp3]`` in card text is neither played nor
    typeset; any other bracket stays as written, and searchable.
    """
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "[" in escaped:
        escaped = _ANKI_BRACKET_TAG.sub("&#91;", escaped)
    return Markup(escaped.replace("\n", "<br>"))


# Backslash, double quote and control characters are the only things a Typst
# string literal cannot hold as themselves.
_TYPST_STRING_ESCAPES = {
    **{code: f"\\u{{{code:x}}}" for code in [*range(0x20), 0x7F]},
    ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\t"): "\\t",
}


_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f\\"]')


def typst_string(text: object) -> Markup:
    """Card text (or anything, as text) as a Typst string literal: in code mode it is always plain text."""
    text = str(text)
    if _NEEDS_ESCAPE.search(text) is not None:  # rarely: translate() looks up every character
        text = text.translate(_TYPST_STRING_ESCAPES)
    return Markup('"' + text + '"')


def map_values(mapping: Mapping[str, object], render: Callable[[object], object]) -> dict[str, str]:
    """``mapping`` with each value rendered by ``render`` (a macro), as text: the sandbox lets a
    template build no dict of its own by ``update``."""
    return {key: str(render(value)) for key, value in mapping.items()}


def yaml_string(text: str) -> str:
    """Text as a YAML double-quoted scalar (JSON's string syntax is valid YAML), for generated files."""
    return json.dumps(text, ensure_ascii=False)


@contextmanager
def template_errors() -> Iterator[None]:
    """Turn a broken template (a user's override, say) into a problem at its file and line.

    Jinja's syntax errors carry their place; for errors while rendering (an
    undefined name, a missing macro) Jinja rewrites the traceback so that the
    template's own frame names its file and line.
    """
    import jinja2

    try:
        yield
    except jinja2.TemplateSyntaxError as error:
        where = Position(display_path(Path(error.filename)) if error.filename else str(error.name), error.lineno)
        raise FactdeckError([Problem(where, f"template syntax error: {error.message}")]) from None
    except jinja2.TemplateNotFound as error:
        raise FactdeckError([Problem(Position("templates"), f"template not found: {error.name}")]) from None
    except (jinja2.TemplateError, MissingBlock) as error:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if not f.filename.endswith(".py")]
        where = (Position(display_path(Path(frames[-1].filename)), frames[-1].lineno or 0) if frames
                 else getattr(error, "position", Position("templates")))
        raise FactdeckError([Problem(where, f"template error: {error}")]) from None


class MissingBlock(Exception):
    """A card template without one of the blocks its builder renders."""

    def __init__(self, template: jinja2.Template, block: str) -> None:
        self.position = Position(display_path(Path(template.filename)) if template.filename else str(template.name))
        super().__init__(f"no '<% block {block} %>' in this template")


def render_block(template: jinja2.Template, block: str, variables: dict[str, object]) -> str:
    """One block of a template, rendered alone (each Anki card template has a front and a back)."""
    if block not in template.blocks:
        raise MissingBlock(template, block)
    try:
        return "".join(template.blocks[block](template.new_context(variables)))
    except Exception:
        # Outside render(), Jinja does not map the traceback to template lines by itself.
        return template.environment.handle_exception()


def call_macro(template: jinja2.Template, macro: str, *args: object) -> str:
    """Call one of a template's macros from Python, with errors mapped to template lines."""
    try:
        return str(getattr(template.module, macro)(*args))
    except Exception:
        return template.environment.handle_exception()


def make_environment(user_dir: Path | None = None) -> jinja2.Environment:
    """A sandboxed Jinja environment over the user's templates (if any) and the defaults."""
    import jinja2  # here, not at the top: ``--check`` needs html_text's module, not Jinja

    from .sandbox import Sandbox

    search = [user_dir] if user_dir is not None and user_dir.is_dir() else []
    search += [d for d in default_template_dirs() if d not in search]
    # A deck repository's templates/ is used without being asked for, so building someone else's
    # deck renders their templates: the sandbox keeps them to presentation. No attribute starting
    # with "_" (no way from cycler to os), no calls that change a list, dict or set, no Python
    # beyond the values and filters given here.
    env = Sandbox(
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
    env.filters["map_values"] = map_values
    env.filters["typographic"] = typographic
    return env
