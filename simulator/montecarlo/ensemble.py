"""Monte Carlo plumbing: scenario -> the kernel's plain arrays, and per-draw outputs -> xarray."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np
import xarray as xr

from simulator import __version__
from simulator.model import kernel
from simulator.montecarlo.ensemble_kernel import (
    DECLINE_SINCE, INCREASE_SINCE, LEVEL, RECORD_CO2, RECORD_SINCE, RECORD_VALUE, Moves, Nominal,
    Records, Shocks, Summaries,
)
from simulator.montecarlo.sampling import Sampler
from simulator.defaults import TARGET_PEAK_YEAR
from simulator.model.drivers import kernel_inputs
from simulator.model.scenario import Scenario
from simulator.model.schema import (
    DRAW_DIM, FIELDS_BY_PATH, OUTPUT_VARIABLES, REPORT_YEARS, YEAR_DIM,
)
from simulator.model.targets import Comparison, comparisons, load_targets, scenario_targets_file

TARGET_TOLERANCE = 0.005  # a draw meets a target when within 0.5 % of it (as calibration does)
MEASURE_CODES = {"level": LEVEL, "decline_since": DECLINE_SINCE, "increase_since": INCREASE_SINCE}
SCALAR_BOUNDS = [*(FIELDS_BY_PATH[p].bounds for p in (
    "base.gdp", "base.energy_intensity", "emission_factors.coal", "emission_factors.oil",
    "emission_factors.gas")), (0.0, 1.0)]  # the last: the accounting weight, never sampled


@dataclass(frozen=True)
class EnsembleInputs:
    """Everything the Monte Carlo kernel needs that does not change from draw to draw."""

    years: np.ndarray
    drivers: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    scalars: np.ndarray
    scalar_lower: np.ndarray
    scalar_upper: np.ndarray
    report_years: np.ndarray
    comparisons: tuple[Comparison, ...]

    @cached_property
    def comparison_arrays(self) -> tuple[np.ndarray, ...]:
        """Per comparison: output row, measure code, and the met bounds (model units)."""
        rows = [kernel.OUTPUT_NAMES.index(c.variable) for c in self.comparisons]
        bounds = np.array([c.met_bounds(TARGET_TOLERANCE) for c in self.comparisons]).reshape(-1, 2)
        return (np.array(rows, dtype=np.int64),
                np.array([MEASURE_CODES[c.measure] for c in self.comparisons], dtype=np.int64),
                bounds[:, 0].copy(), bounds[:, 1].copy())

    @cached_property
    def year_events(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What the kernel records in each year: (start[year], kind[event], index[event]),
        the events of year t being start[t] to start[t + 1]."""
        base = int(self.years[0])
        events = [(int(y) - base, RECORD_CO2, j) for j, y in enumerate(self.report_years)]
        for i, c in enumerate(self.comparisons):
            events.append((c.year - base, RECORD_VALUE, i))
            if c.since is not None:
                events.append((c.since - base, RECORD_SINCE, i))
        events.sort()
        years = np.array([e[0] for e in events], dtype=np.int64)
        start = np.searchsorted(years, np.arange(len(self.years) + 1)).astype(np.int64)
        return (start, np.array([e[1] for e in events], dtype=np.int64),
                np.array([e[2] for e in events], dtype=np.int64))


def ensemble_inputs(scenario: Scenario) -> EnsembleInputs:
    gdp0, intensity0, factors, drivers = kernel_inputs(scenario)
    bounds = np.array([FIELDS_BY_PATH[f"paths.{name}"].bounds for name in kernel.DRIVER_NAMES])
    scalar_bounds = np.array(SCALAR_BOUNDS)
    years = scenario.years
    report = sorted({int(years[0]), *(y for y in REPORT_YEARS if years[0] <= y <= years[-1])})
    return EnsembleInputs(
        years, drivers, bounds[:, 0].copy(), bounds[:, 1].copy(),
        np.array([gdp0, intensity0, *factors]), scalar_bounds[:, 0].copy(),
        scalar_bounds[:, 1].copy(), np.array(report), tuple(plan_comparisons(scenario)))


def plan_comparisons(scenario: Scenario) -> list[Comparison]:
    """The plan's modelled numeric targets that fall inside the scenario's horizon."""
    targets = scenario_targets_file(scenario)
    if targets is None:
        return []
    years = scenario.years
    return [c for t in load_targets(targets).targets for c in comparisons(t)
            if years[0] <= c.first_year() and c.year <= years[-1]]


