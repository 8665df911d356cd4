"""The command line: arguments in, a deck built, problems printed as file:line."""

from __future__ import annotations

import argparse
import gc
import io
import os
import sys
from importlib import import_module
from pathlib import Path

from . import __version__
from .builders import builder_names, default_formats
from .builders.printing.layout import CARD_SIZES, DUPLEX_MODES, PAPERS, parse_card_size, parse_offset, plan
from .builders.printing.options import PrintOptions
from .errors import FactdeckError, Problem, Severity, UsageError, display_path, terminal_text
from .pipeline import BuildRequest, build
from .progress import progress_for
from .signals import interrupted_exit, stop_like_ctrl_c


def card_size_argument(text: str) -> str:
    """``--card-size``: the size as given, once it reads as one."""
    try:
        parse_card_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text.strip().lower()


def offset_argument(text: str) -> tuple[float, float]:
    """``--back-offset``: ``X,Y`` in mm."""
    try:
        return parse_offset(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def parser(builder_names: list[str]) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="factdeck",
        description="Build YAML fact cards into an Anki deck (.apkg) and printable double-sided cards (.pdf).",
        epilog="Other commands: 'factdeck new DIR' starts a deck repository, 'factdeck schema [DIR]' "
               "writes JSON Schemas for editors; 'factdeck build ...' is the same as 'factdeck ...'. "
               "Exit codes: 0 built, 1 errors in the cards or templates, 2 usage or I/O error, "
               "130 interrupted (Ctrl-C; the output folder is left as it was), "
               "143/129 stopped by SIGTERM/SIGHUP (the same way).",
    )
    p.add_argument("cards", nargs="?", default="cards", type=Path, metavar="CARDS_DIR",
                   help="folder with deck.yaml, sources.yaml and card files (default: cards)")
    p.add_argument("--out", default="dist", type=Path, metavar="DIR", help="output folder (default: dist)")
    p.add_argument("--only", action="append", choices=builder_names, metavar="FORMAT",
                   help=f"build only this format: {', '.join(builder_names)} (repeatable)")
    p.add_argument("--check", action="store_true", help="validate the cards and write nothing")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--templates", type=Path, metavar="DIR",
                   help="folder of templates overriding the defaults (default: templates/ beside CARDS_DIR)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    p.add_argument("--watch", action="store_true",
                   help="build, then rebuild whenever a card file or template changes (Ctrl-C stops)")
    p.add_argument("--no-cache", action="store_true",
                   help="build everything afresh and keep nothing (the outputs are the same either way)")
    p.add_argument("--cache", type=Path, metavar="DIR",
                   help="where to keep what builds made, so a rebuild redoes only what changed "
                        "(default: .factdeck-cache beside CARDS_DIR)")
    p.add_argument("--version", action="version", version=f"factdeck {__version__}")
    printing = p.add_argument_group("print options")
    printing.add_argument("--paper", choices=sorted(PAPERS), default="a4", help="paper size (default: a4)")
    printing.add_argument("--card-size", type=card_size_argument, default="63x88mm", metavar="SIZE",
                          help=f"{', '.join(CARD_SIZES)} or WxH in mm, cm or in (default: 63x88mm)")
    printing.add_argument("--duplex", choices=DUPLEX_MODES, default="long",
                          help="how your printer turns the sheet: long edge (default), short edge, "
                               "or none: front and back side by side, to fold")
    printing.add_argument("--back-offset", type=offset_argument, default=(0.0, 0.0), metavar="X,Y",
                          help="shift the back pages by X,Y mm (right, down) where your printer drifts; "
                               "write negative values as --back-offset=-1,0")
    printing.add_argument("--preview", action="store_true",
                          help="also write DECK-preview.png: the first sheet, front and back")
    return p


# Subcommands other than build, each a module with ``main(argv) -> int``.
COMMANDS = {"new": "factdeck.scaffold", "schema": "factdeck.schema"}


