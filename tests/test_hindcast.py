"""The hindcast (calibration/hindcast.py): each hindcast scenario starts at its CEADs value and
cites its observations, a band holds a year when the observed CO2 lies between the band's
quantiles (checked on an ensemble built by hand, where the answer is known), and a small run
gives the tables and the chart."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import simulator
from calibration.hindcast import (
    Hindcast, ceads_mt, co2_quantiles_mt, coverage_table, hindcast, hindcast_chart,
    hindcast_scenarios, main, write_chart, year_checks, year_table,
)
from simulator.model.statistics import observation_rows, read_statistics

from conftest import REPO

PATHS = hindcast_scenarios()
REGIONS = {"Taiyuan", "Shanxi", "Qingdao", "Yongzhou"}


def hand_made_ensemble(years):
    """101 draws whose CO2 is 0, 100, ..., 10,000 万t (0-100 Mt) in every year, so that the
    q-quantile (linear interpolation, numpy's default) is exactly 100 q Mt."""
    co2_wan_t = np.repeat(np.arange(101.0)[:, None] * 100.0, len(years), axis=1)
    return xr.Dataset({"co2": (("draw", "year"), co2_wan_t, {"units": "万t"})},
                      coords={"draw": np.arange(101), "year": list(years)})


# observed CO2 (Mt) in years after the base year 2015, against bands 25-75 (50 %) and 5-95 (90 %)
OBSERVED_MT = {
    2014: 50.0,   # before the base year: not checked
    2015: 60.0,   # the base year: not checked
    2016: 50.0,   # in both bands
    2017: 20.0,   # in the 90 % band only
    2018: 97.0,   # in neither
    2019: 7.0,    # in the 90 % band (5-95), not in a 10-90 band
    2020: 26.0,   # in the 50 % band (25-75), not in a 30-70 band
    2021: 24.0,   # not in the 50 % band, but in a 20-80 band
    2022: 75.0,   # on the 50 % band's upper bound: inside
}
IN_50 = {2016, 2020, 2022}
IN_90 = {2016, 2017, 2019, 2020, 2021, 2022}


def test_a_band_holds_a_year_when_the_observed_co2_lies_between_its_quantiles():
    bands_mt = co2_quantiles_mt(hand_made_ensemble(range(2014, 2023)))
    assert bands_mt.sel(quantile=0.05, year=2016) == pytest.approx(5.0)   # 万t -> Mt
    assert bands_mt.sel(quantile=0.75, year=2016) == pytest.approx(75.0)
    checks = year_checks(bands_mt, OBSERVED_MT, base_year=2015)
    assert [c.year for c in checks] == list(range(2016, 2023))
    assert {c.year for c in checks if c.inside(50)} == IN_50
    assert {c.year for c in checks if c.inside(90)} == IN_90
    result = Hindcast("Testland", "test", 2015, 101, 0, checks, bands_mt, OBSERVED_MT)
    assert result.coverage(50) == pytest.approx(3 / 7)
    assert result.coverage(90) == pytest.approx(6 / 7)
    assert "| Testland | 2015 | 2016, 2017, 2018, 2019, 2020, 2021, 2022 | 3 of 7 (43%) | " \
           "6 of 7 (86%) |" in coverage_table([result])
    assert "| 2018 | 97.0 | 5.0 | 25.0 | 50.0 | 75.0 | 95.0 | no | no |" in year_table(result)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_each_hindcast_scenario_starts_at_its_ceads_co2(path):
    scenario = simulator.load_scenario(path)
    series = ceads_mt(scenario["reference.ceads_series"])
    base_mt = float(simulator.project(scenario).co2.sel(year=scenario.base_year)) / 100.0
    assert base_mt == pytest.approx(series[scenario.base_year], rel=0.005)
    assert scenario["calibration.targets"] is None and not scenario.locks
    later = [y for y in series if scenario.base_year < y <= scenario.end_year]
    assert len(later) >= 4 and scenario.end_year <= max(series) + 3


def test_there_is_one_hindcast_per_region_with_a_ceads_series():
    assert {simulator.load_scenario(p).region for p in PATHS} == REGIONS


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_every_observation_of_a_hindcast_is_a_sourced_row(path):
    scenario, rows = simulator.load_scenario(path), read_statistics()
    for entry in scenario["observed"]:
        found = observation_rows(scenario.region, entry, rows)
        assert found, f"{path.name}: {entry} has no row with that value"
        assert all(r["grade"] in ("A", "B", "C") and r["address"] for r in found)


def test_a_small_hindcast_checks_every_later_ceads_year_and_draws_its_chart(tmp_path):
    result = hindcast(REPO / "calibration" / "hindcast" / "taiyuan_2015.yaml", draws=400)
    assert [c.year for c in result.checks] == [2016, 2017, 2018, 2019]
    for c in result.checks:
        quantiles = list(c.quantiles_mt.values())
        assert quantiles == sorted(quantiles) and quantiles[0] < quantiles[-1]
        assert c.observed_mt == ceads_mt("Taiyuan")[c.year]
    assert 0.0 <= result.coverage(50) <= result.coverage(90) <= 1.0
    assert len(hindcast_chart(result).axes[0].collections) == 2  # the two bands
    path = write_chart(result, tmp_path)
    assert path.name == "hindcast_taiyuan.png" and path.read_bytes()[:4] == b"\x89PNG"


def test_the_command_prints_the_table_and_writes_a_chart_per_region(tmp_path, capsys):
    main(["--draws", "200", "--images", str(tmp_path)])
    printed = capsys.readouterr().out
    for region in REGIONS:
        assert f"| {region} |" in printed
        assert (tmp_path / f"hindcast_{region.lower()}.png").exists()
