"""The command line: arguments in, a deck built, problems printed as file:line."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from importlib import import_module
from pathlib import Path

from . import __version__
from .builders import BUILTIN_FORMATS, BuildOptions, PrintOptions, default_formats, load_builder, write_all
from .builders.printing.layout import (CARD_SIZES, DUPLEX_MODES, PAPERS, card_size_argument,
                                    offset_argument, plan)
from .epoch import build_epoch
from .errors import FactdeckError, Problem, Severity, UsageError
from .load import display_path
from .output import OutputFolder
from .pipeline import paused_gc, read_deck
from .progress import Progress, progress_for


def parser(builder_names: list[str]) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="factdeck",
        description="Build YAML fact cards into an Anki deck (.apkg) and printable double-sided cards (.pdf).",
        epilog="Other commands: 'factdeck new DIR' starts a deck repository, 'factdeck schema [DIR]' "
               "writes JSON Schemas for editors; 'factdeck build ...' is the same as 'factdeck ...'. "
               "Exit codes: 0 built, 1 errors in the cards or templates, 2 usage or I/O error, "
               "130 interrupted (Ctrl-C; the output folder is left as it was).",
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
    try:
        code = main()
    except KeyboardInterrupt:
        # Outputs go to temporary files, renamed together or not at all, so the output folder
        # is as it was. Builder threads and Typst workers may still be running: leave now.
        print("factdeck: interrupted; the output folder is as it was", file=sys.stderr, flush=True)
        code = 130
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
    argument_parser = parser(sorted(BUILTIN_FORMATS))
    args = argument_parser.parse_args(argv)
    args.print = PrintOptions(args.paper, args.card_size, args.duplex, args.back_offset)
    try:
        plan(0, args.print)  # a card too big for the paper is a usage error, found before any work
    except ValueError as error:
        argument_parser.error(str(error))
    if args.watch:
        from .watch import watch

        try:  # a watch on nothing would wait forever
            if not args.cards.is_dir():
                raise UsageError("cards folder not found: nothing to watch", display_path(args.cards))
            templates = template_folder(args)
        except FactdeckError as error:
            report(error.problems)
            return error.exit_code
        return watch(args.cards, templates, lambda: main_once(args))
    return main_once(args)


def main_once(args: argparse.Namespace) -> int:
    """One build (or check) with parsed arguments; problems printed, exit code returned."""
    try:
        with paused_gc(), progress_for(args.quiet) as progress:
            warnings = run(args, progress)
    except FactdeckError as error:
        report(error.problems)
        return error.exit_code
    report(warnings, quiet=args.quiet)
    return 0


def run(args: argparse.Namespace, progress: Progress) -> list[Problem]:
    deck, log = read_deck(args.cards, strict=args.strict, progress=progress)
    if args.check:
        progress.close()
        if not args.quiet:
            print(f"{display_path(args.cards)}: {len(deck.cards)} cards OK")
        return log.problems
    from .templating import make_environment, template_errors  # ``--check`` starts without Jinja

    env = make_environment(template_folder(args))
    options = BuildOptions(epoch=build_epoch(args.cards, template_folder(args)), strict=args.strict, log=log,
                           print=args.print, progress=progress, cards_dir=args.cards)
    names = list(dict.fromkeys((args.only or default_formats()) + ["preview"] * args.preview))
    targets, jobs = [], []
    with OutputFolder(args.out) as outputs, template_errors():  # all outputs or none
        options.extra_output = outputs.temporary  # the .apkg's lock, beside the cards
        for name in names:
            builder = load_builder(name)(env, options)
            targets.append(args.out / f"{deck.settings.slug}{builder.suffix}")
            jobs.append((builder, outputs.temporary(targets[-1])))
        summaries = list(zip(targets, write_all(deck, jobs)))  # the formats are built side by side
        log.raise_if_errors(args.strict)  # builders may log problems too (text that cannot fit)
    progress.close()  # end the progress line before the summary
    if not args.quiet:
        for target, summary in summaries:
            print(f"wrote {display_path(target)}: {summary}")
    return log.problems


def template_folder(args: argparse.Namespace) -> Path:
    """The user's templates: ``--templates`` or ``templates/`` beside the cards folder.

    A folder named with ``--templates`` must exist: silently building with the
    defaults would hide a typo.
    """
    if args.templates is not None and not args.templates.is_dir():
        raise UsageError("--templates: not a folder", display_path(args.templates))
    return args.templates or args.cards.resolve().parent / "templates"


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
