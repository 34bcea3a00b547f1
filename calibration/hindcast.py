"""Hindcast: each region with a CEADs series run from an earlier base year, and where the observed
CO2 of the later CEADs years falls in the ensemble (issue 18; ``docs/hindcast.md``).

The scenarios in ``calibration/hindcast/`` start in a CEADs year (2015; Yongzhou 2011) with
base-year energy use set so that the model's CO2 equals CEADs that year, hold what is known of
the later years in their ``observed`` sections, and copy their region's uncertainty section.
For every later CEADs year this module asks whether the observed CO2 lies inside the central
50 % band (25-75 % quantiles of the draws) and the central 90 % band (5-95 %), and reports the
share of those years inside each band: the coverage. ``python -m calibration.hindcast`` prints
the table and draws one chart per region into ``docs/images/hindcast_<region>.png``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure

from calibration.reference import CEADS_FILE
from simulator.model.scenario import Scenario, load_scenario
from simulator.model.schema import DRAW_DIM, YEAR_DIM
from simulator.montecarlo.simulate import simulate
from simulator.report.plots import png_bytes
from simulator.text import text

HINDCAST_DIR = Path(__file__).parent / "hindcast"
IMAGES_DIR = Path(__file__).resolve().parents[1] / "docs" / "images"
DRAWS = 20_000
SEED = 2030
MT_PER_WAN_T = 0.01  # the model's CO2 is in 万t (10^4 t); CEADs in Mt (10^6 t)
# each central band, named by the share of draws it holds, and the quantiles that bound it
BANDS = {50: (0.25, 0.75), 90: (0.05, 0.95)}
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
QUANTILE_DIM = "quantile"


@dataclass(frozen=True)
class YearCheck:
    """One CEADs year after the base year: the observed CO2 and the ensemble's quantiles, Mt."""

    year: int
    observed_mt: float
    quantiles_mt: dict[float, float]  # quantile (a fraction of the draws below) -> CO2, Mt

    def inside(self, band: int) -> bool:
        """Whether the observed CO2 lies in the central ``band`` % of the draws, bounds included."""
        low, high = BANDS[band]
        return self.quantiles_mt[low] <= self.observed_mt <= self.quantiles_mt[high]


@dataclass(frozen=True)
class Hindcast:
    """A region's hindcast: every checked year, and the bands of every year for the chart."""

    region: str
    scenario: str
    base_year: int
    draws: int
    seed: int
    checks: tuple[YearCheck, ...]
    bands_mt: xr.DataArray  # CO2 quantiles over (quantile, year), Mt
    ceads_mt: dict[int, float]  # the CEADs series within the horizon, base year included

    def coverage(self, band: int) -> float:
        """The share of the checked years whose observed CO2 lies in the central ``band`` %."""
        return sum(check.inside(band) for check in self.checks) / len(self.checks)


def hindcast_scenarios(directory: Path = HINDCAST_DIR) -> list[Path]:
    """The hindcast scenario files, by name."""
    return sorted(directory.glob("*.yaml"))


def ceads_mt(series: str, ceads_file: Path = CEADS_FILE) -> dict[int, float]:
    """{year: CO2 in Mt} of one CEADs series."""
    data = pd.read_csv(ceads_file, comment="#")
    rows = data[data["region"] == series]
    if rows.empty:
        raise ValueError(f"{ceads_file}: no CEADs series {series!r}")
    return {int(year): float(co2) for year, co2 in zip(rows["year"], rows["co2_mt"], strict=True)}


def co2_quantiles_mt(ensemble: xr.Dataset) -> xr.DataArray:
    """The ``QUANTILES`` of CO2 over the draws in every year of a full run, in Mt."""
    co2_wan_t = ensemble["co2"].transpose(DRAW_DIM, YEAR_DIM)
    values_mt = np.quantile(co2_wan_t.values, QUANTILES, axis=0) * MT_PER_WAN_T
    return xr.DataArray(values_mt, dims=(QUANTILE_DIM, YEAR_DIM),
                        coords={QUANTILE_DIM: list(QUANTILES),
                                YEAR_DIM: co2_wan_t[YEAR_DIM].values},
                        attrs={"units": "Mt", "long_name": "quantiles of CO2 over the draws"})


def year_checks(bands_mt: xr.DataArray, observed_mt: dict[int, float],
                base_year: int) -> tuple[YearCheck, ...]:
    """A ``YearCheck`` for every observed year after ``base_year`` within the bands' years."""
    years = [int(y) for y in bands_mt[YEAR_DIM].values if y > base_year and int(y) in observed_mt]
    return tuple(YearCheck(year, observed_mt[year],
                           {q: float(bands_mt.sel({QUANTILE_DIM: q, YEAR_DIM: year}))
                            for q in QUANTILES})
                 for year in years)


