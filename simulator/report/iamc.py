"""The projection in the IAMC format, the exchange format of integrated assessment models.

One row per variable: model, scenario, region, variable, unit, then one column per year (the
"wide" IAMC layout that ``pyam.IamDataFrame`` reads and the AR6 scenario database uses).
Variable names follow the IAMC hierarchy (``Primary Energy|Coal``) and units the IAMC
conventions (Mt CO2/yr, EJ/yr, GW), converted from the plans' own units. CO2 quantiles over the
draws become ``Emissions|CO2|5.0th Percentile`` and so on, as AR6 names its percentiles.

The intensities (tce/万元, t/万元) are left out: the IAMC templates define no intensity
variables; a reader derives them from ``Primary Energy``, ``Emissions|CO2`` and ``GDP|MER``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from simulator import __version__
from simulator.report.files import TEN_DIGITS, csv_writer
from simulator.model.schema import YEAR_DIM

MODEL = f"carbon-peak-simulator {__version__}"
INDEX = ("model", "scenario", "region", "variable", "unit")

GJ_PER_TCE = 29.3076    # 1 tce (吨标准煤) = 7,000 kcal = 29.3076 GJ (GB/T 2589)
MJ_PER_KWH = 3.6        # 1 kWh = 3,600 kJ
# The model's unit -> (IAMC unit, factor: model value x factor = IAMC value). The model's
# numbers are annual totals, so each IAMC unit carries "/yr" where the IAMC writes it.
UNIT_CONVERSIONS = {
    # 1 万t = 10^4 t; 1 Mt = 10^6 t
    "万t": ("Mt CO2/yr", 1e4 / 1e6),
    # 1 万tce = 10^4 tce x 29.3076 GJ/tce = 2.93076e5 GJ; 1 EJ = 10^9 GJ
    "万tce": ("EJ/yr", 1e4 * GJ_PER_TCE / 1e9),
    # 1 万kW = 10^4 kW; 1 GW = 10^6 kW
    "万kW": ("GW", 1e4 / 1e6),
    # 1 亿kWh = 10^8 kWh x 3.6 MJ/kWh = 3.6e8 MJ; 1 EJ = 10^12 MJ
    "亿kWh": ("EJ/yr", 1e8 * MJ_PER_KWH / 1e12),
    # 1 亿元 = 10^8 yuan; 10^9 yuan = 1 billion CNY, at the scenario's constant base-year prices
    "亿元": ("billion CNY_{base_year}/yr", 1e8 / 1e9),
}
# IAMC variable -> (model variable, share of it that the IAMC variable is, or None for all)
VARIABLES = {
    "Emissions|CO2": ("co2", None),
    # energy counts non-fossil power at its coal equivalent (发电煤耗法), as the plans do
    "Primary Energy": ("energy", None),
    "Primary Energy|Coal": ("energy", "coal_share"),
    "Primary Energy|Oil": ("energy", "oil_share"),
    "Primary Energy|Gas": ("energy", "gas_share"),
    "Primary Energy|Non-Fossil": ("energy", "non_fossil_share"),
    # "Renewables", not AR6's "Non-Biomass Renewables": the plans' 可再生能源 include biomass
    "Capacity|Electricity": ("total_capacity", None),
    "Capacity|Electricity|Renewables": ("renewable_capacity", None),
    "Secondary Energy|Electricity": ("generation", None),
    "Secondary Energy|Electricity|Coal": ("coal_power_generation", None),
    "Secondary Energy|Electricity|Gas": ("gas_power_generation", None),
    "Secondary Energy|Electricity|Non-Fossil": ("non_fossil_generation", None),
    "Secondary Energy|Electricity|Renewables": ("renewable_generation", None),
    "Final Energy|Electricity": ("electricity_demand", None),
    "Trade|Secondary Energy|Electricity|Volume": ("net_electricity_exports", None),
    "GDP|MER": ("gdp", None),
}
BAND_VARIABLE = "Emissions|CO2"


def iamc_table(projection: xr.Dataset, bands: xr.Dataset | None = None,
               model: str = MODEL) -> pd.DataFrame:
    """The projection (and CO2 quantile bands) as an IAMC table.

    Parameters
    ----------
    projection : xarray.Dataset
        From ``simulator.project``: variables over ``year`` in the model's units; attrs
        ``scenario``, ``region`` and ``base_year``.
    bands : xarray.Dataset, optional
        From ``simulator.montecarlo.bands.co2_bands`` for the same scenario: ``co2`` over (quantile,
        year); each quantile q becomes ``Emissions|CO2|{100 q:.1f}th Percentile``.
    model : str
        The IAMC ``model`` column.

    Returns
    -------
    pandas.DataFrame
        Columns ``model``, ``scenario``, ``region``, ``variable``, ``unit``, then one column
        per year (int), one row per variable, in the units of ``UNIT_CONVERSIONS``.
    """
    years = projection[YEAR_DIM].values
    rows = [(name, *_converted(projection, variable, share))
            for name, (variable, share) in VARIABLES.items()]
    if bands is not None:
        rows += _band_rows(projection, bands)
    frame = pd.DataFrame([values for _, _, values in rows], columns=[int(y) for y in years])
    frame.insert(0, "unit", [unit for _, unit, _ in rows])
    frame.insert(0, "variable", [name for name, _, _ in rows])
    frame.insert(0, "region", projection.attrs["region"])
    frame.insert(0, "scenario", projection.attrs["scenario"])
    frame.insert(0, "model", model)
    return frame


def iamc_writer(projection: xr.Dataset, bands: xr.Dataset | None = None
                ) -> Callable[[Path], None]:
    """A writer of ``iamc_table`` as UTF-8 CSV (for ``simulator.report.files.write_results``).

    The headers are capitalised (Model, Scenario, Region, Variable, Unit) as in the IAMC
    templates and the files ``pyam`` writes; values carry ten significant digits.
    """
    table = iamc_table(projection, bands)
    table = table.rename(columns={name: name.title() for name in INDEX})
    return csv_writer(table, TEN_DIGITS)


def iamc_unit(units: str, base_year: int) -> tuple[str, float]:
    """The IAMC unit for a model unit, and the factor that converts a value into it."""
    unit, factor = UNIT_CONVERSIONS[units]
    return unit.format(base_year=base_year), factor


def percentile_variable(quantile: float) -> str:
    """``0.05`` -> ``Emissions|CO2|5.0th Percentile`` (the AR6 naming)."""
    return f"{BAND_VARIABLE}|{100 * quantile:.1f}th Percentile"


def _converted(projection: xr.Dataset, variable: str, share: str | None
               ) -> tuple[str, np.ndarray]:
    unit, factor = iamc_unit(projection[variable].attrs["units"],
                             int(projection.attrs["base_year"]))
    values = projection[variable].values * factor
    if share is not None:
        if projection[share].attrs["units"] != "1":
            raise ValueError(f"{share} is not a fraction (units "
                             f"{projection[share].attrs['units']!r})")
        values = values * projection[share].values
    return unit, values


def _band_rows(projection: xr.Dataset, bands: xr.Dataset) -> list:
    co2 = bands["co2"]
    if not np.array_equal(co2[YEAR_DIM].values, projection[YEAR_DIM].values):
        raise ValueError("the CO2 bands cover other years than the projection: are they of "
                         "the same scenario?")
    unit, factor = iamc_unit(co2.attrs["units"], int(projection.attrs["base_year"]))
    return [(percentile_variable(float(q)), unit, co2.sel(quantile=q).values * factor)
            for q in co2["quantile"].values]
