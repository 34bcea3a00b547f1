"""Extreme but valid scenarios: collapsing and booming growth, no renewables, an all non-fossil
path, an end year of 2100, a single draw, and imported coal power larger than the coal left.
Each gives sane outputs (checked against what the numbers must be) or a specific error."""

import json

import numpy as np
import pytest
import xarray as xr

import simulator
from simulator.cli import main
from simulator.errors import ScenarioError

from conftest import SCENARIOS, TAIYUAN, minimal_scenario

SHARES = ["coal_share", "oil_share", "gas_share", "non_fossil_share"]


def uncertain(*parameters) -> dict:
    return {"sampling": "random", "parameters": list(parameters)}


GROWTH_SPREAD = {"parameter": "paths.gdp_growth", "distribution": "normal", "sd": 0.005}


def run_cli(scenario_path, out, *options) -> dict:
    """The real command on a scenario; returns summary.json after checking exit 0."""
    code = main([str(scenario_path), "--out", str(out), *map(str, options)])
    assert code == 0
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def assert_sane(ensemble: xr.Dataset) -> None:
    """No NaN or infinity, shares are fractions summing to one, CO2 not negative (no CCUS)."""
    for name in [*SHARES, "co2", "energy", "gdp"]:
        values = ensemble[name].values
        assert np.isfinite(values).all(), name
    for name in SHARES:
        assert ((ensemble[name] >= 0) & (ensemble[name] <= 1)).all(), name
    np.testing.assert_allclose(sum(ensemble[name] for name in SHARES), 1.0, atol=1e-12)
    assert (ensemble["co2"] >= 0).all()


@pytest.mark.parametrize("growth", [-0.10, 0.15])
def test_collapsing_and_booming_growth_give_the_obvious_answer(growth, scenario_file, tmp_path):
    # with a 3 %/yr intensity decline and a fixed fuel mix, CO2 scales as ((1+g)(1-d))^t:
    # falling every year at -10 % growth (peak in the base year), rising every year at +15 %
    # (no renewable fleet: a fixed fleet would fill a collapsing energy use, next test)
    data = minimal_scenario(end_year=2100, base={"renewable_capacity": 0.0},
                            paths={"gdp_growth": {"fill": "step", "values": {2023: growth}}},
                            uncertainty=uncertain(GROWTH_SPREAD))
    path = scenario_file(data)
    summary = run_cli(path, tmp_path / "out", "--draws", 500)
    expected_year, expected_p = (2022, 1.0) if growth < 0 else (2100, 0.0)
    assert summary["deterministic"]["peak_year"] == expected_year
    assert summary["peak"]["probability"] == expected_p
    ensemble = simulator.simulate(simulator.load_scenario(path), draws=200, seed=1, keep="full")
    assert_sane(ensemble)
    assert (ensemble.peak_year == expected_year).all()


def test_a_collapse_that_a_fixed_renewable_fleet_would_overfill_is_a_specific_error(
        scenario_file, capsys):
    # energy falls 12.7 %/yr while the fleet's 45 万tce stay: by 2031 coal and oil (70 %) and
    # non-fossil supply exceed the whole of energy use
    data = minimal_scenario(end_year=2100,
                            paths={"gdp_growth": {"fill": "step", "values": {2023: -0.10}}})
    assert main([str(scenario_file(data)), "--draws", "10"]) == 2
    err = capsys.readouterr().err
    assert "field 'paths.coal_share': in 2031 coal 0.6000 + oil 0.1000 + non-fossil" in err
    assert "leaves a negative gas share" in err and "lower the coal or oil path" in err


def test_no_renewables_at_all_leaves_a_zero_non_fossil_share(scenario_file, tmp_path):
    data = minimal_scenario(base={"renewable_capacity": 0.0, "full_load_hours": 0.0},
                            uncertainty=uncertain(GROWTH_SPREAD))
    path = scenario_file(data)
    run_cli(path, tmp_path / "out", "--draws", 300)
    projection = xr.open_dataset(tmp_path / "out" / "projection.nc")
    assert (projection.non_fossil_share == 0).all()
    assert (projection.renewable_generation == 0).all()
    np.testing.assert_allclose(projection.gas_share, 1 - 0.6 - 0.1)
    assert_sane(simulator.simulate(simulator.load_scenario(path), draws=200, seed=1,
                                   keep="full"))


def all_non_fossil_by_2060() -> dict:
    """Coal and oil fall linearly to zero by 2040 while other non-fossil supply grows to the
    whole of 2060's energy use (computed as the kernel does), so gas is zero then too."""
    g, d, years = 0.05, 0.03, 2060 - 2022
    energy_2060 = 1000.0 * 0.5
    for _ in range(years):
        energy_2060 = energy_2060 * (1 + g) * (1 - d)
    renewables = 100.0 * 1500.0 * 1e-4 * 300.0 * 1e-2   # 万tce from the base-year fleet
    return minimal_scenario(
        end_year=2060,
        paths={"coal_share": {"fill": "linear", "values": {2040: 0.0}},
               "oil_share": {"fill": "linear", "values": {2040: 0.0}},
               "other_non_fossil_energy": {"fill": "linear",
                                           "values": {2060: energy_2060 - renewables}}},
        uncertainty=uncertain({"parameter": "paths.gdp_growth", "distribution": "normal",
                               "sd": 0.01}))