def kernel_arguments(inputs: EnsembleInputs, sampler: Sampler) -> KernelArguments:
    """The ensemble kernel's inputs for one run, packed into its named structures: the one
    place where run data meets the kernel's interface (``simulate_into``)."""
    rows, measures, low, high = inputs.comparison_arrays
    start, kind, index = inputs.year_events
    return KernelArguments(
        Nominal(inputs.drivers, inputs.lower, inputs.upper, inputs.scalars,
                inputs.scalar_lower, inputs.scalar_upper),
        Moves(sampler.rows, sampler.applies, sampler.pattern_add, sampler.pattern_scale,
              sampler.touched),
        Shocks(sampler.shock_key, sampler.shock_rows, sampler.shock_multiply, sampler.shock_sd,
               sampler.shock_rho, sampler.shock_fixed),
        Records(start, kind, index, TARGET_PEAK_YEAR - int(inputs.years[0]), rows, measures,
                low, high))


class KernelArguments(NamedTuple):
    """``simulate_into``'s inputs that stay the same for every block of a run."""

    nominal: Nominal
    moves: Moves
    shocks: Shocks
    records: Records


def allocate(draws: int, inputs: EnsembleInputs, keep_full: bool) -> Summaries:
    """Zeroed per-draw outputs of ``draws`` draws (trajectories too with ``keep_full``)."""
    n_years = len(inputs.years)
    full_shape = (draws, len(kernel.OUTPUT_NAMES), n_years) if keep_full else (1, 1, 1)
    return Summaries(
        peak_t=np.zeros(draws, dtype=np.int64), peak_co2=np.zeros(draws),
        co2_at=np.zeros((draws, len(inputs.report_years))), cumulative_co2=np.zeros(draws),
        max_after_target=np.zeros(draws),
        hits=np.zeros((draws, len(inputs.comparisons)), dtype=np.bool_),
        clamps=np.zeros(draws, dtype=np.int64), unbalanced=np.zeros(draws, dtype=np.int64),
        curtailed=np.zeros(draws, dtype=np.int64),
        full=np.zeros(full_shape))


def to_dataset(scenario: Scenario, inputs: EnsembleInputs, out: Summaries, values: np.ndarray,
               start: int, parameters: list[str], attrs: dict, keep_full: bool) -> xr.Dataset:
    """The run's ``Summaries`` and sampled parameter ``values`` as a Dataset over ``draw``
    (numbered from ``start``)."""
    draws = np.arange(start, start + len(out.peak_t))
    years = inputs.years
    data = {
        "peak_year": ((DRAW_DIM,), years[out.peak_t], _meta("yr", "year of maximum CO2")),
        "peak_co2": ((DRAW_DIM,), out.peak_co2, _meta("万t", "maximum CO2 over the horizon")),
        "cumulative_co2": ((DRAW_DIM,), out.cumulative_co2,
                           _meta("万t", f"cumulative CO2 {years[0]}-{years[-1]}")),
        "max_co2_after_2030": ((DRAW_DIM,), out.max_after_target,
                               _meta("万t", f"largest CO2 after {TARGET_PEAK_YEAR}")),
        "target_met": ((DRAW_DIM, "target"), out.hits,
                       _meta("1", "plan target met (within 0.5 %, in the climate's direction)")),
        "parameter_value": ((DRAW_DIM, "parameter"), values,
                            _meta("parameter's own unit", "sampled value of each uncertain "
                                  "parameter (a whole path: the sampled draw itself)")),
        "clamped_values": ((DRAW_DIM,), out.clamps, _meta("1", "driver values clamped to "
                           "their bounds in this draw")),
        "unbalanced_years": ((DRAW_DIM,), out.unbalanced, _meta(
            "1", "years in which the energy balance could not close: direct fossil use, or "
            "the coal left after net exports, would be negative")),
        "curtailed_years": ((DRAW_DIM,), out.curtailed, _meta(
            "1", "years in which non-fossil supply exceeded what could be used and the "
            "surplus was curtailed (generation beyond local generation, or other non-fossil "
            "energy beyond the room the balance leaves)")),
    }
    coords = {DRAW_DIM: draws, "target": [c.label for c in inputs.comparisons],
              "parameter": parameters}
    if keep_full:
        coords[YEAR_DIM] = years
        for i, v in enumerate(OUTPUT_VARIABLES):
            data[v.name] = ((DRAW_DIM, YEAR_DIM), out.full[:, i, :], _meta(v.units, v.long_name))
    else:
        coords[YEAR_DIM] = inputs.report_years
        data["co2"] = ((DRAW_DIM, YEAR_DIM), out.co2_at, _meta("万t", "CO2 emissions"))
    base_attrs = {"scenario": scenario.name, "region": scenario.region,
                  "scenario_sha256": scenario.digest, "simulator_version": __version__}
    return xr.Dataset(data, coords=coords, attrs={**base_attrs, **attrs})


def _meta(units: str, long_name: str) -> dict:
    return {"units": units, "long_name": long_name}
