"""``simulate``: argument parsing, calls into the library, printing. No model logic here.

Exit codes: 0 success; 2 bad input (the message names the file, field, value and what is
allowed); 1 anything else.
"""

from __future__ import annotations

import argparse
import sys
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
    parser.add_argument("scenario", type=Path, help="scenario YAML file, e.g. "
                        "scenarios/taiyuan_base.yaml")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="output folder (default: results/<scenario name>/)")
    parser.add_argument("--draws", type=_whole(1), default=DEFAULT_DRAWS, metavar="N",
                        help=f"Monte Carlo draws (default {DEFAULT_DRAWS:,})")
    parser.add_argument("--seed", type=_whole(0), default=DEFAULT_SEED, metavar="S",
                        help=f"random seed; with --draws it fixes every result (default "
                        f"{DEFAULT_SEED})")
    parser.add_argument("--keep", choices=KEEP_MODES, default="summary",
                        help="per-draw summaries only, or full trajectories too")
    parser.add_argument("--plateau", type=_fraction, metavar="X",
                        help="also count a draw as peaked when no year after 2030 is more than "
                        "X (a fraction, e.g. 0.01) above its 2030 level (default: off)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.epilog = "other commands: simulate calibrate SCENARIO (fit the plan's targets)"
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


COMMANDS = {"calibrate": calibrate_main}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in COMMANDS:
        return COMMANDS[argv[0]](argv[1:])
    return run_main(argv)


def run_main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        scenario = load_scenario(args.scenario)
        projection = project(scenario)
        ensemble = None
        if has_uncertainty(scenario):
            ensemble = simulate(scenario, draws=args.draws, seed=args.seed, keep=args.keep,
                                progress=sys.stderr.isatty())
        info = summary(projection, scenario, ensemble, plateau=args.plateau)
        out_dir = args.out if args.out is not None else Path("results") / scenario.name
        written = write_run(out_dir, projection, ensemble, info)
    except InputError as err:
        print(f"simulate: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(format_report(projection, info, written))
    return 0


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
