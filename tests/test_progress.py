"""The Monte Carlo progress bar: drawn on a terminal once a run has taken 2 s, cleared when done,
never written into a pipe or a file, and without effect on the results."""

import json
import os
import subprocess
import sys

import pytest

from benchmarks.cases import REPO, progress_shown, run_on_terminal

from conftest import TAIYUAN

DRAWS = 1_500_000
TOTAL = "1.50M"  # how the bar writes DRAWS
# one thread and a horizon to 2200 make the Monte Carlo about 5 s, past the bar's 2 s delay,
# while the files to write stay small (summary mode: per-draw numbers only)
ONE_THREAD = {**os.environ, "NUMBA_NUM_THREADS": "1"}
TIMEOUT_S = 600  # generous: a first run on a fresh machine compiles the kernels


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The same run twice, side by side: standard error on a terminal, and into a pipe."""
    folder = tmp_path_factory.mktemp("progress")
    scenario = folder / "taiyuan_long.yaml"
    scenario.write_text(f"extends: {TAIYUAN}\nname: taiyuan_long\nregion: Taiyuan\n"
                        "end_year: 2200\n", encoding="utf-8")

    def command(out: str) -> list[str]:
        return [sys.executable, "-m", "simulator.cli", str(scenario), "--draws", str(DRAWS),
                "--out", str(folder / out)]

    piped = subprocess.Popen(command("piped"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, env=ONE_THREAD, cwd=REPO, text=True)
    try:
        code, shown, printed = run_on_terminal(command("terminal"), env=ONE_THREAD)
        piped_printed, piped_err = piped.communicate(timeout=TIMEOUT_S)
    finally:
        piped.kill()
    return {"folder": folder, "terminal": (code, shown, printed),
            "piped": (piped.returncode, piped_err, piped_printed)}


def test_a_terminal_shows_the_draws_done_out_of_the_total(runs):
    code, shown, printed = runs["terminal"]
    assert code == 0, shown
    drawings = progress_shown(shown)
    assert drawings, f"no Monte Carlo bar on the terminal: {shown[-500:]!r}"
    assert {total for _, _, total in drawings} == {TOTAL}
    percents = [percent for percent, _, _ in drawings]
    assert percents == sorted(percents) and percents[-1] == 100
    assert drawings[-1][1] == TOTAL
    assert progress_shown(printed) == [] and "\r" not in printed  # the report stays clean


def test_the_bar_is_cleared_when_the_run_is_done(runs):
    _, shown, _ = runs["terminal"]
    last_line = shown.split("\r")[-2]  # the bar redraws itself after each carriage return
    assert "Monte Carlo" in shown and last_line.strip() == ""


def test_no_bar_when_standard_error_is_not_a_terminal(runs):
    code, err, printed = runs["piped"]
    assert code == 0, err
    assert progress_shown(err) == [] and "%|" not in err and "\r" not in err
    assert progress_shown(printed) == [] and "\r" not in printed


def test_showing_progress_does_not_change_the_results(runs):
    folder = runs["folder"]
    terminal, piped = (json.loads((folder / out / "summary.json").read_text(encoding="utf-8"))
                       for out in ("terminal", "piped"))
    assert terminal["draws"] == DRAWS
    assert terminal == piped