def hindcast(scenario: Scenario | Path, draws: int = DRAWS, seed: int = SEED) -> Hindcast:
    """Run one hindcast scenario's Monte Carlo and check its CEADs years against it."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    ensemble = simulate(scenario, draws=draws, seed=seed, keep="full")
    bands_mt = co2_quantiles_mt(ensemble)
    series = ceads_mt(scenario["reference.ceads_series"])
    in_horizon = {y: v for y, v in series.items() if scenario.base_year <= y <= scenario.end_year}
    return Hindcast(scenario.region, scenario.name, scenario.base_year, draws, seed,
                    year_checks(bands_mt, series, scenario.base_year), bands_mt, in_horizon)


# --- what it prints ---------------------------------------------------------------------------

def coverage_table(results: list[Hindcast]) -> str:
    """One Markdown row per region: coverage of the 50 % and 90 % bands, with the years."""
    lines = ["| region | base year | years checked | in 50 % band | in 90 % band |",
             "|---|---|---|---|---|"]
    for r in results:
        years = ", ".join(str(c.year) for c in r.checks)
        lines.append(f"| {r.region} | {r.base_year} | {years} | {_share(r, 50)} "
                     f"| {_share(r, 90)} |")
    return "\n".join(lines)


def _share(result: Hindcast, band: int) -> str:
    inside = sum(c.inside(band) for c in result.checks)
    return f"{inside} of {len(result.checks)} ({result.coverage(band):.0%})"


def year_table(result: Hindcast) -> str:
    """The checked years of one region: observed CO2 beside the ensemble's quantiles, Mt."""
    lines = [f"{result.region} ({result.scenario}, {result.draws:,} draws, seed {result.seed}):",
             "| year | CEADs (Mt) | 5 % | 25 % | median | 75 % | 95 % | in 50 % | in 90 % |",
             "|---|---|---|---|---|---|---|---|---|"]
    for c in result.checks:
        quantiles = " | ".join(f"{c.quantiles_mt[q]:.1f}" for q in QUANTILES)
        lines.append(f"| {c.year} | {c.observed_mt:.1f} | {quantiles} | "
                     f"{_mark(c.inside(50))} | {_mark(c.inside(90))} |")
    return "\n".join(lines)


def _mark(inside: bool) -> str:
    return "yes" if inside else "no"


# --- the chart --------------------------------------------------------------------------------

def hindcast_chart(result: Hindcast) -> Figure:
    """The 90 % and 50 % bands and the median of CO2 over the years, with the CEADs years as
    points: the base year (which the scenario is set to) hollow, the checked years filled."""
    figure = Figure(figsize=(6.4, 4.0), layout="constrained")
    ax = figure.add_subplot()
    years = result.bands_mt[YEAR_DIM].values

    def quantile(q):
        return result.bands_mt.sel({QUANTILE_DIM: q}).values

    ax.fill_between(years, quantile(0.05), quantile(0.95), color="#cfe2f3", label="90 % of draws")
    ax.fill_between(years, quantile(0.25), quantile(0.75), color="#6fa8dc", label="50 % of draws")
    ax.plot(years, quantile(0.5), color="#1f4e79", label="median")
    checked = [c.year for c in result.checks]
    ax.plot(checked, [result.ceads_mt[y] for y in checked], "o", color="#c0392b",
            label="CEADs (checked)")
    ax.plot([result.base_year], [result.ceads_mt[result.base_year]], "o", mfc="none",
            color="#c0392b", label="CEADs, base year (set)")
    ax.set_xticks(years)
    ax.set_ylabel("CO2 (Mt)")
    ax.set_title(f"{result.region}: hindcast from {result.base_year} "
                 f"({result.draws:,} draws)", fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    return figure


def write_chart(result: Hindcast, directory: Path = IMAGES_DIR) -> Path:
    """The chart as ``hindcast_<region>.png`` in ``directory``."""
    path = Path(directory) / f"hindcast_{result.region.lower()}.png"
    path.write_bytes(png_bytes(hindcast_chart(result)))
    return path


def main(argv: list[str] | None = None) -> None:
    """Run every hindcast scenario, print the coverage table and the years, write the charts."""
    parser = argparse.ArgumentParser(prog="python -m calibration.hindcast",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=int, default=DRAWS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--images", type=Path, default=IMAGES_DIR,
                        help=text("hindcast.images_help"))
    parser.add_argument("--no-charts", action="store_true", help=text("hindcast.no_charts_help"))
    args = parser.parse_args(argv)
    results = [hindcast(path, args.draws, args.seed) for path in hindcast_scenarios()]
    print(coverage_table(results))
    for result in results:
        print()
        print(year_table(result))
        if not args.no_charts:
            print(text("hindcast.chart_written", path=write_chart(result, args.images)))


if __name__ == "__main__":
    main()
