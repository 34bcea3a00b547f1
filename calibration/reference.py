"""Base-year CO2 against the CEADs inventories (calibration/data/ceads_co2_mt.csv).

CEADs city and provincial series end in 2019, before every scenario's base year, so the check
fits a straight line to the series (2010-2019, or all its years where it has fewer) and
extrapolates it to the base year. The scenario states the band it must fall in, and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.errors import ScenarioError
from simulator.model.projection import project_array
from simulator.model.scenario import Scenario
from simulator.model import kernel
from simulator.text import Message, text

CEADS_FILE = Path(__file__).parent / "data" / "ceads_co2_mt.csv"
TREND_FROM = 2010
WAN_T_PER_MT = 100.0


@dataclass(frozen=True)
class ReferenceCheck:
    series: str
    base_year: int
    model_mt: float
    trend_mt: float
    band: float
    years: tuple[int, int]

    @property
    def relative_gap(self) -> float:
        return self.model_mt / self.trend_mt - 1.0

    @property
    def within_band(self) -> bool:
        return abs(self.relative_gap) <= self.band

    def describe(self, lang: str = "en") -> str:
        """One sentence: the model's base-year CO2 against the trend, in ``lang``."""
        verdict = "within" if self.within_band else "outside"
        return text(f"console.calibrate.reference_{verdict}", lang, model=self.model_mt,
                    series=self.series, first=self.years[0], last=self.years[1],
                    trend=self.trend_mt, year=self.base_year, gap=self.relative_gap,
                    band=self.band)


def ceads_trend(series: str, year: int) -> tuple[float, tuple[int, int]]:
    """The CEADs linear trend of ``series`` at ``year`` (Mt CO2), and the years it used."""
    data = pd.read_csv(CEADS_FILE, comment="#")
    rows = data[data["region"] == series]
    if rows.empty:
        known = ", ".join(sorted(data["region"].unique()))
        raise ScenarioError(CEADS_FILE, "region", Message("error.calibration.no_series"),
                            value=series, allowed=known)
    recent = rows[rows["year"] >= TREND_FROM]
    rows = recent if len(recent) >= 3 else rows
    slope, intercept = np.polyfit(rows["year"], rows["co2_mt"], 1)
    return float(slope * year + intercept), (int(rows["year"].min()), int(rows["year"].max()))


def check_base_year(scenario: Scenario) -> ReferenceCheck | None:
    """The scenario's base-year CO2 against its CEADs trend; None without a series."""
    series = scenario["reference.ceads_series"]
    if series is None:
        return None
    trend, years = ceads_trend(series, scenario.base_year)
    model = project_array(scenario)[kernel.CO2, 0] / WAN_T_PER_MT
    return ReferenceCheck(series, scenario.base_year, float(model), trend,
                          scenario["reference.ceads_band"], years)
