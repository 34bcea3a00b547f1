"""The peak test on CO2 paths."""

from __future__ import annotations

import numpy as np
import xarray as xr

TARGET_PEAK_YEAR = 2030


def peak_year(co2: xr.DataArray) -> int:
    """Year of maximum CO2 over the horizon (the earliest, if the maximum repeats)."""
    values = np.asarray(co2.values)
    if not np.all(np.isfinite(values)):
        raise ValueError("CO2 path holds NaN or infinity; no peak year can be named")
    return int(co2["year"].values[int(np.argmax(values))])


def peaks_by(co2: xr.DataArray, year: int = TARGET_PEAK_YEAR) -> bool:
    """Whether the CO2 path peaks in or before ``year``."""
    return peak_year(co2) <= year
