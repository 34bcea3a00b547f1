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
from .io import write_projection
from .report import format_report, summary
from .run import project
from .scenario import load_scenario

EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="simulate",
        description="Project a carbon-peaking scenario and test whether CO2 peaks by 2030.")
    parser.add_argument("scenario", type=Path, help="scenario YAML file, e.g. "
                        "scenarios/taiyuan_base.yaml")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="output folder (default: results/<scenario name>/)")
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
        info = summary(projection, scenario)
        out_dir = args.out if args.out is not None else Path("results") / scenario.name
        written = write_projection(out_dir, projection, info)
    except InputError as err:
        print(f"simulate: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(format_report(projection, info, written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
