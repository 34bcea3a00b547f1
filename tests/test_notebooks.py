"""The worked notebooks: stored clean, run top to bottom in under a minute, draw their charts,
and print what the library computes."""

from __future__ import annotations

import asyncio
import base64
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import simulator
from simulator.montecarlo.peak import peak_summary
from simulator.model.projection import project
from simulator.montecarlo.simulate import simulate

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LIMIT_S = 60.0  # a planner runs a notebook top to bottom in under a minute
# the charts each notebook draws (image/png outputs at least)
CHARTS = {"01_taiyuan_peak.ipynb": 3, "02_sensitivity.ipynb": 2, "03_regions.ipynb": 1}
DRAWS, SEED = 20_000, 2030  # what the notebooks use
PNG = b"\x89PNG\r\n\x1a\n"

# numba compiles the kernels on their first call in a new environment (about a minute) and
# keeps them in its on-disk cache, next to the module files. The timed runs are those of a user
# who has run the simulator once before, so a tiny project() and simulate() run first. The
# kernel imports simulator as a user's Python does, from the notebooks/ folder: the installed
# package. The test process may import the checkout instead (pytest puts the checkout root on
# sys.path), whose cache is a different one: then the installed copy is warmed in a process
# started like the kernel.
WARM_UP = """
import simulator
scenario = simulator.load_scenario("../scenarios/taiyuan_base.yaml")
simulator.project(scenario)
simulator.simulate(scenario, draws=256, seed=1)
"""
KERNEL_SIMULATOR = "import importlib.util; print(importlib.util.find_spec('simulator').origin)"


def warm_numba_cache() -> None:
    """Compile the kernels (or load them) for this process and for the notebook kernel."""
    scenario = simulator.load_scenario(NOTEBOOKS.parent / "scenarios" / "taiyuan_base.yaml")
    project(scenario)
    simulate(scenario, draws=256, seed=1)
    kernel_imports = subprocess.run([sys.executable, "-c", KERNEL_SIMULATOR], cwd=NOTEBOOKS,
                                    check=True, capture_output=True, text=True).stdout.strip()
    if Path(kernel_imports).resolve() != Path(simulator.__file__).resolve():
        subprocess.run([sys.executable, "-c", WARM_UP], cwd=NOTEBOOKS, check=True, timeout=600)


async def execute(name: str):
    """Run one notebook in a fresh python3 kernel: (executed notebook or the error, wall s)."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(notebook, kernel_name="python3", timeout=LIMIT_S,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    start = time.perf_counter()
    try:
        await client.async_execute()
    except Exception as error:  # reported by the test of that notebook, not here
        return error, time.perf_counter() - start
    return notebook, time.perf_counter() - start


@pytest.fixture(scope="module")
def executed() -> dict:
    """Every notebook executed, by name: (notebook or error, wall time in s).

    The three run at the same time, to keep the suite short; each time is measured while the
    others run, so it is at least what a run alone takes."""
    warm_numba_cache()

    async def execute_all():
        return await asyncio.gather(*(execute(name) for name in CHARTS))

    runs = dict(zip(CHARTS, asyncio.run(execute_all()), strict=True))
    for name, (_, seconds) in runs.items():
        print(f"{name}: executed in {seconds:.1f} s")
    return runs


def run(executed: dict, name: str):
    """The executed notebook and its time; an error in a cell fails the test here."""
    notebook, seconds = executed[name]
    if isinstance(notebook, Exception):
        raise notebook
    return notebook, seconds


def outputs(notebook) -> list:
    return [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]


def printed(notebook) -> str:
    """Everything the notebook printed to standard output."""
    return "".join(out.text for out in outputs(notebook)
                   if out.output_type == "stream" and out.name == "stdout")


def taiyuan_peak_test() -> dict:
    scenario = simulator.load_scenario(NOTEBOOKS.parent / "scenarios" / "taiyuan_base.yaml")
    return peak_summary(simulate(scenario, draws=DRAWS, seed=SEED))


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_stored_without_outputs(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(notebook)
    assert notebook.nbformat == 4
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and notebook.cells[0].cell_type == "markdown"
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_runs_fast_with_its_charts(executed, name):
    notebook, seconds = run(executed, name)
    assert seconds < LIMIT_S, f"{name} took {seconds:.1f} s (limit {LIMIT_S:.0f} s)"
    images = [base64.b64decode(out.data["image/png"]) for out in outputs(notebook)
              if "image/png" in out.get("data", {})]
    assert len(images) >= CHARTS[name]
    assert all(image.startswith(PNG) and len(image) > 10_000 for image in images)
    # a warning printed to the reader (a missing glyph, a deprecation) is a defect too
    warnings = [out.text for out in outputs(notebook)
                if out.output_type == "stream" and out.name == "stderr"]
    assert not warnings, warnings


def test_taiyuan_prints_the_library_answer(executed):
    text = printed(run(executed, "01_taiyuan_peak.ipynb")[0])
    peak = taiyuan_peak_test()
    low, high = peak["ci95"]
    assert (f"P(CO2 peaks by 2030) = {100 * peak['probability']:.2f} % "
            f"(95 % interval {100 * low:.2f} % to {100 * high:.2f} %)") in text
    scenario = simulator.load_scenario(NOTEBOOKS.parent / "scenarios" / "taiyuan_base.yaml")
    assert f"Deterministic peak year: {simulator.peak_year(project(scenario)['co2'])}," in text


def test_discovery_base_rate_is_the_no_peak_share(executed):
    text = printed(run(executed, "02_sensitivity.ipynb")[0])
    base_rate = float(re.search(r"base rate: ([\d.]+) % do not peak", text).group(1))
    assert base_rate == pytest.approx(100 * (1 - taiyuan_peak_test()["probability"]), abs=0.005)
    assert "Box 1: coverage" in text


def html_rows(html: str) -> list[list[str]]:
    """The cells of each row of a pandas HTML table (header rows first)."""
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)]


def test_regions_table_holds_each_scenarios_own_answer(executed):
    notebook = run(executed, "03_regions.ipynb")[0]
    table = next(out.data["text/html"] for out in outputs(notebook)
                 if "P(peak by 2030) (%)" in out.get("data", {}).get("text/html", ""))
    header, *rows = html_rows(table)
    column = header.index("P(peak by 2030) (%)")
    by_scenario = {row[0]: row for row in rows if row[0].endswith("_base")}
    assert len(by_scenario) == 5
    for name, row in by_scenario.items():
        scenario = simulator.load_scenario(NOTEBOOKS.parent / "scenarios" / f"{name}.yaml")
        peak = peak_summary(simulate(scenario, draws=DRAWS, seed=SEED))  # alone, as simulate
        assert float(row[column]) == pytest.approx(100 * peak["probability"], abs=0.05), name
        assert int(row[header.index("deterministic peak year")]) == \
            simulator.peak_year(project(scenario)["co2"]), name
