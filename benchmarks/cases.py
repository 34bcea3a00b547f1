"""One benchmark case, run in its own process: ``python -m benchmarks.cases CASE [options]``.

Prints one JSON object: times in seconds, peak memory as the process's maximum resident set
size in MiB (interpreter, NumPy, numba and the run itself). A separate process per case keeps
the peak memory and the thread count (``NUMBA_NUM_THREADS``) the case's own.

The case ``big`` is a check as well as a measure: it exits non-zero when the run fails, shows no
progress or needs more memory than its budget.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import resource
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SCENARIO = REPO / "scenarios" / "taiyuan_base.yaml"
SIMULATE = Path(sys.executable).parent / "simulate"
# The big run's memory budget: about twice the 2.1 GB that 10^7 summary draws need, so a change
# that keeps one more copy of the per-draw arrays fails it, while the run still fits beside
# other work on an 8 GiB machine (it is a sixth of this 24 GiB one).
BIG_BUDGET_MIB = 4096
# one drawing of the Monte Carlo bar, e.g. "Monte Carlo:  45%|####5     | 4.50M/10.0M [...]"
PROGRESS = re.compile(r"Monte Carlo:\s*(\d+)%\|[^|]*\|\s*([\d.]+[kMG]?)/([\d.]+[kMG]?)")


def _timed(run, repeat: int) -> tuple[float, list[float]]:
    """First-call time, then the median of ``repeat`` warm calls."""
    start = time.perf_counter()
    run()
    first = time.perf_counter() - start
    warm = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        warm.append(time.perf_counter() - start)
    return first, warm


def _peak_mib(case: str) -> float:
    """Max RSS of this process, or of the largest child for the cases that run `simulate`."""
    who = resource.RUSAGE_CHILDREN if case in ("cli", "big") else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def _scenario(end_year: int | None):
    import simulator
    if end_year is None:
        return simulator.load_scenario(SCENARIO)
    folder = Path(tempfile.mkdtemp())
    variant = folder / "taiyuan_long.yaml"
    variant.write_text(f"extends: {SCENARIO}\nname: taiyuan_long\nregion: Taiyuan\n"
                       f"end_year: {end_year}\n", encoding="utf-8")
    return simulator.load_scenario(variant)


def case_simulate(args) -> dict:
    """``simulator.simulate`` on taiyuan_base: the kernel with sampling and summaries."""
    import simulator
    scenario = _scenario(args.end_year)
    first, warm = _timed(lambda: simulator.simulate(scenario, draws=args.draws, seed=2030,
                                                    keep=args.keep), args.repeat)
    years = len(scenario.years)
    return {"draws": args.draws, "years": years, "first_call_s": first,
            "warm_s": statistics.median(warm), "warm_runs_s": warm,
            "draw_years_per_s": args.draws * years / statistics.median(warm)}


def case_reference(args) -> dict:
    """One block of the same draws through numba, NumPy and plain Python; equal to 1e-9."""
    import simulator
    from benchmarks.common import IMPLEMENTATIONS, SUMMARY_FIELDS, prepare
    # the block lies within the run's draws (a Latin hypercube has no strata beyond them)
    args.block = min(args.block, args.draws)
    args.python_draws = min(args.python_draws, args.block)
    scenario = simulator.load_scenario(SCENARIO)
    inputs, sampler, block = prepare(scenario, draws=args.draws, seed=2030, stop=args.block)
    subset = prepare(scenario, draws=args.draws, seed=2030, stop=args.python_draws)
    years = len(inputs.years)
    result = {"draws": args.block, "python_draws": args.python_draws, "years": years}
    outputs = {}
    for name, run_one in IMPLEMENTATIONS.items():
        chosen = subset if name == "python" else (inputs, sampler, block)
        repeat = 1 if name == "python" else args.repeat
        first, warm = _timed(lambda name=name, run_one=run_one, chosen=chosen:
                             outputs.update({name: run_one(*chosen, 0)}), repeat)
        draws = args.python_draws if name == "python" else args.block
        result[f"{name}_s_per_draw"] = statistics.median(warm) / draws
    result["equal_to_1e-9"] = all(
        np.allclose(np.asarray(outputs[name][field][:args.python_draws], dtype=float),
                    np.asarray(outputs["numba"][field][:args.python_draws], dtype=float),
                    rtol=1e-9, atol=0)
        for name in ("numpy", "python") for field in SUMMARY_FIELDS)
    for name in ("numpy", "python"):
        result[f"speedup_vs_{name}"] = result[f"{name}_s_per_draw"] / result["numba_s_per_draw"]
    return result


def case_cli(args) -> dict:
    """``simulate scenarios/taiyuan_base.yaml`` end to end, as a user runs it."""
    out = Path(tempfile.mkdtemp())
    command = [str(SIMULATE), str(SCENARIO), "--out", str(out)]
    times = []
    for _ in range(1 + args.repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return {"draws": 100_000, "first_run_s": times[0], "warm_s": statistics.median(times[1:]),
            "warm_runs_s": times[1:]}


def case_big(args) -> dict:
    """``simulate`` with ``--draws`` (10^7) in summary mode, its standard error on a terminal
    as in a user's shell: wall time, peak memory, ensemble.nc's size and the progress shown.

    Raises
    ------
    SystemExit
        If the run fails, shows no Monte Carlo progress or peaks above ``--budget-mib``.
    """
    out = Path(tempfile.mkdtemp()) / "big"
    command = [str(SIMULATE), str(SCENARIO), "--draws", str(args.draws), "--out", str(out)]
    start = time.perf_counter()
    code, shown, printed = run_on_terminal(command)
    wall = time.perf_counter() - start
    ensemble_bytes = (out / "ensemble.nc").stat().st_size if code == 0 else None
    shutil.rmtree(out.parent)
    progress = progress_shown(shown)
    result = {"draws": args.draws, "keep": "summary", "first_run_s": wall,
              "ensemble_nc_mib": None if ensemble_bytes is None else ensemble_bytes / 2**20,
              "budget_mib": args.budget_mib, "progress_updates": len(progress),
              "progress_last": progress[-1] if progress else None}
    failures = _big_failures(code, shown + printed, progress, _peak_mib("big"), args.budget_mib)
    if failures:
        raise SystemExit("big run: " + "; ".join(failures) + f"\n{json.dumps(result)}")
    return result


def _big_failures(code: int, output: str, progress: list, peak_mib: float,
                  budget_mib: float) -> list[str]:
    failures = []
    if code != 0:
        failures.append(f"simulate exited {code}:\n{output[-2000:]}")
    if not progress:
        failures.append("no Monte Carlo progress bar on the terminal")
    if peak_mib > budget_mib:
        failures.append(f"peak memory {peak_mib:,.0f} MiB above the budget {budget_mib:,} MiB")
    return failures


def run_on_terminal(command: list[str], env: dict | None = None,
                    columns: int = 100) -> tuple[int, str, str]:
    """Run ``command`` with its standard error on a pseudo-terminal ``columns`` wide, as in a
    user's shell, and its standard output captured.

    Returns
    -------
    (int, str, str)
        The exit code, everything written to the terminal, and the standard output.
    """
    controller, terminal = os.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    with tempfile.TemporaryFile() as stdout:
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=stdout,
                                 stderr=terminal, env=env, cwd=REPO)
        os.close(terminal)  # the child's copy is then the last: its exit ends the reading
        shown = _read_until_closed(controller)
        code = child.wait()
        stdout.seek(0)
        printed = stdout.read().decode(errors="replace")
    return code, shown, printed


def _read_until_closed(controller: int) -> str:
    chunks = []
    try:
        while chunk := os.read(controller, 65536):
            chunks.append(chunk)
    except OSError:  # EIO: every process holding the terminal has closed it
        pass
    finally:
        os.close(controller)
    return b"".join(chunks).decode(errors="replace")


def progress_shown(terminal: str) -> list[tuple[int, str, str]]:
    """Each drawing of the Monte Carlo bar in a terminal's output: (percent, done, total)."""
    return [(int(percent), done, total) for percent, done, total in PROGRESS.findall(terminal)]


CASES = {"simulate": case_simulate, "reference": case_reference, "cli": case_cli,
         "big": case_big}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cases")
    parser.add_argument("case", choices=CASES)
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--keep", default="summary", choices=("summary", "full"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--end-year", type=int)
    parser.add_argument("--block", type=int, default=65_536)
    parser.add_argument("--python-draws", type=int, default=200)
    parser.add_argument("--budget-mib", type=int, default=BIG_BUDGET_MIB,
                        help="big: the most memory the run may take")
    args = parser.parse_args(argv)
    result = CASES[args.case](args)
    result.update(case=args.case, peak_mib=_peak_mib(args.case))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
