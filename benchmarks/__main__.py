"""``python -m benchmarks``: the performance table, and the same numbers as JSON.

Every case runs in a fresh process (``benchmarks/cases.py``) with the thread count asked for.
Compile time is measured honestly: the first case runs against an empty numba cache, so its
first call compiles every kernel; the other cases reuse that cache, as a user's second run does.
With --big, the command line also runs 10^7 draws on a terminal and fails if that run fails,
shows no progress or exceeds its memory budget.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import numba
import numpy as np

BIG_DRAWS = 10_000_000


def run_case(name: str, options: list[str], env: dict) -> dict:
    command = [sys.executable, "-m", "benchmarks.cases", name, *options]
    result = subprocess.run(command, capture_output=True, text=True, env=env,
                            cwd=Path(__file__).resolve().parent.parent)
    if result.returncode != 0:
        raise SystemExit(f"benchmark case {name} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--keep", default="summary", choices=("summary", "full"))
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per case (median)")
    parser.add_argument("--scaling", action="store_true",
                        help="also 1e4..1e7 draws and an end year of 2100")
    parser.add_argument("--big", action="store_true",
                        help="also `simulate` with 10^7 draws on a terminal: time, peak memory "
                        "against its budget, ensemble.nc size, progress shown")
    parser.add_argument("--json", type=Path, default=Path("benchmark-results.json"))
    args = parser.parse_args(argv)
    env = {**os.environ, "NUMBA_NUM_THREADS": str(args.threads),
           "NUMBA_CACHE_DIR": tempfile.mkdtemp(prefix="numba-cache-")}
    common = ["--repeat", str(args.repeat), "--keep", args.keep]
    rows = [run_case("simulate", ["--draws", str(args.draws), *common], env),
            run_case("reference", ["--draws", str(args.draws), "--repeat", str(args.repeat)],
                     env),
            run_case("cli", ["--repeat", str(args.repeat)], env)]
    if args.scaling:
        rows += [run_case("simulate", ["--draws", str(n), *common], env)
                 for n in (10_000, 100_000, 1_000_000, 10_000_000)]
        rows.append(run_case("simulate", ["--draws", str(args.draws), "--end-year", "2100",
                                          *common], env))
    if args.big:
        rows.append(run_case("big", ["--draws", str(BIG_DRAWS)], env))
    print(table(rows, args))
    report = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "machine": machine(args.threads), "rows": rows}
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.json}")


def machine(threads: int) -> dict:
    return {"processor": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
            "threads": threads, "python": platform.python_version(), "numpy": np.__version__,
            "numba": numba.__version__}


def table(rows: list[dict], args) -> str:
    lines = [f"machine: {machine(args.threads)}", "",
             f"{'case':<28}{'draws':>12}{'years':>7}{'warm s':>10}{'first s':>10}"
             f"{'draw-years/s':>15}{'peak MiB':>10}"]
    for r in rows:
        label = r["case"] + (f" (to {2021 + r['years']})" if r.get("years", 39) != 39 else "")
        first = r.get("first_call_s", r.get("first_run_s"))
        rate = r.get("draw_years_per_s")
        lines.append(f"{label:<28}{r['draws']:>12,}{r.get('years', 39):>7}"
                     f"{_seconds(r.get('warm_s')):>10}{_seconds(first):>10}"
                     f"{(f'{rate:,.3g}' if rate else '-'):>15}{r['peak_mib']:>10.0f}")
    for r in rows:
        if r["case"] == "reference":
            lines += ["", f"same draws ({r['draws']:,} for numba and NumPy, {r['python_draws']} "
                      f"for Python), equal to 1e-9: {r['equal_to_1e-9']}",
                      f"  numba {r['numba_s_per_draw'] * 1e6:.3f} us/draw; NumPy "
                      f"{r['numpy_s_per_draw'] * 1e6:.3f} us/draw ({r['speedup_vs_numpy']:.1f}x "
                      f"slower); plain Python {r['python_s_per_draw'] * 1e6:,.0f} us/draw "
                      f"({r['speedup_vs_python']:,.0f}x slower)"]
        if r["case"] == "big":
            lines += ["", f"simulate with {r['draws']:,} draws ({r['keep']} mode), standard error "
                      f"on a terminal: {r['first_run_s']:.1f} s, peak {r['peak_mib']:,.0f} MiB "
                      f"(budget {r['budget_mib']:,} MiB), ensemble.nc {r['ensemble_nc_mib']:,.0f} "
                      f"MiB, progress bar drawn {r['progress_updates']} times"]
    lines.append("\nfirst s: the first call in a fresh process; for the first case the numba "
                 "cache is empty, so it includes compiling every kernel.")
    return "\n".join(lines)


def _seconds(value) -> str:
    return "-" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    main()
