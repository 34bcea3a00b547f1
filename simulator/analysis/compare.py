"""Several plans side by side: the peak test of each scenario in one Dataset over ``scenario``.

Each scenario is run exactly as ``simulate`` runs it alone (the same draws and seed give the
same numbers): its deterministic projection, its Monte Carlo peak test and its per-year CO2
quantile bands. The scenarios are independent pieces of work and go through
``simulator.montecarlo.tasks.run_tasks``, so with a Dask scheduler they run side by side, one scenario per
worker; their horizons may differ, and the years are the union of them all.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from simulator import __version__
from simulator.montecarlo.bands import QUANTILE_DIM, co2_bands
from simulator.errors import InputError, ScenarioError
from simulator.defaults import ANALYSIS_DRAWS, SEED, TARGET_PEAK_YEAR
from simulator.montecarlo.peak import peak_summary, peak_year
from simulator.model.projection import has_uncertainty, project
from simulator.montecarlo.simulate import simulate
from simulator.model.scenario import Scenario
from simulator.model.schema import YEAR_DIM
from simulator.analysis.sweeps import POINT_VARIABLES, check_horizon
from simulator.montecarlo.tasks import progress_bar, run_tasks
from simulator.text import Message

SCENARIO_DIM = "scenario"
OUTSIDE = "NaN outside the scenario's horizon"

# per scenario: variable -> (units, long_name)
SCENARIO_VARIABLES = {
    **{name: POINT_VARIABLES[name] for name in (
        "peak_probability", "peak_probability_lower", "peak_probability_upper")},
    "deterministic_peak_year": ("yr", "year of maximum CO2 on the deterministic projection"),
    "median_peak_year": ("yr", "median year of maximum CO2 over the draws"),
}


def compare(scenarios: Sequence[Scenario], draws: int = ANALYSIS_DRAWS, seed: int = SEED,
            scheduler: str | None = None, progress: bool | str | None = False) -> xr.Dataset:
    """The peak test of each scenario, side by side.

    Parameters
    ----------
    scenarios : sequence of Scenario
        From ``simulator.load_scenario``, each with an uncertainty section and a distinct name.
    draws, seed : int
        Used for every scenario, as ``simulate`` would use them for it alone.
    scheduler : str, optional
        Where the scenarios run (``simulator.montecarlo.tasks.run_tasks``); None runs them here.
    progress : bool, str or None
        Show a progress bar over the scenarios (after 2 s) on standard error: False or None,
        none; True, in English; a language code (``"en"``, ``"zh"``), in that language.

    Returns
    -------
    xarray.Dataset
        Over ``scenario`` (names, in the order given; coordinate ``region``): the variables of
        ``SCENARIO_VARIABLES``; over (``scenario``, ``year``) the deterministic ``co2`` and over
        (``scenario``, ``quantile``, ``year``) ``co2_bands``, in 万t, NaN outside a scenario's
        horizon (``year`` is the union of the horizons; the bands' attrs ``draws_used`` and
        ``based_on`` say how many draws they rest on). Attrs ``draws``, ``seed``,
        ``peak_by_year``, ``simulator_version``.

    Raises
    ------
    InputError
        A scenario without an uncertainty section, whose horizon does not hold the peak test
        year, or whose name another scenario already has (naming its file).
    """
    check_scenarios(scenarios)
    tasks = [(scenario, draws, seed) for scenario in scenarios]
    with progress_bar(len(tasks), Message("progress.comparison"), Message("progress.scenarios"),
                      progress) as bar:
        results = run_tasks(evaluate_scenario, tasks, scheduler, on_done=lambda i: bar.update(1))
    return _to_dataset(scenarios, results, draws, seed)


def check_scenarios(scenarios: Sequence[Scenario]) -> None:
    """Everything a comparison needs, checked before any scenario runs."""
    if not scenarios:
        raise ValueError(Message("error.compare.empty"))
    first_file = {}
    for scenario in scenarios:
        if not has_uncertainty(scenario):
            raise ScenarioError(scenario.source, "uncertainty",
                                Message("error.compare.no_uncertainty", year=TARGET_PEAK_YEAR),
                                allowed=Message("error.compare.no_uncertainty_allowed"))
        check_horizon(scenario)
        if scenario.name in first_file:
            other = first_file[scenario.name]
            problem = (Message("error.compare.twice") if str(other) == str(scenario.source)
                       else Message("error.compare.same_name", other=str(other)))
            raise InputError(scenario.source, "name", problem, value=scenario.name,
                             allowed=Message("error.compare.names_allowed"))
        first_file[scenario.name] = scenario.source


def evaluate_scenario(scenario: Scenario, draws: int, seed: int) -> dict:
    """One scenario's part of the comparison (a task for ``run_tasks``: small arrays out)."""
    projection = project(scenario)
    ensemble = simulate(scenario, draws=draws, seed=seed)
    peak = peak_summary(ensemble)
    bands = co2_bands(scenario, ensemble)
    return {
        "peak_probability": peak["probability"],
        "peak_probability_lower": peak["ci95"][0],
        "peak_probability_upper": peak["ci95"][1],
        "deterministic_peak_year": peak_year(projection["co2"]),
        "median_peak_year": peak["year_quantiles"]["50"],
        "co2": projection["co2"],
        "co2_bands": bands["co2"],
        "bands_based_on": bands.attrs["based_on"],
        "bands_draws_used": bands.attrs["draws_used"],
    }


