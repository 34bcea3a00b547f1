"""Per-year CO2 quantiles over the draws: the bands of the fan chart and of the IAMC export.

A summary run keeps CO2 per draw only in the report years (memory O(draws), DESIGN §5), so the
per-year bands come from a run with full trajectories: the run itself when it kept them, else
the first ``ANALYSIS_DRAWS`` draws of the same run (same seed, same total, so the very same draws)
computed again with ``keep="full"``. The bands say how many draws they rest on.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from simulator.defaults import ANALYSIS_DRAWS
from simulator.montecarlo.simulate import simulate
from simulator.model.scenario import Scenario
from simulator.model.schema import DRAW_DIM, YEAR_DIM

# 5-95 % and 25-75 % bands around the median, as fractions
BAND_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
# With 20,000 draws the 5 % quantile of a year's CO2 is known to about +-0.3 % of its value
# (binomial standard error of the order statistic), finer than a chart shows.
QUANTILE_DIM = "quantile"


def co2_bands(scenario: Scenario, ensemble: xr.Dataset, band_draws: int = ANALYSIS_DRAWS,
              scheduler: str | None = None) -> xr.Dataset:
    """Quantiles of CO2 in every year over the draws of ``ensemble``'s run.

    Parameters
    ----------
    scenario : Scenario
        The scenario ``ensemble`` was run from.
    ensemble : xarray.Dataset
        From ``simulator.simulate``; with ``keep="full"`` its own trajectories are used.
    band_draws : int
        Otherwise, how many of the run's draws (the first) are run again with full
        trajectories.

    Returns
    -------
    xarray.Dataset
        ``co2`` over (``quantile``, ``year``) in 万t, with attrs ``draws_used`` and ``draws``.
    """
    draws, seed = int(ensemble.attrs["draws"]), int(ensemble.attrs["seed"])
    if ensemble.attrs["keep"] != "full":
        start = int(ensemble.attrs["chunk_start"])
        stop = min(int(ensemble.attrs["chunk_stop"]), start + band_draws)
        ensemble = simulate(scenario, draws=draws, seed=seed, keep="full", chunk=(start, stop),
                            scheduler=scheduler)
    return quantile_bands(ensemble["co2"], draws)


def quantile_bands(co2: xr.DataArray, draws: int) -> xr.Dataset:
    """``co2`` over (draw, year) -> its ``BAND_QUANTILES`` in each year."""
    values = np.quantile(co2.transpose(DRAW_DIM, YEAR_DIM).values, BAND_QUANTILES, axis=0)
    used = co2.sizes[DRAW_DIM]
    bands = xr.DataArray(values, dims=(QUANTILE_DIM, YEAR_DIM),
                         coords={QUANTILE_DIM: list(BAND_QUANTILES), YEAR_DIM: co2[YEAR_DIM]},
                         attrs={"units": co2.attrs["units"],
                                "long_name": "quantiles of CO2 emissions over the draws"})
    bands[QUANTILE_DIM].attrs.update(units="1", long_name="quantile (fraction of draws below)")
    note = "all draws" if used == draws else f"the first {used:,} of the {draws:,} draws"
    return xr.Dataset({"co2": bands}, attrs={"draws_used": used, "draws": draws,
                                             "based_on": note})
