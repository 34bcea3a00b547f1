"""Several scenarios side by side: the comparison equals each scenario's own run, horizons that
differ give NaN exactly outside each, refused input names its file, and ``simulate compare``."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import simulator
from simulator import InputError
from simulator.montecarlo.bands import co2_bands
from simulator.cli import main
from simulator.analysis.compare import SCENARIO_VARIABLES, compare, comparison_table

from conftest import minimal_scenario, write_scenario

DRAWS, SEED = 2000, 7
UNCERTAIN = {
    "sampling": "random",
    "parameters": [{"parameter": "paths.energy_intensity_decline", "apply": "add",
                    "distribution": "normal", "sd": 0.02}],
    "shocks": [{"driver": "gdp_growth", "sd": 0.01, "rho": 0.5}],
}
# 2022-2040 and 2020-2035: the years of the comparison are 2020-2040
HORIZONS = {"early_peak": (2022, 2040), "later_horizon": (2020, 2035)}


def _scenario_files(folder):
    early = minimal_scenario(name="early_peak", uncertainty=UNCERTAIN, paths={
        "energy_intensity_decline": {"fill": "step", "values": {2023: 0.05}}})
    later = minimal_scenario(
        name="later_horizon", region="Otherland", base_year=2020, end_year=2035,
        uncertainty=UNCERTAIN, paths={
            "gdp_growth": {"fill": "step", "values": {2021: 0.05}},
            "energy_intensity_decline": {"fill": "step", "values": {2021: 0.045}}})
    # given in the order later, early: the comparison keeps it
    return [write_scenario(folder, later, "later.yaml"), write_scenario(folder, early,
                                                                          "early.yaml")]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return _scenario_files(tmp_path_factory.mktemp("scenarios"))


@pytest.fixture(scope="module")
def scenarios(files):
    return [simulator.load_scenario(path) for path in files]


@pytest.fixture(scope="module")
def result(scenarios):
    return compare(scenarios, draws=DRAWS, seed=SEED)


def test_each_scenario_equals_its_own_run(scenarios, result):
    for scenario in scenarios:
        ensemble = simulator.simulate(scenario, draws=DRAWS, seed=SEED)
        peak = simulator.peak_summary(ensemble)
        projection = simulator.project(scenario)
        at = result.sel(scenario=scenario.name)
        assert at["peak_probability"].item() == peak["probability"]
        assert [at["peak_probability_lower"].item(), at["peak_probability_upper"].item()] == \
            peak["ci95"]
        assert at["median_peak_year"].item() == peak["year_quantiles"]["50"]
        assert at["deterministic_peak_year"].item() == simulator.peak_year(projection.co2)
        horizon = at.sel(year=projection.year)
        np.testing.assert_array_equal(horizon["co2"].values, projection.co2.values)
        bands = co2_bands(scenario, ensemble)
        np.testing.assert_array_equal(horizon["co2_bands"].transpose("quantile", "year").values,
                                      bands.co2.values)
    assert 0 < result["peak_probability"].min() and result["peak_probability"].max() < 1
    assert result["peak_probability"].values[0] != result["peak_probability"].values[1]


def test_co2_is_nan_exactly_outside_each_horizon(result):
    assert result.year.values.tolist() == list(range(2020, 2041))
    for name, (first, last) in HORIZONS.items():
        inside = (result.year >= first) & (result.year <= last)
        at = result.sel(scenario=name)
        np.testing.assert_array_equal(np.isfinite(at["co2"]), inside)
        np.testing.assert_array_equal(np.isfinite(at["co2_bands"]).all("quantile"), inside)
        np.testing.assert_array_equal(np.isnan(at["co2_bands"]).all("quantile"), ~inside)


def test_coords_units_and_attrs(result):
    assert result.scenario.values.tolist() == ["later_horizon", "early_peak"]
    assert result.region.dims == ("scenario",)
    assert result.region.values.tolist() == ["Otherland", "Testland"]
    assert result["quantile"].values.tolist() == [0.05, 0.25, 0.5, 0.75, 0.95]
    assert set(result.data_vars) == {*SCENARIO_VARIABLES, "co2", "co2_bands"}
    for name in result.data_vars:
        assert result[name].attrs["units"] and result[name].attrs["long_name"], name
    assert result["co2"].dims == ("scenario", "year")
    assert result["co2_bands"].dims == ("scenario", "quantile", "year")
    assert result["co2"].attrs["units"] == result["co2_bands"].attrs["units"] == "万t"
    assert "NaN outside" in result["co2"].attrs["long_name"]
    assert result["deterministic_peak_year"].attrs["units"] == "yr"
    assert {k: result.attrs[k] for k in ("draws", "seed", "peak_by_year")} == \
        {"draws": DRAWS, "seed": SEED, "peak_by_year": 2030}
    assert result.attrs["simulator_version"] == simulator.__version__


def test_the_table_has_one_row_per_scenario_with_units_in_the_headers(result):
    table = comparison_table(result)
    assert table["scenario"].tolist() == ["later_horizon", "early_peak"]
    assert table["base_year [yr]"].tolist() == [2020, 2022]
    assert table["end_year [yr]"].tolist() == [2035, 2040]
    assert table["peak_probability [1]"].tolist() == result["peak_probability"].values.tolist()
    assert table["co2_2030 [万t]"].tolist() == result["co2"].sel(year=2030).values.tolist()
    assert table["co2_2030_quantile_0.95 [万t]"].tolist() == \
        result["co2_bands"].sel(quantile=0.95, year=2030).values.tolist()
    assert not table.isna().any().any()


def test_a_scenario_without_uncertainty_or_given_twice_is_refused(scenarios, scenario_file):
    plain = simulator.load_scenario(scenario_file(minimal_scenario(), "plain.yaml"))
    with pytest.raises(InputError, match=r"plain\.yaml.*uncertainty"):
        compare([scenarios[0], plain], draws=DRAWS)
    with pytest.raises(InputError, match=r"later\.yaml.*given twice"):
        compare([scenarios[0], scenarios[0]], draws=DRAWS)


def test_the_command_writes_the_comparison_and_prints_the_table(files, result, tmp_path,
                                                                 capsys):
    out = tmp_path / "comparison"
    code = main(["compare", *map(str, files), "--draws", str(DRAWS), "--seed", str(SEED),
                 "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    assert "Comparison of 2 scenarios: 2,000 draws each (seed 7)." in printed
    row = next(line for line in printed.splitlines() if line.startswith("Otherland"))
    p = result.sel(scenario="later_horizon")
    assert row.split()[1:5] == ["later_horizon", "2020",
                                str(p["deterministic_peak_year"].item()),
                                f"{100 * p['peak_probability'].item():.1f}"]
    with xr.open_dataset(out / "comparison.nc") as written:
        xr.testing.assert_identical(written.load(), result)
    table = pd.read_csv(out / "comparison.csv")
    assert table["scenario"].tolist() == ["later_horizon", "early_peak"]
    assert sorted(p.name for p in out.iterdir()) == [
        "comparison.csv", "comparison.nc", "comparison.png"]


def test_the_command_names_a_missing_scenario_file(files, tmp_path, capsys):
    missing = tmp_path / "no_such_plan.yaml"
    code = main(["compare", str(files[0]), str(missing), "--draws", "10",
                 "--out", str(tmp_path / "out")])
    assert code == 2
    assert f"simulate compare: error: {missing}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
