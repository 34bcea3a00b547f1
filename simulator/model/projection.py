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

# Balance terms are sums of a few products; anything more negative than rounding (relative to
# the year's energy use) is a real shortfall.
BALANCE_ROUNDING = 1e-12


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
        If the energy balance cannot close in some year (see ``simulator.model.kernel``):
        electricity and non-fossil energy leave no room for direct fossil use, the direct oil
        and gas shares exceed one, or imports exceed demand.
    """
    inputs = kernel_inputs(scenario)
    out = _run_kernel(inputs, len(scenario.years))
    _check_balance(scenario, inputs, out)
    return _to_dataset(scenario, out)


def project_array(scenario: Scenario) -> np.ndarray:
    """The kernel's raw output ``out[OUTPUT, year]`` (rows in ``kernel.OUTPUT_NAMES`` order),
    unchecked: for callers such as calibration that evaluate many nearby scenarios."""
    return _run_kernel(kernel_inputs(scenario), len(scenario.years))


def _run_kernel(inputs: tuple, years: int) -> np.ndarray:
    out = np.empty((len(kernel.OUTPUT_NAMES), years))
    kernel.project_into(*inputs, out)
    return out


def _check_balance(scenario: Scenario, inputs: tuple, out: np.ndarray) -> None:
    """Refuse a path on which the energy balance cannot close, naming the first year, the
    term that fails and the field to change."""
    drivers = inputs[3]
    energy = out[kernel.ENERGY]
    tolerance = -BALANCE_ROUNDING * energy
    direct_mix = drivers[kernel.DIRECT_OIL] + drivers[kernel.DIRECT_GAS]
    failures = (
        ("electricity_share_final", out[kernel.DIRECT_FOSSIL] < tolerance, "direct"),
        ("direct_oil_share", direct_mix > 1.0 + BALANCE_ROUNDING, "direct_mix"),
        ("net_electricity_exports", out[kernel.TOTAL_GENERATION] <= 0.0, "imports"),
    )
    bad = [(np.flatnonzero(mask), name, reason) for name, mask, reason in failures if mask.any()]
    if not bad:
        return
    years, name, reason = min(bad, key=lambda b: b[0][0])
    t = years[0]
    field = f"base.{name}" if t == 0 else f"paths.{name}"
    problem = Message(f"error.projection.{reason}", year=int(scenario.years[t]),
                      energy=energy[t], direct=out[kernel.DIRECT_FOSSIL, t],
                      oil=drivers[kernel.DIRECT_OIL, t], gas=drivers[kernel.DIRECT_GAS, t],
                      demand=out[kernel.DEMAND, t], imports=-drivers[kernel.EXPORTS, t],
                      years=len(years))
    raise ScenarioError(scenario.origin(field), field, problem, value=float(drivers[
        kernel.DRIVER_NAMES.index(name), t]), allowed=Message("error.projection.balance"))


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
