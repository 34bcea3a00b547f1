"""Parameter sweeps: the peak test over a grid of parameter values, on common random numbers.

Every grid point runs ``simulate`` with the same seed and number of draws, so every point sees
the same random numbers: a difference between two points is the effect of the parameters,
not Monte Carlo noise (a parameter without effect gives exactly equal results). The points are
independent pieces of work and go through ``simulator.montecarlo.tasks.run_tasks``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from simulator import __version__
from simulator.errors import InputError
from simulator.model.parameters import parameter_field
from simulator.defaults import ANALYSIS_DRAWS, SEED, TARGET_PEAK_YEAR
from simulator.montecarlo.peak import peak_summary, target_probabilities
from simulator.montecarlo.simulate import simulate
from simulator.model.scenario import Scenario
from simulator.model.schema import Field
from simulator.montecarlo.tasks import progress_bar, run_tasks
from simulator.text import Message

TARGET_DIM = "target"
COMMON_RANDOM_NUMBERS = (
    "every grid point uses the same seed and draws (common random numbers): differences "
    "between points are effects of the swept parameters, not Monte Carlo noise")

# per grid point: variable -> (units, long_name)
PEAK = f"P(CO2 peaks by {TARGET_PEAK_YEAR})"
POINT_VARIABLES = {
    "peak_probability": ("1", PEAK),
    "peak_probability_lower": ("1", f"lower end of the Wilson 95 % interval of {PEAK}"),
    "peak_probability_upper": ("1", f"upper end of the Wilson 95 % interval of {PEAK}"),
    "median_peak_year": ("yr", "median year of maximum CO2"),
    f"median_co2_{TARGET_PEAK_YEAR}": ("万t", f"median CO2 emissions in {TARGET_PEAK_YEAR}"),
}
# per grid point and plan target
TARGET_VARIABLES = {
    "target_probability": ("1", "P(plan target met, within 0.5 %)"),
    "target_probability_lower": ("1", "lower end of the Wilson 95 % interval of P(target met)"),
    "target_probability_upper": ("1", "upper end of the Wilson 95 % interval of P(target met)"),
}


@dataclass(frozen=True)
class Axis:
    """One swept parameter: its path, the values it takes and its schema field."""

    path: str
    values: np.ndarray
    field: Field
    plan_value: float


def sweep(scenario: Scenario, grid: Mapping[str, Sequence[float]], draws: int = ANALYSIS_DRAWS,
          seed: int = SEED, scheduler: str | None = None,
          progress: bool | str | None = False) -> xr.Dataset:
    """The peak test at every point of a grid of parameter values.

    Parameters
    ----------
    scenario : Scenario
        From ``simulator.load_scenario``.
    grid : mapping of str to sequence of float
        Parameter path (``paths.energy_intensity_decline.values.2026``, ``base.direct_gas_share``)
        to the values it takes; the grid is every combination.
    draws, seed : int
        The same at every point: the points share their random numbers.
    scheduler : str, optional
        Where the points run (``simulator.montecarlo.tasks.run_tasks``); None runs them here.
    progress : bool, str or None
        Show a progress bar over the grid points (after 2 s) on standard error: False or None,
        none; True, in English; a language code (``"en"``, ``"zh"``), in that language.

    Returns
    -------
    xarray.Dataset
        One dimension per swept parameter, named by its path (coordinate attrs ``units``,
        ``long_name``, ``plan_value``), and ``target``: the variables of ``POINT_VARIABLES``
        and ``TARGET_VARIABLES``.

    Raises
    ------
    InputError
        An unknown path (with close matches), an empty or repeated value, a value outside the
        field's bounds, or a parameter whose value is drawn (``apply: set``).
    """
    axes = grid_axes(scenario, grid)
    points = [scenario.with_parameters(dict(zip(grid, combination, strict=True)))
              for combination in itertools.product(*(a.values.tolist() for a in axes))]
    with progress_bar(len(points), Message("progress.sweep"), Message("progress.points"),
                      progress) as bar:
        results = run_points(points, draws, seed, scheduler, bar)
    return _to_dataset(scenario, axes, results, draws, seed)


def evaluate_point(scenario: Scenario, draws: int, seed: int) -> dict:
    """The peak test of one parameter set: the ``POINT_VARIABLES`` and, per plan target, the
    ``TARGET_VARIABLES`` (a task for ``run_tasks``: small numbers out, no ensemble)."""
    ensemble = simulate(scenario, draws=draws, seed=seed)
    peak = peak_summary(ensemble)
    targets = target_probabilities(ensemble)
    co2 = ensemble["co2"].sel(year=TARGET_PEAK_YEAR).values
    return {
        "peak_probability": peak["probability"],
        "peak_probability_lower": peak["ci95"][0],
        "peak_probability_upper": peak["ci95"][1],
        "median_peak_year": peak["year_quantiles"]["50"],
        f"median_co2_{TARGET_PEAK_YEAR}": float(np.median(co2)),
        "targets": list(targets),
        "target_probability": [p for p, _ in targets.values()],
        "target_probability_lower": [ci[0] for _, ci in targets.values()],
        "target_probability_upper": [ci[1] for _, ci in targets.values()],
    }


def run_points(scenarios: list[Scenario], draws: int, seed: int, scheduler: str | None,
               bar=None) -> list[dict]:
    """``evaluate_point`` on each scenario through ``run_tasks``, in order; ``bar`` (from
    ``progress_bar``) moves as each finishes."""
    tasks = [(s, draws, seed) for s in scenarios]
    on_done = None if bar is None else lambda i: bar.update(1)
    return run_tasks(evaluate_point, tasks, scheduler, on_done=on_done)


def grid_axes(scenario: Scenario, grid: Mapping[str, Sequence[float]]) -> list[Axis]:
    """Check the grid: known, settable parameters, each with distinct finite values."""
    check_horizon(scenario)
    if not grid:
        raise InputError(scenario.source, None, Message("error.sweep.nothing"),
                         allowed=Message("error.sweep.nothing_allowed"))
    return [_axis(scenario, path, values) for path, values in grid.items()]


def check_horizon(scenario: Scenario) -> None:
    """The peak test needs the test year inside the projection."""
    if not scenario.base_year <= TARGET_PEAK_YEAR <= scenario.end_year:
        raise InputError(scenario.source, "end_year",
                         Message("error.sweep.horizon", base_year=scenario.base_year,
                                 end_year=scenario.end_year, year=TARGET_PEAK_YEAR),
                         value=scenario.end_year,
                         allowed=Message("error.sweep.horizon_allowed", year=TARGET_PEAK_YEAR))


def _axis(scenario: Scenario, path: str, values: Sequence[float]) -> Axis:
    field = settable_field(scenario, path)
    numbers = list(values)
    allowed = Message("error.sweep.values_allowed")
    if not numbers:
        raise InputError(scenario.source, path, Message("error.sweep.no_values"),
                         allowed=allowed)
    if not all(_is_number(v) for v in numbers):
        bad = next(v for v in numbers if not _is_number(v))
        raise InputError(scenario.source, path, Message("error.sweep.not_finite"), value=bad,
                         allowed=allowed)
    if len(set(numbers)) < len(numbers):
        raise InputError(scenario.source, path, Message("error.sweep.repeated"), value=numbers,
                         allowed=allowed)
    return Axis(path, np.array(numbers, dtype=float), field, scenario.parameter(path))


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.number)) and not isinstance(value, bool) \
        and math.isfinite(value)


def settable_field(scenario: Scenario, path: str) -> Field:
    """The schema field of a parameter that setting can move: ``ScenarioError`` with close
    matches for an unknown path, ``InputError`` when the uncertainty section draws its value
    (``apply: set``), which would make any value set here irrelevant."""
    field = parameter_field(scenario.values, path, scenario.source)
    for i, entry in enumerate(scenario["uncertainty.parameters"]):
        covers = entry.parameter == path or path.startswith(entry.parameter + ".values.")
        if covers and entry.apply == "set":
            raise InputError(
                scenario.origin("uncertainty.parameters"), path,
                Message("error.sweep.drawn", index=i, parameter=entry.parameter),
                allowed=Message("error.sweep.drawn_allowed"))
    return field


def _to_dataset(scenario: Scenario, axes: list[Axis], results: list[dict], draws: int,
                seed: int) -> xr.Dataset:
    dims = [a.path for a in axes]
    shape = [len(a.values) for a in axes]
    data = {name: (dims, np.array([r[name] for r in results]).reshape(shape),
                   {"units": units, "long_name": long_name})
            for name, (units, long_name) in POINT_VARIABLES.items()}
    targets = results[0]["targets"]
    for name, (units, long_name) in TARGET_VARIABLES.items():
        values = np.array([r[name] for r in results], dtype=float).reshape([*shape, len(targets)])
        data[name] = ([*dims, TARGET_DIM], values, {"units": units, "long_name": long_name})
    coords = {a.path: (a.path, a.values, {"units": a.field.unit or "1",
                                          "long_name": a.field.description,
                                          "plan_value": a.plan_value}) for a in axes}
    coords[TARGET_DIM] = (TARGET_DIM, targets, {"long_name": "plan target, id@year"})
    attrs = {"scenario": scenario.name, "region": scenario.region,
             "scenario_sha256": scenario.digest, "seed": seed, "draws": draws,
             "sampling": scenario["uncertainty.sampling"], "peak_by_year": TARGET_PEAK_YEAR,
             "common_random_numbers": COMMON_RANDOM_NUMBERS, "simulator_version": __version__}
    return xr.Dataset(data, coords=coords, attrs=attrs)


def sweep_table(result: xr.Dataset):
    """One row per grid point (a ``pandas.DataFrame``): the swept values, the
    ``POINT_VARIABLES`` and P(met) of each target; column names carry the units."""
    frame = result[list(POINT_VARIABLES)].to_dataframe()
    frame.columns = [f"{name} [{result[name].attrs['units']}]" for name in frame.columns]
    met = result["target_probability"].to_series().unstack(TARGET_DIM)
    met.columns = [f"P(met) {label} [1]" for label in met.columns]
    table = frame.join(met).reset_index()
    dims = [d for d in result.dims if d != TARGET_DIM]
    return table.rename(columns={d: f"{d} [{result[d].attrs['units']}]" for d in dims})
