"""``simulate``: argument parsing, calls into the library, printing. No model logic here.

Exit codes: 0 success; 2 bad input (the message names the file, field, value and what is
allowed) or an output folder that cannot be written in full; 130 and 143 interrupted by Ctrl-C
(SIGINT) or SIGTERM, the output folder as it was (or with all the new files, when the signal
came as they were moved in); 1 anything else.
"""

from __future__ import annotations

import argparse
import importlib
import shlex
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from . import __version__
from .errors import InputError
from .interrupts import end_by, exit_code, stop_on_interrupts
from .labels import LANGUAGES, chinese_font
from .outputs import run_scenario, write_run
from .report import format_report
from .run import KEEP_MODES

EXIT_BAD_INPUT = 2
DEFAULT_DRAWS = 100_000
DEFAULT_SEED = 2030


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
    add_language_option(parser)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.epilog = (
        "other commands (each with --help): simulate calibrate SCENARIO (fit the plan's "
        "targets); simulate sweep SCENARIO --set PATH=START:STOP:N (a parameter grid); "
        "simulate sensitivity SCENARIO (Sobol or Morris indices); simulate discover SCENARIO "
        "(which parameter ranges lead to no peak by 2030); simulate require SCENARIO --param "
        "PATH --probability P (the value that makes a 2030 peak that likely); simulate compare "
        "SCENARIO [SCENARIO ...] (several plans side by side)")
    return parser


def calibrate_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="simulate calibrate",
        description="Fit a scenario's calibration.free parameters to its plan's targets and "
        "keep them in <scenario>.lock.yaml, which later runs use.")
    parser.add_argument("scenario", type=Path, help="scenario YAML file")
    args = parser.parse_args(argv)
    from calibration import calibrate, format_calibration  # the plain run does not need scipy
    try:
        result, lock_file = calibrate(args.scenario)
    except InputError as err:
        print(f"simulate calibrate: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(format_calibration(result, lock_file))
    return 0


# the modeller's commands, each a module with ``main(argv) -> int``, imported only when used
COMMANDS = {"calibrate": calibrate_main, "sweep": "simulator.cli_sweep",
            "sensitivity": "simulator.cli_sensitivity", "discover": "simulator.cli_discover",
            "require": "simulator.cli_require", "compare": "simulator.cli_compare"}


def main(argv: list[str] | None = None) -> int:
    """Run the command ``argv`` names (default: this program's arguments) and return its exit
    code. Ctrl-C or SIGTERM stops it with a message (``simulator.interrupts``): called as the
    program (no ``argv``), the process then ends by that signal, which a shell reports as 130
    or 143; called with ``argv``, that code is returned."""
    as_program = argv is None
    argv = sys.argv[1:] if argv is None else argv
    try:
        with stop_on_interrupts():
            return _command(argv)
    except KeyboardInterrupt as stop:  # Interrupted, or a Ctrl-C another handler turned into one
        signum = getattr(stop, "signum", signal.SIGINT)
        print(f"simulate: {interrupted_message(signum, getattr(stop, 'written', []))}",
              file=sys.stderr)
        if as_program:
            end_by(signum)
        return exit_code(signum)


def interrupted_message(signum: int, written: list[Path]) -> str:
    """What an interrupted command says about its output folder."""
    name = signal.Signals(signum).name
    if written:
        return f"interrupted ({name}) just after writing the results to " \
            f"{', '.join(map(str, written))}; they are complete"
    return f"interrupted ({name}); no results were written, and the output folder keeps " \
        "its earlier results"


def _command(argv: list[str]) -> int:
    if argv and argv[0] in COMMANDS:
        command = COMMANDS[argv[0]]
        if isinstance(command, str):
            command = importlib.import_module(command).main
        return command(argv[1:])
    return run_main(argv)


def add_ensemble_options(parser: argparse.ArgumentParser,
                         draws: int | None = DEFAULT_DRAWS) -> None:
    """The options every one-scenario ensemble command shares: the scenario, then
    ``add_run_options``."""
    parser.add_argument("scenario", type=Path, help="scenario YAML file, e.g. "
                        "scenarios/taiyuan_base.yaml")
    add_run_options(parser, draws)


def add_run_options(parser: argparse.ArgumentParser, draws: int | None = DEFAULT_DRAWS,
                    out: Path | None = None) -> None:
    """--draws (unless ``draws`` is None, for commands that size their runs otherwise), --seed,
    --out (default ``out``, or None for results/<scenario name>/: see ``output_folder``) and
    --scheduler."""
    if draws is not None:
        parser.add_argument("--draws", type=_whole(1), default=draws, metavar="N",
                            help=f"Monte Carlo draws (default {draws:,})")
    parser.add_argument("--seed", type=_whole(0), default=DEFAULT_SEED, metavar="S",
                        help=f"random seed; with the run's size it fixes every result "
                        f"(default {DEFAULT_SEED})")
    parser.add_argument("--out", type=Path, default=out, metavar="DIR",
                        help=f"output folder (default: {out or 'results/<scenario name>'}/)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run the draws as Dask tasks: a dask.distributed scheduler "
                        "address (tcp://host:8786), or 'processes' for a local cluster")


def add_language_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", type=_language, choices=LANGUAGES, default="en",
                        help="language of the charts and report.html: en (default) or zh "
                        "(Chinese; needs a font with Chinese characters)")


def chart_writers(name: str, chart: str, result, lang: str) -> dict:
    """``{name: writer}`` for the PNG of ``simulator.plots.<chart>(result, lang)``, or nothing
    when the chart does not apply to this result (e.g. a sweep over three parameters)."""
    from . import plots  # matplotlib only when a chart is drawn

    figure = getattr(plots, chart)(result, lang)
    return {} if figure is None else {name: plots.png_writer(figure)}


def output_folder(args: argparse.Namespace, scenario) -> Path:
    return args.out if args.out is not None else Path("results") / scenario.name


def run_command(prog: str, body: Callable[[], str]) -> int:
    """Run a command's body, print what it returns; bad input -> message and exit 2."""
    try:
        text = body()
    except InputError as err:
        print(f"{prog}: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(text)
    return 0


def run_main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    return run_command("simulate", lambda: _run_report(args))


def _run_report(args: argparse.Namespace) -> str:
    run = run_scenario(args.scenario, draws=args.draws, seed=args.seed, keep=args.keep,
                       plateau=args.plateau, scheduler=args.scheduler,
                       progress=sys.stderr.isatty())
    written = write_run(output_folder(args, run.scenario), run, reproduce_command(args),
                        args.lang)
    return format_report(run.projection, run.info, written)


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


def _whole(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is below the minimum {minimum}")
        return value
    return parse


def _language(text: str) -> str:
    """A language the charts can be drawn in: zh needs a font with Chinese characters, checked
    here so that a missing font is bad input said before a run, not after it."""
    if text == "zh":
        try:
            chinese_font()
        except InputError as err:  # argparse names the option itself
            raise argparse.ArgumentTypeError(str(err).removeprefix("--lang: ")) from None
    return text


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} is not a fraction in [0, 1] (0.01 is 1 %)")
    return value


if __name__ == "__main__":
    sys.exit(main())
