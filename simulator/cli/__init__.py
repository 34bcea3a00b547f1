"""``simulate``: the command line. One module per command (``run`` is the plain
``simulate SCENARIO``), the options they share in ``options``; argument parsing, calls into the
library and printing only, no model logic.

Exit codes: 0 success; 2 bad input (the message names the file, field, value and what is
allowed) or an output folder that cannot be written in full; 130 and 143 interrupted by Ctrl-C
(SIGINT) or SIGTERM, the output folder as it was (or with all the new files, when the signal
came as they were moved in); 1 anything else.
"""

from __future__ import annotations

import importlib
import signal
import sys
from pathlib import Path

from simulator.cli.options import language_of
from simulator.interrupts import end_by, exit_code, stop_on_interrupts
from simulator.text import text

# each command a module with ``main(argv) -> int``, imported only when used (``simulate
# --help`` loads no numerics); a first word that names no command is the plain run's scenario
COMMANDS = {"calibrate": "simulator.cli.calibrate", "sweep": "simulator.cli.sweep",
            "sensitivity": "simulator.cli.sensitivity", "discover": "simulator.cli.discover",
            "require": "simulator.cli.require", "compare": "simulator.cli.compare"}
RUN_COMMAND = "simulator.cli.run"
PROGRAM = "simulate"


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
        message = interrupted_message(signum, getattr(stop, "written", []), language_of(argv))
        print(f"{PROGRAM}: {message}", file=sys.stderr)
        if as_program:
            end_by(signum)
        return exit_code(signum)


def interrupted_message(signum: int, written: list[Path], lang: str = "en") -> str:
    """What an interrupted command says about its output folder, in ``lang``."""
    name = signal.Signals(signum).name
    if written:
        return text("console.interrupted_written", lang, signal=name,
                    files=", ".join(map(str, written)))
    return text("console.interrupted", lang, signal=name)


def _command(argv: list[str]) -> int:
    if argv and argv[0] in COMMANDS:
        return importlib.import_module(COMMANDS[argv[0]]).main(argv[1:])
    return importlib.import_module(RUN_COMMAND).main(argv)