def console_main() -> None:
    """The ``factdeck`` command and ``build.py``: main(), with Ctrl-C a message rather than a traceback."""
    # The process ends when the build does, and leaves as mypy does, without freeing what the
    # build made one object at a time: at 10k cards the cycle collector would walk it all
    # (pypdf's page tree, Jinja's contexts: 0.18 s) and tearing down the interpreter would
    # take 0.1 s more, for memory the system frees at once. --watch collects between builds.
    gc.disable()
    for stream in (sys.stdout, sys.stderr):  # a deck's name that the terminal cannot encode is no crash
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    stop_like_ctrl_c()
    try:
        code = main()
    except KeyboardInterrupt as interrupt:  # Ctrl-C, SIGTERM or SIGHUP
        # Outputs go to temporary files, renamed together or not at all, so the output folder
        # is as it was. Builder threads may still be running: leave now; Typst's workers die with us.
        message, code = interrupted_exit(interrupt)
        try:
            print(message, file=sys.stderr, flush=True)
        except OSError:  # SIGHUP: the terminal may be gone
            pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away (| head): nothing more to say
            pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run factdeck; returns the process exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["build"]:  # 'factdeck build ...' spells out the default command
        argv = argv[1:]
    elif argv and argv[0] in COMMANDS:
        try:
            return import_module(COMMANDS[argv[0]]).main(argv[1:])
        except FactdeckError as error:
            report(error.problems)
            return error.exit_code
    argument_parser = parser(builder_names())
    args = argument_parser.parse_args(argv)
    request = build_request(args, argument_parser)
    if args.watch:
        from .watch import watch

        try:  # a watch on nothing would wait forever
            if not request.cards.is_dir():
                raise UsageError("cards folder not found: nothing to watch", display_path(request.cards))
            templates = request.template_folder
        except FactdeckError as error:
            report(error.problems)
            return error.exit_code
        return watch(request.cards, templates, lambda: build_and_report(request, args.quiet), out=request.out)
    return build_and_report(request, args.quiet)


def build_request(args: argparse.Namespace, argument_parser: argparse.ArgumentParser) -> BuildRequest:
    """The build the arguments ask for; a card too big for the paper is a usage error, found before any work."""
    printing = PrintOptions(args.paper, args.card_size, args.duplex, args.back_offset)
    try:
        plan(0, printing)
    except ValueError as error:
        argument_parser.error(str(error))
    formats = tuple(args.only or ())
    if args.preview and not args.check:
        formats = (*(formats or default_formats()), "preview")
    return BuildRequest(args.cards, out=args.out, formats=formats, check=args.check, strict=args.strict,
                        templates=args.templates, print=printing, cache=not args.no_cache,
                        cache_folder=args.cache)


def build_and_report(request: BuildRequest, quiet: bool) -> int:
    """One build (or check): what it wrote on stdout, its problems on stderr; the exit code."""
    with progress_for(quiet) as progress:
        result = build(request, progress)
    if result.exit_code != 0:
        report(list(result.problems))
        return result.exit_code
    if not quiet:
        if request.check:
            print(terminal_text(f"{display_path(request.cards)}: {result.cards} cards OK"))
        for output in result.outputs:
            # A summary may go on in lines of its own (the .apkg's lock, its removed cards): each made safe.
            lines = f"wrote {display_path(output.target)}: {output.summary}".split("\n")
            print("\n".join(terminal_text(line) for line in lines))
    report(list(result.problems), quiet=quiet)
    return 0


def report(problems: list[Problem], quiet: bool = False) -> None:
    """Print problems sorted, then a one-line count of errors and warnings; notes only when not quiet."""
    shown = [p for p in problems if not (quiet and p.severity is Severity.NOTE)]
    for problem in sorted(shown, key=Problem.sort_key):
        print(problem.format(), file=sys.stderr)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = sum(p.severity is Severity.WARNING for p in problems)
    parts = [f"{errors} error{'s' * (errors != 1)}"] if errors else []
    parts += [f"{warnings} warning{'s' * (warnings != 1)}"] if warnings else []
    if parts:
        print(f"factdeck: {', '.join(parts)}", file=sys.stderr)
