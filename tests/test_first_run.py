"""The first run says what it waits for: one line on stderr before numba compiles the kernels
(a new installation, an empty cache), and nothing on later runs."""

from __future__ import annotations

import importlib.util
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

from simulator.montecarlo import compiled

from conftest import TAIYUAN

SIMULATE = Path(sys.executable).parent / "simulate"
LINE = re.compile(r"^simulate: compiling the model once, about (\d+) s "
                  r"\(later runs start at once\)$")


def command(out: Path) -> list[str]:
    return [str(SIMULATE), str(TAIYUAN), "--draws", "1000", "--out", str(out)]


def test_an_empty_numba_cache_gets_one_line_before_the_compile(tmp_path):
    """With an empty NUMBA_CACHE_DIR the line comes within seconds, long before the kernels
    could have compiled (the run is stopped there: the compile itself is not waited for)."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    started = time.perf_counter()
    process = subprocess.Popen(command(tmp_path / "out"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    try:
        ready, _, _ = select.select([process.stderr], [], [], 60)
        first = process.stderr.readline() if ready else ""
        seconds = time.perf_counter() - started
    finally:
        process.kill()
        process.communicate()
    said = LINE.match(first.rstrip("\n"))
    assert said, f"first line on stderr: {first!r}"
    assert seconds < 30  # compiling takes a minute or more: this came first
    assert int(said[1]) == round(compiled.compile_seconds(list(compiled.KERNELS)), -1)


def test_a_run_with_the_kernels_cached_says_nothing_of_compiling(tmp_path):
    # the first run compiles when this installation has not yet (then it says so); the second
    # finds the kernels in the cache
    runs = [subprocess.run(command(tmp_path / f"out{i}"), capture_output=True, text=True,
                           timeout=600) for i in range(2)]
    assert all(run.returncode == 0 for run in runs), runs[-1].stderr
    assert not any(LINE.match(line) for line in runs[0].stderr.splitlines()[1:])  # once at most
    assert "compiling" not in runs[1].stderr, runs[1].stderr


TINY = """
from numba import njit


@njit(cache=True)
def twice(x):
    return 2.0 * x
"""


def load_tiny(folder: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.twice


def test_cold_kernels_reads_numba_s_own_cache(tmp_path, monkeypatch):
    """A kernel is cold until its first call has stored it, and cold again when its source
    changes (numba then compiles it anew); a function without a cache is never reported."""
    (tmp_path / "tiny_kernel.py").write_text(TINY, encoding="utf-8")
    twice = load_tiny(tmp_path, "tiny_kernel")
    monkeypatch.setattr(compiled, "KERNELS", {"twice": twice, "plain": len})
    assert compiled.cold_kernels() == ["twice"]
    assert twice(2.0) == 4.0
    assert compiled.cold_kernels() == []
    monkeypatch.setattr(compiled, "KERNELS", {"twice": load_tiny(tmp_path, "tiny_kernel")})
    assert compiled.cold_kernels() == []  # a new process, same source: loads at once
    (tmp_path / "tiny_kernel.py").write_text(TINY + "\n# changed\n", encoding="utf-8")
    os.utime(tmp_path / "tiny_kernel.py", (1, 1))  # a stamp of its own, whatever the clock
    monkeypatch.setattr(compiled, "KERNELS", {"twice": load_tiny(tmp_path, "tiny_kernel")})
    assert compiled.cold_kernels() == ["twice"]