def _to_dataset(scenarios: Sequence[Scenario], results: list[dict], draws: int,
                seed: int) -> xr.Dataset:
    names = [s.name for s in scenarios]
    data = {name: (SCENARIO_DIM, [r[name] for r in results], {"units": units,
                                                               "long_name": long_name})
            for name, (units, long_name) in SCENARIO_VARIABLES.items()}
    ds = xr.Dataset(data, coords={SCENARIO_DIM: names})
    ds["co2"] = _stacked(results, "co2", names, f"deterministic CO2 emissions ({OUTSIDE})")
    ds["co2_bands"] = _stacked(results, "co2_bands", names, "quantiles of CO2 emissions over "
                               f"the draws ({OUTSIDE})")
    ds["co2_bands"].attrs.update(based_on=results[0]["bands_based_on"],
                                 draws_used=results[0]["bands_draws_used"])
    ds = ds.assign_coords(region=(SCENARIO_DIM, [s.region for s in scenarios],
                                  {"long_name": "region of the plan"}))
    ds[SCENARIO_DIM].attrs["long_name"] = "scenario name"
    ds[YEAR_DIM].attrs.update(units="yr", long_name="year")
    ds.attrs = {"draws": draws, "seed": seed, "peak_by_year": TARGET_PEAK_YEAR,
                "simulator_version": __version__}
    return ds


def _stacked(results: list[dict], name: str, names: list[str], long_name: str) -> xr.DataArray:
    """Each scenario's array stacked over ``scenario``, NaN in the years it does not cover."""
    parts = [r[name] for r in results]
    stacked = xr.concat(parts, dim=SCENARIO_DIM, join="outer", fill_value=np.nan,
                        combine_attrs="drop").sortby(YEAR_DIM)
    stacked = stacked.assign_coords({SCENARIO_DIM: names})
    return stacked.assign_attrs(units=parts[0].attrs["units"], long_name=long_name)


def comparison_table(result: xr.Dataset) -> pd.DataFrame:
    """One row per scenario: region, horizon, the ``SCENARIO_VARIABLES`` and CO2 in the peak
    test year (deterministic and each quantile); column names carry the units."""
    year = result.attrs["peak_by_year"]
    table = pd.DataFrame({"scenario": result[SCENARIO_DIM].values,
                          "region": result["region"].values})
    first, last = horizons(result)
    table["base_year [yr]"], table["end_year [yr]"] = first, last
    for name in SCENARIO_VARIABLES:
        table[f"{name} [{result[name].attrs['units']}]"] = result[name].values
    unit = result["co2"].attrs["units"]
    table[f"co2_{year} [{unit}]"] = result["co2"].sel(year=year).values
    for q in result[QUANTILE_DIM].values:
        table[f"co2_{year}_quantile_{q:g} [{unit}]"] = \
            result["co2_bands"].sel(quantile=q, year=year).values
    return table


def horizons(result: xr.Dataset) -> tuple[list[int], list[int]]:
    """First and last year of each scenario's horizon: where its deterministic CO2 is known."""
    years = result[YEAR_DIM].values
    known = np.isfinite(result["co2"].transpose(SCENARIO_DIM, YEAR_DIM).values)
    return ([int(years[row].min()) for row in known], [int(years[row].max()) for row in known])
