"""Orchestration: scenario -> dense arrays -> kernel -> xarray."""

from __future__ import annotations

import numpy as np
import xarray as xr

from . import __version__, kernel
from .drivers import dense_drivers
from .errors import ScenarioError
from .scenario import Scenario
from .schema import OUTPUT_VARIABLES, YEAR_DIM

# Shares are sums of a few products of order-one numbers; anything more negative than
# rounding is a real over-full fuel mix.
SHARE_ROUNDING = 1e-12


def kernel_inputs(scenario: Scenario) -> tuple[float, float, np.ndarray, np.ndarray]:
    """The kernel's arguments before ``out``: base GDP, base intensity, factors, drivers."""
    drivers = dense_drivers(scenario)
    driver_rows = np.array([drivers[name] for name in kernel.DRIVER_NAMES], dtype=np.float64)
    export_weight = 1.0 if scenario["accounting"] == "territorial" else 0.0
    factors = np.array([scenario["emission_factors.coal"], scenario["emission_factors.oil"],
                        scenario["emission_factors.gas"],
                        scenario["emission_factors.electricity_export"] * export_weight])
    return scenario["base.gdp"], scenario["base.energy_intensity"], factors, driver_rows


def project(scenario: Scenario) -> xr.Dataset:
    """Deterministic projection of a scenario over its horizon.

    Parameters
    ----------
    scenario : Scenario
        From ``simulator.load_scenario``.

    Returns
    -------
    xarray.Dataset
        Over ``year``, the variables of ``simulator.schema.OUTPUT_VARIABLES``, each with
        ``units`` and ``long_name`` attrs.

    Raises
    ------
    ScenarioError
        If the fuel shares leave no room for gas (coal + oil + non-fossil > 1) in some year.
    """
    out = project_array(scenario)
    _check_fuel_mix(scenario, out)
    return _to_dataset(scenario, out)


def project_array(scenario: Scenario) -> np.ndarray:
    """The kernel's raw output ``out[OUTPUT, year]`` (rows in ``kernel.OUTPUT_NAMES`` order),
    unchecked: for callers such as calibration that evaluate many nearby scenarios."""
    inputs = kernel_inputs(scenario)
    out = np.empty((len(kernel.OUTPUT_NAMES), len(scenario.years)))
    kernel.project_into(*inputs, out)
    return out


def _check_fuel_mix(scenario: Scenario, out: np.ndarray) -> None:
    gas = out[kernel.GAS_SHARE]
    bad = np.flatnonzero(~(gas >= -SHARE_ROUNDING))
    if bad.size == 0:
        return
    t = bad[0]
    year = int(scenario.years[t])
    coal, oil = out[kernel.OUT_COAL, t], out[kernel.OUT_OIL, t]
    non_fossil = out[kernel.NON_FOSSIL_SHARE, t]
    field = "base.coal_share" if t == 0 else "paths.coal_share"
    raise ScenarioError(
        scenario.origin(field), field,
        f"in {year} coal {coal:.4f} + oil {oil:.4f} + non-fossil {non_fossil:.4f} = "
        f"{coal + oil + non_fossil:.4f} of total energy, which leaves a negative gas share "
        f"({len(bad)} year(s) affected, first {year})", value=float(coal),
        allowed="coal + oil + non-fossil shares <= 1 in every year: lower the coal or oil "
        "path, or the non-fossil supply")


def _to_dataset(scenario: Scenario, out: np.ndarray) -> xr.Dataset:
    row = {name: i for i, name in enumerate(kernel.OUTPUT_NAMES)}
    data_vars = {
        v.name: (YEAR_DIM, out[row[v.name]], {"units": v.units, "long_name": v.long_name})
        for v in OUTPUT_VARIABLES
    }
    attrs = {
        "scenario": scenario.name, "region": scenario.region, "base_year": scenario.base_year,
        "end_year": scenario.end_year, "accounting": scenario["accounting"],
        "scenario_sha256": scenario.digest, "simulator_version": __version__,
    }
    coords = {YEAR_DIM: (YEAR_DIM, scenario.years, {"units": "yr", "long_name": "year"})}
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)
