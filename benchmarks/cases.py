"""One benchmark case, run in its own process: ``python -m benchmarks.cases CASE [options]``.

Prints one JSON object: times in seconds, peak memory as the process's maximum resident set
size in MiB (interpreter, NumPy, numba and the run itself). A separate process per case keeps
the peak memory and the thread count (``NUMBA_NUM_THREADS``) the case's own.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SCENARIO = REPO / "scenarios" / "taiyuan_base.yaml"


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
    """Max RSS of this process, or of the largest child for the CLI case (it runs `simulate`)."""
    who = resource.RUSAGE_CHILDREN if case == "cli" else resource.RUSAGE_SELF
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
    command = [str(Path(sys.executable).parent / "simulate"), str(SCENARIO), "--out", str(out)]
    times = []
    for _ in range(1 + args.repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return {"draws": 100_000, "first_run_s": times[0], "warm_s": statistics.median(times[1:]),
            "warm_runs_s": times[1:]}


CASES = {"simulate": case_simulate, "reference": case_reference, "cli": case_cli}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cases")
    parser.add_argument("case", choices=CASES)
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--keep", default="summary", choices=("summary", "full"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--end-year", type=int)
    parser.add_argument("--block", type=int, default=65_536)
    parser.add_argument("--python-draws", type=int, default=200)
    args = parser.parse_args(argv)
    result = CASES[args.case](args)
    result.update(case=args.case, peak_mib=_peak_mib(args.case))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