def test_an_all_non_fossil_path_reaches_zero_co2_and_draws_stay_in_bounds(scenario_file,
                                                                          tmp_path):
    path = scenario_file(all_non_fossil_by_2060())
    projection = simulator.project(simulator.load_scenario(path))
    assert float(projection.non_fossil_share.sel(year=2060)) == pytest.approx(1.0, abs=1e-12)
    assert float(projection.co2.sel(year=2060)) == pytest.approx(0.0, abs=1e-9)
    ensemble = simulator.simulate(simulator.load_scenario(path), draws=400, seed=3, keep="full")
    assert_sane(ensemble)
    # draws with less energy than the central path have more non-fossil than use: rescaled
    # to an all non-fossil mix, counted
    rescaled = ensemble.rescaled_fuel_mix_years > 0
    assert 0 < int(rescaled.sum()) < 400
    low_energy = ensemble.energy.sel(year=2060) < float(projection.energy.sel(year=2060))
    assert bool((rescaled == low_energy).all())
    summary = run_cli(path, tmp_path / "out", "--draws", 400, "--seed", 3)
    assert summary["clamping"]["draws_fuel_mix_rescaled"] == int(rescaled.sum())


def test_an_end_year_of_2100_extends_every_path_by_holding_its_last_value(tmp_path):
    child = tmp_path / "taiyuan_2100.yaml"
    child.write_text(f"extends: {TAIYUAN}\nname: taiyuan_2100\nend_year: 2100\n",
                     encoding="utf-8")
    summary = run_cli(child, tmp_path / "out", "--draws", 1000)
    projection = xr.open_dataset(tmp_path / "out" / "projection.nc")
    assert int(projection.year[-1]) == 2100 and summary["end_year"] == 2100
    # after the last key every driver holds: the share paths stay at their 2060 values
    for name in ["coal_share", "oil_share"]:
        assert (projection[name].sel(year=slice(2060, 2100)) ==
                float(projection[name].sel(year=2060))).all()
    base = simulator.project(simulator.load_scenario(TAIYUAN))
    xr.testing.assert_allclose(projection.sel(year=slice(2022, 2060)).co2, base.co2, rtol=1e-12)
    assert 0.0 <= summary["peak"]["probability"] <= 1.0
    assert 2022 <= summary["peak"]["year_quantiles"]["95"] <= 2100


def test_a_single_draw_gives_a_complete_report_without_nan(tmp_path, capsys):
    summary = run_cli(TAIYUAN, tmp_path / "out", "--draws", 1)
    printed = capsys.readouterr().out
    assert "Monte Carlo: 1 draw (" in printed and "nan" not in printed.lower()
    p = summary["peak"]["probability"]
    assert p in (0.0, 1.0)
    low, high = summary["peak"]["ci95"]
    assert 0.0 <= low <= p <= high <= 1.0 and high - low > 0.5   # one draw says little
    quantiles = summary["peak"]["year_quantiles"]
    assert quantiles["5"] == quantiles["50"] == quantiles["95"]
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    text = html.split("<img", 1)[0]   # the charts are base64 and may spell anything
    assert ">nan<" not in text.lower() and "NaN" not in text


def test_qingdao_draws_never_take_out_more_imported_coal_power_than_coal_left():
    # imported coal power sits in Qingdao's coal share; in low-energy draws non-fossil supply
    # displaces coal below what the imports bring. Taking the imports' CO2 out in full made
    # CO2 negative in 27 % of draws; it is now limited to the coal left, and counted.
    scenario = simulator.load_scenario(SCENARIOS / "qingdao_base.yaml")
    ensemble = simulator.simulate(scenario, draws=2000, seed=2030, keep="full")
    assert_sane(ensemble)
    assert float(ensemble.co2.min()) > 0
    # the limit only binds where the draw's mix was adjusted
    lowest = ensemble.co2.min("year")
    adjusted = ensemble.rescaled_fuel_mix_years > 0
    assert float(lowest.where(~adjusted).min()) > float(lowest.min())


def test_imports_beyond_the_coal_of_a_deterministic_path_are_refused(scenario_file):
    # 300 亿kWh x 0.8 t/MWh = 2,400 万t against 1000 x 0.5 x 0.6 x 2.66 = 798 万t of coal CO2
    data = minimal_scenario(base={"net_electricity_exports": -300.0},
                            emission_factors={"electricity_export": 0.8})
    scenario = simulator.load_scenario(scenario_file(data))
    with pytest.raises(ScenarioError) as error:
        simulator.project(scenario)
    message = str(error.value)
    assert "field 'base.net_electricity_exports'" in message and "2022" in message
    assert "2,400.0 万t" in message and "798.0 万t" in message


def test_consumption_accounting_ignores_imports_beyond_the_coal(scenario_file):
    # the import term is zero under consumption accounting, so nothing is limited or refused
    data = minimal_scenario(accounting="consumption", base={"net_electricity_exports": -300.0},
                            emission_factors={"electricity_export": 0.8})
    projection = simulator.project(simulator.load_scenario(scenario_file(data)))
    expected = 1000 * 0.5 * (0.6 * 2.66 + 0.1 * 2.12 + (1 - 0.6 - 0.1 - 0.09) * 1.63)
    assert float(projection.co2[0]) == pytest.approx(expected, rel=1e-12)
