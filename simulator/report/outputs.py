"""What ``simulate`` hands a planner: a run's results -> its files (DESIGN §6).

``summary.json``, ``projection.nc`` and ``ensemble.nc`` for machines; the fan chart, the
peak-year histogram and the target scorecard (PNG), ``iamc.csv`` for other models, and
``report.html``, one self-contained page to share. All are written together and atomically by
``simulator.report.files.write_results``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import xarray as xr

from simulator.report.files import (
    ENSEMBLE_FILE, PROJECTION_FILE, SUMMARY_FILE, json_writer, netcdf_writer, write_results,
)
from simulator.montecarlo.bands import co2_bands
from simulator.report.summary import summary
from simulator.model.projection import has_uncertainty, project
from simulator.montecarlo.simulate import simulate
from simulator.model.scenario import Scenario, load_scenario

REPORT_FILE = "report.html"
IAMC_FILE = "iamc.csv"


@dataclass(frozen=True)
class RunResult:
    """Everything one ``simulate`` run computed; ``ensemble`` and ``bands`` are None for a
    scenario without an uncertainty section."""

    scenario: Scenario
    projection: xr.Dataset
    ensemble: xr.Dataset | None
    bands: xr.Dataset | None
    info: dict


def run_scenario(scenario_file: Path, draws: int, seed: int, keep: str = "summary",
                 plateau: float | None = None, scheduler: str | None = None,
                 progress: bool | str = False, sustained: float | None = None) -> RunResult:
    """Load, project and (with an uncertainty section) run a scenario's Monte Carlo.
    ``progress``: False for no bar, True for an English one, or the bar's language ("zh")."""
    scenario = load_scenario(scenario_file)
    projection = project(scenario)
    ensemble = bands = None
    if has_uncertainty(scenario):
        ensemble = simulate(scenario, draws=draws, seed=seed, keep=keep, progress=progress,
                            scheduler=scheduler)
        bands = co2_bands(scenario, ensemble, scheduler=scheduler)
    info = summary(projection, scenario, ensemble, plateau=plateau, sustained=sustained)
    return RunResult(scenario, projection, ensemble, bands, info)


def run_charts(run: RunResult, lang: str = "en") -> dict:
    """File name -> Figure of the run's charts (the fan chart alone without draws)."""
    from simulator.report import plots

    charts = {"fan_chart.png": plots.fan_chart(run.projection, run.bands, run.info, lang)}
    if run.ensemble is not None:
        charts["peak_year.png"] = plots.peak_year_histogram(run.ensemble, run.info, lang)
        if run.info["targets"]:
            charts["targets.png"] = plots.target_scorecard(run.info, lang)
    return charts


def write_run(out_dir: Path, run: RunResult, command: str, lang: str = "en") -> list[Path]:
    """Write every file of a run into ``out_dir``; returns their paths."""
    from simulator.report import plots
    from simulator.report.html import render_html
    from simulator.report.iamc import iamc_writer

    charts = {name: plots.png_bytes(figure) for name, figure in run_charts(run, lang).items()}
    html = render_html(run.info, list(charts.items()), run.scenario, run.ensemble, command,
                       lang)
    writers = {SUMMARY_FILE: json_writer(run.info),
               PROJECTION_FILE: netcdf_writer(run.projection)}
    if run.ensemble is not None:
        writers[ENSEMBLE_FILE] = netcdf_writer(run.ensemble)
    writers[IAMC_FILE] = iamc_writer(run.projection, run.bands)
    writers.update({name: _bytes_writer(png) for name, png in charts.items()})
    writers[REPORT_FILE] = lambda path: path.write_text(html, encoding="utf-8")
    return write_results(out_dir, writers)


def _bytes_writer(content: bytes):
    return lambda path: path.write_bytes(content)
