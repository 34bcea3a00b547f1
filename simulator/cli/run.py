"""``simulate SCENARIO``: the deterministic projection, the Monte Carlo peak test, the charts
and report.html, and the answer printed."""

from __future__ import annotations

import argparse
import shlex
import sys

from simulator import __version__
from simulator.cli.options import (
    add_ensemble_options, add_language_option, output_folder, run_command,
)
from simulator.montecarlo.simulate import KEEP_MODES
from simulator.report.outputs import run_scenario, write_run
from simulator.report.summary import format_report
from simulator.report.text import text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="simulate",
        description="Project a carbon-peaking scenario and test whether CO2 peaks by 2030.")
    add_ensemble_options(parser)
    parser.add_argument("--keep", choices=KEEP_MODES, default="summary",
                        help="per-draw summaries only, or full trajectories too")
    parser.add_argument("--plateau", type=_fraction, metavar="X",
                        help="also count a draw as peaked when no year after 2030 is more than "
                        "X (a fraction, e.g. 0.01) above its 2030 level (default: off)")
    add_language_option(parser, shows="the charts, report.html and the printed summary")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.epilog = (
        "other commands (each with --help): simulate calibrate SCENARIO (fit the plan's "
        "targets); simulate sweep SCENARIO --set PATH=START:STOP:N (a parameter grid); "
        "simulate sensitivity SCENARIO (Sobol or Morris indices); simulate discover SCENARIO "
        "(which parameter ranges lead to no peak by 2030); simulate require SCENARIO --param "
        "PATH --probability P (the value that makes a 2030 peak that likely); simulate compare "
        "SCENARIO [SCENARIO ...] (several plans side by side)")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    return run_command("simulate", lambda: _run_report(args))


def _run_report(args: argparse.Namespace) -> str:
    announce_compiling(args.lang)
    run = run_scenario(args.scenario, draws=args.draws, seed=args.seed, keep=args.keep,
                       plateau=args.plateau, scheduler=args.scheduler,
                       progress=sys.stderr.isatty())
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
    if args.lang != "en":
        words += ["--lang", args.lang]
    return shlex.join(words)


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} is not a fraction in [0, 1] (0.01 is 1 %)")
    return value
