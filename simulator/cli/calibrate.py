"""``simulate calibrate SCENARIO``: fit the plan's targets, keep them in the lock file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simulator.cli.options import EXIT_BAD_INPUT
from simulator.errors import InputError


def main(argv: list[str]) -> int:
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
