"""``simulate``: argument parsing, calls into the library, printing. No model logic here.

Exit codes: 0 success; 2 bad input (the message names the file, field, value and what is
allowed); 1 anything else.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path

from . import __version__
from .errors import InputError
from .io import write_run
from .report import format_report, summary
from .run import KEEP_MODES, has_uncertainty, project, simulate
from .scenario import load_scenario

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
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.epilog = (
        "other commands (each with --help): simulate calibrate SCENARIO (fit the plan's "
        "targets); simulate sweep SCENARIO --set PATH=START:STOP:N (a parameter grid); "
        "simulate sensitivity SCENARIO (Sobol or Morris indices); simulate discover SCENARIO "
        "(which parameter ranges lead to no peak by 2030); simulate require SCENARIO --param "
        "PATH --probability P (the value that makes a 2030 peak that likely)")
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
            "require": "simulator.cli_require"}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in COMMANDS:
        command = COMMANDS[argv[0]]
        if isinstance(command, str):
            command = importlib.import_module(command).main
        return command(argv[1:])
    return run_main(argv)


def add_ensemble_options(parser: argparse.ArgumentParser,
                         draws: int | None = DEFAULT_DRAWS) -> None:
    """The options every ensemble command shares: scenario, --draws (unless ``draws`` is
    None, for commands that size their runs otherwise), --seed, --out, --scheduler."""
    parser.add_argument("scenario", type=Path, help="scenario YAML file, e.g. "
                        "scenarios/taiyuan_base.yaml")
    if draws is not None:
        parser.add_argument("--draws", type=_whole(1), default=draws, metavar="N",
                            help=f"Monte Carlo draws (default {draws:,})")
    parser.add_argument("--seed", type=_whole(0), default=DEFAULT_SEED, metavar="S",
                        help=f"random seed; with the run's size it fixes every result "
                        f"(default {DEFAULT_SEED})")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="output folder (default: results/<scenario name>/)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run the draws as Dask tasks: a dask.distributed scheduler "
                        "address (tcp://host:8786), or 'processes' for a local cluster")


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
    scenario = load_scenario(args.scenario)
    projection = project(scenario)
    ensemble = None
    if has_uncertainty(scenario):
        ensemble = simulate(scenario, draws=args.draws, seed=args.seed, keep=args.keep,
                            progress=sys.stderr.isatty(), scheduler=args.scheduler)
    info = summary(projection, scenario, ensemble, plateau=args.plateau)
    written = write_run(output_folder(args, scenario), projection, ensemble, info)
    return format_report(projection, info, written)


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
