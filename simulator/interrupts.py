"""Ctrl-C and SIGTERM: a command stops promptly and leaves its output folder as it was.

Within ``stop_on_interrupts`` (the ``simulate`` command enters it; importing the library changes
no signal handling) SIGINT and SIGTERM raise ``Interrupted``, which unwinds the run as Ctrl-C
does, so every ``finally`` runs: ``simulator.report.files.write_results`` removes its staging folder and
the earlier results stay. Python runs signal handlers between bytecodes, so a run stops at the
end of the kernel call under way (a block of draws, well under a second).

The moves that put finished results in place are the one step a signal must not cut, or the
folder would mix new and earlier files: ``held`` notes a signal that arrives during them and
raises it again once they are done, when ``Interrupted`` says that the results were written.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

INTERRUPTS = (signal.SIGINT, signal.SIGTERM)
# the folders that ``held`` steps put results in, while ``stop_on_interrupts`` is in force
_written: list[Path] | None = None


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived. A ``KeyboardInterrupt``, so that whatever lets Ctrl-C through
    lets SIGTERM through too; ``written`` lists the output folders the command had already
    put its results in (empty when the signal came before that)."""

    def __init__(self, signum: int, written: list[Path] | None = None):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.written = written or []


@contextmanager
def stop_on_interrupts() -> Iterator[None]:
    """Within: SIGINT and SIGTERM raise ``Interrupted`` (a signal the process was started to
    ignore stays ignored, as under ``nohup`` or ``&`` in a script). Main thread only; elsewhere
    nothing changes, as Python runs signal handlers in the main thread alone."""
    global _written
    _written = []
    try:
        with _handlers(_raise_interrupted):
            yield
    finally:
        _written = None


@contextmanager
def held(folder: Path) -> Iterator[None]:
    """Within: SIGINT and SIGTERM are noted, not acted on. On leaving normally, ``folder``
    counts as written (``Interrupted.written``) and the first signal noted is raised again for
    the handler in force; a step that fails keeps the noted signal back, as its error already
    ends the command."""
    noted = []
    with _handlers(lambda signum, frame: noted.append(signum)):
        yield
        if _written is not None:
            _written.append(Path(folder))
    if noted:
        signal.raise_signal(noted[0])


def exit_code(signum: int) -> int:
    """The status a shell reports for a process ended by ``signum``: 130 for SIGINT, 143 for
    SIGTERM."""
    return 128 + signum


def end_by(signum: int) -> None:
    """End the process by ``signum`` itself, with the default action: its parent then knows it
    was interrupted (a shell stops a loop of commands on Ctrl-C only then) and reports
    ``exit_code(signum)``. As Python does for an uncaught KeyboardInterrupt."""
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed pipe or stream has nothing to keep
            stream.flush()
    signal.signal(signum, signal.SIG_DFL)
    signal.raise_signal(signum)


@contextmanager
def _handlers(handler) -> Iterator[None]:
    """``handler`` for each of ``INTERRUPTS`` that Python handles now, restored on leaving."""
    previous = {}
    try:
        if threading.current_thread() is threading.main_thread():
            for signum in INTERRUPTS:
                # SIG_IGN stays ignored; None (a handler not set from Python) cannot be restored
                if signal.getsignal(signum) not in (signal.SIG_IGN, None):
                    previous[signum] = signal.signal(signum, handler)
        yield
    finally:
        for signum, earlier in previous.items():
            signal.signal(signum, earlier)


def _raise_interrupted(signum: int, frame) -> None:
    raise Interrupted(signum, list(_written or []))
