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

from markupsafe import Markup, escape

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


_SECTION_TAG = re.compile(r'"([^"]*)"')


def check_anki_syntax(text: str, template: jinja2.Template) -> None:
    """Refuse a rendered Anki card template whose ``{{#Section}}``s do not pair up, at the template's line.

    Anki (and genanki, which works out each card's required fields with
    chevron) would fail on it only while the package is written.
    """
    from chevron.tokenizer import ChevronError, tokenize

    try:
        for _ in tokenize(text):
            pass
    except ChevronError as error:
        lines = str(error).split("\n")
        names = _SECTION_TAG.findall(str(error)) or [""]  # the tag, then (if any) the one still open
        name = names[0]
        if "never closed" in str(error):
            message = f"Anki section '{{{{#{name}}}}}' is never closed: add '{{{{/{name}}}}}' after it"
        elif "not opened" in str(error):
            message = f"'{{{{/{name}}}}}' closes an Anki section that was never opened"
        elif "last open tag is" in str(error):
            message = f"'{{{{/{name}}}}}' closes an Anki section, but the one open is '{names[-1]}'"
        else:
            message = f"Anki template syntax: {lines[0]}"
        raise FactdeckError([Problem(_tag_position(template, name), message)]) from None


def _tag_position(template: jinja2.Template, name: str) -> Position:
    """Where ``{{#name}}``, ``{{^name}}`` or ``{{/name}}`` first stands in the template's own file."""
    where = display_path(Path(template.filename)) if template.filename else str(template.name)
    try:
        source = Path(template.filename or "").read_text(encoding="utf-8")
    except OSError:
        return Position(where)
    tag = re.compile(r"\{\{\s*[#^/]\s*" + re.escape(name) + r"\s*\}\}")
    for number, line in enumerate(source.split("\n"), start=1):
        if tag.search(line):
            return Position(where, number)
    return Position(where)


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
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    search = [user_dir] if user_dir is not None and user_dir.is_dir() else []
    search += [d for d in default_template_dirs() if d not in search]
    # A deck repository's templates/ is used without being asked for, so building someone else's
    # deck renders their templates: the sandbox keeps them to presentation. No attribute starting
    # with "_" (no way from cycler to os), no calls that change a list, dict or set, no Python
    # beyond the values and filters given here.
    env = ImmutableSandboxedEnvironment(
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
