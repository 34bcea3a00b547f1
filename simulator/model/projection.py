"""The deterministic projection: scenario -> dense driver arrays -> kernel -> xarray, checked."""

from __future__ import annotations

import numpy as np
import xarray as xr

from simulator import __version__
from simulator.errors import ScenarioError
from simulator.model import kernel
from simulator.model.drivers import kernel_inputs
from simulator.model.scenario import Scenario
from simulator.model.schema import OUTPUT_VARIABLES, YEAR_DIM
from simulator.text import Message

# Shares are sums of a few products of order-one numbers; anything more negative than
# rounding is a real over-full fuel mix.
SHARE_ROUNDING = 1e-12


def project(scenario: Scenario) -> xr.Dataset:
    """Deterministic projection of a scenario over its horizon.

    Parameters
    ----------
    scenario : Scenario
        From ``simulator.load_scenario``.

    Returns
    -------
    xarray.Dataset
        Over ``year``, the variables of ``simulator.model.schema.OUTPUT_VARIABLES``, each with
        ``units`` and ``long_name`` attrs.

    Raises
    ------
    ScenarioError
        If the fuel shares leave no room for gas (coal + oil + non-fossil > 1) in some year, or
        imported coal power brings more coal than the coal share holds.
    """
    inputs = kernel_inputs(scenario)
    out = _run_kernel(inputs, len(scenario.years))
    _check_fuel_mix(scenario, out)
    _check_imports(scenario, inputs, out)
    return _to_dataset(scenario, out)


def project_array(scenario: Scenario) -> np.ndarray:
    """The kernel's raw output ``out[OUTPUT, year]`` (rows in ``kernel.OUTPUT_NAMES`` order),
    unchecked: for callers such as calibration that evaluate many nearby scenarios."""
    return _run_kernel(kernel_inputs(scenario), len(scenario.years))


def _run_kernel(inputs: tuple, years: int) -> np.ndarray:
    out = np.empty((len(kernel.OUTPUT_NAMES), years))
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
        Message("error.projection.negative_gas", year=year, coal=coal, oil=oil,
                non_fossil=non_fossil, total=coal + oil + non_fossil, years=len(bad)),
        value=float(coal), allowed=Message("error.projection.fuel_mix"))


def _check_imports(scenario: Scenario, inputs: tuple, out: np.ndarray) -> None:
    """Imported coal power sits in the coal share (energy statistics count it as the
    consumer's coal), so the coal share must hold it: coal burnt here cannot be negative."""
    _, _, factors, drivers = inputs
    coal_co2 = out[kernel.ENERGY] * out[kernel.OUT_COAL] * factors[kernel.EF_COAL]
    trade = drivers[kernel.EXPORTS] * factors[kernel.EF_EXPORT] * kernel.MWH_PER_YI_KWH_TO_WAN_T
    bad = np.flatnonzero(trade < -coal_co2)
    if bad.size == 0:
        return
    t = bad[0]
    year = int(scenario.years[t])
    field = "base.net_electricity_exports" if t == 0 else "paths.net_electricity_exports"
    raise ScenarioError(
        scenario.origin(field), field,
        Message("error.projection.imports", year=year, imported=-trade[t], coal=coal_co2[t],
                years=len(bad)),
        value=float(drivers[kernel.EXPORTS, t]),
        allowed=Message("error.projection.imports_allowed"))


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


def has_uncertainty(scenario: Scenario) -> bool:
    """Whether the scenario declares anything uncertain (parameters or shocks)."""
    return bool(scenario["uncertainty.parameters"] or scenario["uncertainty.shocks"])
