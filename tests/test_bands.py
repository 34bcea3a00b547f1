"""The per-year CO2 bands: the very draws of the run, and quantiles of them."""

import numpy as np
import pytest

import simulator
from simulator.montecarlo.bands import BAND_QUANTILES, co2_bands, quantile_bands

from conftest import TAIYUAN


@pytest.fixture(scope="module")
def taiyuan():
    return simulator.load_scenario(TAIYUAN)


def test_bands_of_a_summary_run_rest_on_its_first_draws(taiyuan):
    summary_run = simulator.simulate(taiyuan, draws=3000, seed=7)
    bands = co2_bands(taiyuan, summary_run, band_draws=1000)
    full = simulator.simulate(taiyuan, draws=3000, seed=7, keep="full")
    first = full["co2"].isel(draw=slice(0, 1000)).values
    np.testing.assert_array_equal(bands["co2"].values,
                                  np.quantile(first, BAND_QUANTILES, axis=0))
    # the same draws: at the report years the bands' source equals the summary run's CO2
    np.testing.assert_array_equal(full["co2"].sel(year=summary_run["year"]).values,
                                  summary_run["co2"].values)
    assert bands.attrs["draws_used"] == 1000 and bands.attrs["draws"] == 3000
    assert bands.attrs["based_on"] == "the first 1,000 of the 3,000 draws"


def test_a_full_run_gives_bands_over_all_its_draws(taiyuan):
    full = simulator.simulate(taiyuan, draws=1500, seed=3, keep="full")
    bands = co2_bands(taiyuan, full, band_draws=10)
    assert bands.attrs["draws_used"] == 1500 and bands.attrs["based_on"] == "all draws"
    median = bands["co2"].sel(quantile=0.5)
    np.testing.assert_array_equal(median.values, full["co2"].median("draw").values)
    assert list(bands["year"].values) == list(range(2022, 2061))


def test_bands_are_ordered_and_carry_units(taiyuan):
    bands = quantile_bands(simulator.simulate(taiyuan, draws=500, seed=1, keep="full")["co2"],
                           500)
    values = bands["co2"].values
    assert np.all(np.diff(values, axis=0) >= 0)
    assert bands["co2"].attrs["units"] == "万t"
    assert bands["quantile"].attrs["units"] == "1"
