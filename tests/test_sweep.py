"""Parameter sweeps: common random numbers across points, a lever moving the answer the right
way, agreement with a direct ``simulate()``, refused input, and the ``simulate sweep`` command."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import simulator
from simulator import InputError, ScenarioError
from simulator.cli import main
from simulator.analysis.sweeps import POINT_VARIABLES, TARGET_VARIABLES, sweep

from conftest import TAIYUAN, minimal_scenario

DRAWS, SEED = 2000, 7
DECLINE = "paths.energy_intensity_decline.values.2026"  # Taiyuan's 2026-2030 intensity pace
GAS_2030 = "paths.direct_gas_share.values.2030"  # gas's share of direct fossil use in 2030
# Taiyuan has no gas power, so the gas burnt per kWh of it multiplies zero
GAS_POWER_RATE = "base.gas_power_supply_rate"


@pytest.fixture(scope="module")
def taiyuan():
    return simulator.load_scenario(TAIYUAN)


def test_a_parameter_without_effect_gives_exactly_equal_points(taiyuan):
    assert taiyuan["base.gas_power_share"] == 0.0
    assert taiyuan["paths.gas_power_share"] is None
    assert taiyuan["paths.gas_power_supply_rate"] is None
    result = sweep(taiyuan, {GAS_POWER_RATE: [150.0, 270.0, 450.0]}, draws=DRAWS, seed=SEED)
    for name in [*POINT_VARIABLES, *TARGET_VARIABLES]:
        values = result[name].values
        np.testing.assert_array_equal(values, np.broadcast_to(values[:1], values.shape))
    assert 0.0 < result["peak_probability"].values[0] < 1.0


def test_a_faster_intensity_decline_makes_the_2030_peak_more_likely(taiyuan):
    result = sweep(taiyuan, {DECLINE: [0.01, 0.02, 0.03, 0.04]}, draws=DRAWS, seed=SEED)
    p = result["peak_probability"].values
    assert np.all(np.diff(p) >= 0) and p[-1] > p[0] + 0.1
    assert np.all(np.diff(result["median_co2_2030"].values) < 0)
    met = result["target_probability"].sel(target="energy_intensity@2030").values
    assert np.all(np.diff(met) >= 0) and met[-1] > met[0]


def test_each_point_equals_a_direct_simulation_there(taiyuan):
    grid = {DECLINE: [0.015, 0.035], GAS_2030: [0.3, 0.45]}
    result = sweep(taiyuan, grid, draws=DRAWS, seed=SEED)
    assert result["peak_probability"].dims == (DECLINE, GAS_2030)
    assert result["target_probability"].dims == (DECLINE, GAS_2030, "target")
    point = {DECLINE: 0.035, GAS_2030: 0.45}
    ensemble = simulator.simulate(taiyuan.with_parameters(point), draws=DRAWS, seed=SEED)
    expected = simulator.peak_summary(ensemble)
    at = result.sel(point)
    assert at["peak_probability"].item() == expected["probability"]
    assert [at["peak_probability_lower"].item(), at["peak_probability_upper"].item()] == \
        expected["ci95"]
    assert at["median_peak_year"].item() == expected["year_quantiles"]["50"]
    assert at["median_co2_2030"].item() == float(np.median(ensemble["co2"].sel(year=2030)))
    for label, (p, ci) in simulator.target_probabilities(ensemble).items():
        assert at["target_probability"].sel(target=label).item() == p
        assert at["target_probability_upper"].sel(target=label).item() == ci[1]
    assert len(np.unique(result["peak_probability"].values)) == 4


def test_the_dataset_carries_units_and_says_the_points_share_random_numbers(taiyuan):
    result = sweep(taiyuan, {DECLINE: [0.02, 0.03]}, draws=500, seed=SEED)
    assert result[DECLINE].attrs["units"] == "1/yr"
    assert result[DECLINE].attrs["plan_value"] == taiyuan.parameter(DECLINE)
    for name in result.data_vars:
        assert result[name].attrs["units"] and result[name].attrs["long_name"]
    assert result["median_co2_2030"].attrs["units"] == "万t"
    assert (result.attrs["seed"], result.attrs["draws"]) == (SEED, 500)
    assert result.attrs["scenario"] == "taiyuan_base"
    assert "same seed and draws" in result.attrs["common_random_numbers"]


@pytest.mark.parametrize("path, fragment", [
    ("paths.energy_intensty_decline.values.2026",
     "close matches: paths.energy_intensity_decline.values.2026"),
    ("paths.energy_intensity_decline.values.2030", "a key paths.energy_intensity_decline has: "
     "paths.energy_intensity_decline.values.2023, paths.energy_intensity_decline.values.2026"),
])
def test_an_unknown_path_is_refused_with_what_is_there(taiyuan, path, fragment):
    with pytest.raises(ScenarioError) as info:
        sweep(taiyuan, {path: [0.02]}, draws=10)
    assert info.value.field == path and fragment in str(info.value)


@pytest.mark.parametrize("path", ["emission_factors.gas", "paths.gdp_growth.values.2023"])
def test_a_parameter_drawn_with_apply_set_is_refused(scenario_file, path):
    entries = [
        {"parameter": "emission_factors.gas", "apply": "set", "distribution": "uniform",
         "low": 1.5, "high": 1.7},
        {"parameter": "paths.gdp_growth", "apply": "set", "distribution": "uniform",
         "low": 0.03, "high": 0.06},
        {"parameter": "emission_factors.coal", "apply": "multiply", "distribution": "normal",
         "sd": 0.03},
    ]
    scenario = simulator.load_scenario(scenario_file(minimal_scenario(
        uncertainty={"parameters": entries})))
    with pytest.raises(InputError, match=r"apply: set\), so every draw replaces the value set "
                       r"here and it would have no effect") as info:
        sweep(scenario, {path: [0.04, 1.6]}, draws=10)
    assert info.value.field == path
    result = sweep(scenario, {"emission_factors.coal": [2.5, 2.7]}, draws=200)
    assert result["median_co2_2030"].values[1] > result["median_co2_2030"].values[0]


@pytest.mark.parametrize("values, fragment", [
    ([], "no values to sweep"),
    ([0.02, 0.02], "a value is repeated"),
    ([0.02, float("nan")], "not a finite number"),
    ([0.02, 40], "out of range"),
])
def test_bad_grid_values_are_refused_before_any_run(taiyuan, values, fragment):
    with pytest.raises(InputError, match=fragment) as info:
        sweep(taiyuan, {DECLINE: values}, draws=10)
    assert info.value.field == DECLINE


def test_cli_prints_a_table_and_writes_netcdf_csv_and_heat_map(taiyuan, tmp_path, capsys):
    code = main(["sweep", str(TAIYUAN), "--set", f"{DECLINE}=0.01:0.03:3", "--set",
                 f"{GAS_POWER_RATE}=200,400", "--draws", "500", "--seed", "3", "--out",
                 str(tmp_path)])
    printed = capsys.readouterr().out
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sweep.csv", "sweep.nc", "sweep.png"]
    assert (tmp_path / "sweep.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    expected = sweep(taiyuan, {DECLINE: [0.01, 0.02, 0.03], GAS_POWER_RATE: [200.0, 400.0]},
                     draws=500, seed=3)
    with xr.open_dataset(tmp_path / "sweep.nc") as stored:
        xr.testing.assert_equal(stored[list(POINT_VARIABLES)], expected[list(POINT_VARIABLES)])
        assert stored.attrs["draws"] == 500 and stored[DECLINE].attrs["units"] == "1/yr"
    table = pd.read_csv(tmp_path / "sweep.csv")
    assert len(table) == 6
    np.testing.assert_array_equal(table["peak_probability [1]"],
                                  expected["peak_probability"].values.ravel())
    assert "P(met) energy_intensity@2030 [1]" in table.columns
    p = expected["peak_probability"].sel({DECLINE: 0.03, GAS_POWER_RATE: 400.0}).item()
    row = next(line for line in printed.splitlines() if line.split()[:2] == ["0.03", "400"])
    assert f"{100 * p:.1f}" in row.split()
    assert "1/yr" in printed and "common random numbers" in printed


@pytest.mark.parametrize("setting, fragment", [
    ("paths.energy_intensity_decline.values.2026", "expected PATH=VALUES"),
    (f"{DECLINE}=0.01:0.04", "cannot read the values '0.01:0.04'"),
    (f"{DECLINE}=0.01:0.04:1", "cannot read the values"),
    (f"{DECLINE}=low,high", "cannot read the values"),
    (f"{DECLINE}=", "expected PATH=VALUES"),
])
def test_cli_bad_set_exits_2_naming_the_argument_and_the_forms(tmp_path, capsys, setting,
                                                                 fragment):
    code = main(["sweep", str(TAIYUAN), "--set", setting, "--out", str(tmp_path / "out")])
    message = capsys.readouterr().err
    assert code == 2
    assert message.startswith("simulate sweep: error: --set:") and fragment in message
    assert repr(setting) in message and "PATH=START:STOP:N" in message
    assert not (tmp_path / "out").exists()


def test_cli_unknown_path_exits_2_with_close_matches(tmp_path, capsys):
    code = main(["sweep", str(TAIYUAN), "--set", "paths.energy_intensty_decline.values.2026=0.02",
                 "--out", str(tmp_path)])
    assert code == 2
    assert "close matches: paths.energy_intensity_decline.values.2026" in capsys.readouterr().err
