"""Interrupted and failing runs leave the output folder as it was.

Ctrl-C (SIGINT) or SIGTERM in the middle of a Monte Carlo stops ``simulate`` within seconds;
a write that fails (here a file size limit, as a full disk would) is exit 2 with a message.
Either way the earlier results in the output folder stay byte-identical and nothing new (no
staging folder, no partial file) is left. Real subprocesses and real signals; the moves that
put results in place are tested in-process, with the signal sent from inside them.
"""

import errno
import fcntl
import os
import pty
import resource
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
import types
from pathlib import Path

import pytest
import xarray as xr

from simulator import cli
from simulator.report import files as io
from simulator.errors import OutputError
from simulator.interrupts import Interrupted, held, stop_on_interrupts

from conftest import TAIYUAN

SIMULATE = Path(sys.executable).parent / "simulate"
# A run this big takes minutes to finish and write: one that ignored the signal is caught
# both by the clock and by the files it would write.
BIG_RUN = ["--draws", "20000000", "--seed", "7"]
STOP_WITHIN = 10.0  # s from the signal to the end of the process
START_TIMEOUT = 600.0  # s: a first run compiles the kernels
PROGRESS_MARK = b"Monte Carlo"  # the progress bar, shown once the draws run for 2 s


@pytest.fixture(scope="module")
def earlier_run(tmp_path_factory):
    """An output folder holding a finished small run."""
    out = tmp_path_factory.mktemp("earlier")
    result = subprocess.run([str(SIMULATE), str(TAIYUAN), "--draws", "2000", "--out", str(out)],
                            capture_output=True, text=True, timeout=START_TIMEOUT)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def out(earlier_run, tmp_path):
    """A copy of the earlier run's folder, for one test to run into."""
    return Path(shutil.copytree(earlier_run, tmp_path / "out"))


def folder_bytes(folder: Path) -> dict[str, bytes]:
    """Every entry of the folder (hidden ones too) -> its bytes (a folder: None)."""
    return {p.name: None if p.is_dir() else p.read_bytes() for p in folder.iterdir()}


def _default_interrupts():
    # the test may run where SIGINT is ignored (a background job), which the child would inherit
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _read_until(terminal: int, process: subprocess.Popen, mark: bytes | None,
                timeout: float) -> bytes:
    """What the process writes to ``terminal`` until ``mark`` shows or it exits."""
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and (mark is None or mark not in seen):
        if select.select([terminal], [], [], 0.2)[0]:
            try:
                seen += os.read(terminal, 4096)
            except OSError:  # the process has closed its end of the terminal
                break
        elif process.poll() is not None:
            break
    return seen


def interrupt_in_monte_carlo(args: list, signum: int, mark: bytes = PROGRESS_MARK):
    """Start ``simulate args`` with standard error on a terminal (so the progress bar shows),
    send ``signum`` once the bar is up, and return (exit status, standard error, seconds from
    the signal to the end)."""
    terminal, child_end = pty.openpty()
    # a terminal of 0 columns (a new pty's size) gets no bar from tqdm
    fcntl.ioctl(child_end, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen([str(SIMULATE), *map(str, args)], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=child_end,
                               preexec_fn=_default_interrupts)
    os.close(child_end)
    try:
        before = _read_until(terminal, process, mark, START_TIMEOUT)
        assert mark in before and process.poll() is None, before.decode(errors="replace")
        process.send_signal(signum)
        sent = time.monotonic()
        after = _read_until(terminal, process, None, 120.0)
        status = process.wait(timeout=120.0)
        return status, (before + after).decode(errors="replace"), time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(terminal)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM],
                         ids=["ctrl-c", "sigterm"])
def test_a_signal_during_the_monte_carlo_stops_the_run_and_keeps_the_earlier_results(
        out, signum):
    before = folder_bytes(out)
    status, err, seconds = interrupt_in_monte_carlo([TAIYUAN, *BIG_RUN, "--out", out], signum)
    # the process ends by the signal itself (a shell reports 130 or 143) after cleaning up
    assert status == -signum, err
    assert f"interrupted ({signal.Signals(signum).name}); no results were written" in err
    assert "Traceback" not in err
    assert seconds < STOP_WITHIN
    assert folder_bytes(out) == before  # no staging folder, no new or changed file


def test_sigterm_stops_every_command_the_same_way(out):
    before = folder_bytes(out)
    grid = "paths.energy_intensity_decline.values.2026=0.01:0.04:20"
    status, err, seconds = interrupt_in_monte_carlo(
        ["sweep", TAIYUAN, "--set", grid, "--draws", "1000000", "--out", out], signal.SIGTERM,
        mark=b"Sweep")
    assert status == -signal.SIGTERM, err
    assert "simulate: interrupted (SIGTERM); no results were written" in err
    assert seconds < STOP_WITHIN
    assert folder_bytes(out) == before


