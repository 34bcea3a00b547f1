"""``simulate SCENARIO``: the deterministic projection, the Monte Carlo peak test, the charts
and report.html, and the answer printed."""

from __future__ import annotations

import argparse
import shlex
import sys

from simulator import __version__
from simulator.cli.options import (
    Parser, add_ensemble_options, add_language_option, language_of, output_folder, run_command,
)
from simulator.montecarlo.simulate import KEEP_MODES
from simulator.report.outputs import run_scenario, write_run
from simulator.report.summary import format_report
from simulator.text import text


def build_parser(lang: str = "en") -> Parser:
    parser = Parser("simulate", "run", lang)
    add_ensemble_options(parser)
    parser.add_argument("--keep", choices=KEEP_MODES, default="summary",
                        help=text("help.run.keep", lang))
    parser.add_argument("--plateau", type=_fraction(lang), metavar="X",
                        help=text("help.run.plateau", lang))
    parser.add_argument("--sustained", type=_fraction(lang), metavar="X",
                        help=text("help.run.sustained", lang))
    add_language_option(parser, shows="run")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help=text("help.version", lang))
    parser.epilog = text("help.run.epilog", lang)
    return parser


def main(argv: list[str]) -> int:
    args = build_parser(language_of(argv)).parse_args(argv)
    return run_command("simulate", lambda: _run_report(args), args.lang)


def _run_report(args: argparse.Namespace) -> str:
    announce_compiling(args.lang)
    run = run_scenario(args.scenario, draws=args.draws, seed=args.seed, keep=args.keep,
                       plateau=args.plateau, scheduler=args.scheduler,
                       progress=sys.stderr.isatty() and args.lang, sustained=args.sustained)
    written = write_run(output_folder(args, run.scenario), run, reproduce_command(args),
                        args.lang)
    return format_report(run.projection, run.info, written, args.lang)


def announce_compiling(lang: str) -> None:
    """One line on stderr when numba has yet to compile the run's kernels (the first run of a
    new installation: a minute or two of silence otherwise); nothing once they are cached."""
    from simulator.montecarlo.compiled import cold_kernels, compile_seconds

    cold = cold_kernels()
    if cold:
        seconds = compile_seconds(cold)
        print(text("console.compiling", lang, seconds=round(seconds, -1 if seconds >= 20 else 0)),
              file=sys.stderr, flush=True)


def reproduce_command(args: argparse.Namespace) -> str:
    """The command line that gives this run's results again (defaults spelled out)."""
    words = ["simulate", str(args.scenario), "--draws", str(args.draws), "--seed", str(args.seed)]
    if args.keep != "summary":
        words += ["--keep", args.keep]
    if args.plateau is not None:
        words += ["--plateau", f"{args.plateau:g}"]
    if args.sustained is not None:
        words += ["--sustained", f"{args.sustained:g}"]
    if args.lang != "en":
        words += ["--lang", args.lang]
    return shlex.join(words)


def _fraction(lang: str):
    """An argparse type: a fraction in [0, 1], refused in ``lang``."""
    def parse(given: str) -> float:
        try:
            value = float(given)
        except ValueError:
            raise argparse.ArgumentTypeError(text("error.option.not_number", lang,
                                                  given=repr(given))) from None
        if not 0.0 <= value <= 1.0:
            raise argparse.ArgumentTypeError(text("error.option.not_fraction", lang,
                                                  value=value))
        return value
    return parse