def _file_size_limit(limit: int):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so that a write beyond it fails (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_file_that_cannot_be_written_in_full_is_exit_2_and_keeps_the_earlier_results(out):
    before = folder_bytes(out)
    # summary.json fits and is written first; ensemble.nc (360 kB) does not
    result = subprocess.run([str(SIMULATE), str(TAIYUAN), "--draws", "2000", "--seed", "7",
                             "--out", str(out)], capture_output=True, text=True,
                            timeout=START_TIMEOUT, preexec_fn=_file_size_limit(200_000))
    assert result.returncode == 2, result.stderr
    assert f"{out}: writing ensemble.nc failed" in result.stderr
    assert "Traceback" not in result.stderr
    assert folder_bytes(out) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_is_exit_2_and_keeps_the_earlier_results(out):
    before = folder_bytes(out)
    out.chmod(0o555)
    try:
        result = subprocess.run([str(SIMULATE), str(TAIYUAN), "--draws", "200", "--out",
                                 str(out)], capture_output=True, text=True, timeout=START_TIMEOUT)
    finally:
        out.chmod(0o755)
    assert result.returncode == 2, result.stderr
    # the reason is the system's own words for EACCES, whatever they are on this machine
    assert ("output folder cannot be created or written: " + os.strerror(errno.EACCES)
            in result.stderr)
    assert folder_bytes(out) == before


# --- in-process: the moves, the handlers, the staging folders ---------------------------------

def _writers(text: str) -> dict:
    return {name: (lambda path, name=name: path.write_text(f"{name} {text}"))
            for name in ("a.txt", "b.txt", "c.txt")}


def _signal_once(signum: int = signal.SIGTERM):
    """A function that sends ``signum`` to this process the first time it is called."""
    sent = []

    def send():
        if not sent:
            sent.append(signum)
            os.kill(os.getpid(), signum)
    return send


def test_a_signal_during_the_moves_takes_effect_once_all_files_are_in_place(tmp_path,
                                                                           monkeypatch):
    io.write_results(tmp_path, _writers("earlier"))
    send, replace = _signal_once(), os.replace
    monkeypatch.setattr(io.os, "replace", lambda *paths: (replace(*paths), send()))
    with pytest.raises(Interrupted) as stop, stop_on_interrupts():
        io.write_results(tmp_path, _writers("new"))
    assert stop.value.signum == signal.SIGTERM and stop.value.written == [tmp_path]
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {
        name: f"{name} new" for name in _writers("")}


def test_a_signal_while_writing_leaves_the_earlier_files_and_no_staging(tmp_path):
    io.write_results(tmp_path, _writers("earlier"))
    before = folder_bytes(tmp_path)
    send = _signal_once()
    writers = _writers("new")
    writers["b.txt"] = lambda path: (path.write_text("half"), send(), time.sleep(5))
    started = time.monotonic()
    with pytest.raises(Interrupted) as stop, stop_on_interrupts():
        io.write_results(tmp_path, writers)
    assert time.monotonic() - started < 4  # the sleep was cut short
    assert stop.value.written == []
    assert folder_bytes(tmp_path) == before


def test_the_handlers_are_the_commands_alone_and_ignored_signals_stay_ignored():
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with stop_on_interrupts():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
            with held(Path(".")):
                assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGTERM) is handlers[signal.SIGTERM]
    finally:
        signal.signal(signal.SIGINT, handlers[signal.SIGINT])


def test_main_reports_an_interrupted_command_with_its_exit_code(monkeypatch, capsys):
    def long_command(argv):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
        return 0
    command = types.ModuleType("long_command")  # a command is a module with main(argv)
    command.main = long_command
    monkeypatch.setitem(sys.modules, "long_command", command)
    monkeypatch.setitem(cli.COMMANDS, "long", "long_command")
    assert cli.main(["long"]) == 143
    err = capsys.readouterr().err
    assert err == ("simulate: interrupted (SIGTERM); no results were written, and the output "
                   "folder keeps its earlier results\n")


def test_stale_staging_folders_are_removed_and_nothing_else(tmp_path):
    hour = io.STALE_STAGING
    stale, fresh = tmp_path / ".staging-dead", tmp_path / ".staging-live"
    other = tmp_path / "staging-mine"
    for folder in (stale, fresh, other):
        folder.mkdir()
        (folder / "summary.json").write_text("{}")
    (tmp_path / ".staging-a-file").write_text("not a folder")
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    elsewhere.mkdir()
    (tmp_path / ".staging-link").symlink_to(elsewhere, target_is_directory=True)
    old = time.time() - 2 * hour
    for path in (stale, stale / "summary.json", other, other / "summary.json", elsewhere):
        os.utime(path, (old, old))
    os.utime(fresh, (old, old))  # the folder is old but a file in it was written just now
    io.write_results(tmp_path, _writers("new"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".staging-a-file", ".staging-link", ".staging-live", "a.txt", "b.txt", "c.txt",
        "staging-mine"]
    assert elsewhere.is_dir()


def test_a_netcdf_write_failure_is_an_os_error(tmp_path, monkeypatch):
    def failing(self, *args, **kwargs):
        raise RuntimeError("NetCDF: HDF error")
    monkeypatch.setattr(xr.Dataset, "to_netcdf", failing)
    with pytest.raises(OutputError, match="writing x.nc failed: the netCDF library could "
                       r"not write the file \(NetCDF: HDF error\)"):
        io.write_results(tmp_path, {"x.nc": io.netcdf_writer(xr.Dataset({"v": ("d", [1.0])}))})
    assert list(tmp_path.iterdir()) == []


def test_a_folder_in_the_way_of_a_result_is_refused_before_anything_is_written(tmp_path):
    (tmp_path / "b.txt").mkdir()
    with pytest.raises(OutputError, match="a folder named b.txt is in the way"):
        io.write_results(tmp_path, _writers("new"))
    assert [p.name for p in tmp_path.iterdir()] == ["b.txt"]
