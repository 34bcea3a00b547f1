"""The Monte Carlo peak test: exactness, a closed-form probability, reproducibility, the
energy balance of the draws (curtailed and unbalanced years counted, nothing rescaled),
outputs."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import simulator
from simulator.errors import ScenarioError
from simulator.montecarlo.peak import wilson_interval

from conftest import minimal_scenario

SIMULATE = Path(sys.executable).parent / "simulate"
G = 0.04                       # constant GDP growth of the analytic case
D_LOW, D_HIGH = 0.02, 0.05     # uniform energy-intensity decline rate
D_STAR = 1 - 1 / (1 + G)       # CO2 falls every year iff (1 + g)(1 - d) < 1, i.e. d > d*
P_EXACT = (D_HIGH - D_STAR) / (D_HIGH - D_LOW)

EVERYTHING_AT_ZERO = {
    "sampling": "latin_hypercube",
    "parameters": [
        {"parameter": "paths.gdp_growth", "apply": "add", "distribution": "normal", "sd": 0.0},
        {"parameter": "paths.direct_gas_share.values.2030", "apply": "multiply",
         "distribution": "lognormal", "sigma": 0.0},
        {"parameter": "base.renewable_capacity", "apply": "set", "distribution": "triangular",
         "low": 100.0, "mode": 100.0, "high": 100.0},
        {"parameter": "emission_factors.coal", "apply": "add", "distribution": "uniform",
         "low": 0.0, "high": 0.0},
        {"parameter": "base.gdp", "apply": "multiply", "distribution": "truncated_normal",
         "sd": 0.0, "low": 0.5, "high": 1.5},
    ],
    "correlations": [{"between": ["paths.gdp_growth", "base.gdp"], "rho": 0.5}],
    "shocks": [{"driver": "gdp_growth", "apply": "add", "sd": 0.0, "rho": 0.5},
               {"driver": "full_load_hours", "apply": "multiply", "sd": 0.0}],
}
WITH_SPREAD = {
    "sampling": "random",
    "parameters": [
        {"parameter": "paths.gdp_growth", "distribution": "normal", "sd": 0.01},
        {"parameter": "paths.direct_gas_share.values.2030", "apply": "multiply",
         "distribution": "triangular", "low": 0.8, "mode": 1.0, "high": 1.1},
        {"parameter": "emission_factors.coal", "apply": "multiply", "distribution": "normal",
         "sd": 0.03},
    ],
    "correlations": [{"between": ["paths.gdp_growth", "emission_factors.coal"], "rho": -0.4}],
    "shocks": [{"driver": "gdp_growth", "sd": 0.01, "rho": 0.5},
               {"driver": "full_load_hours", "apply": "multiply", "sd": 0.05}],
}
GAS_PATH = {"direct_gas_share": {"fill": "linear", "values": {2030: 0.2}}}


def _scenario(scenario_file, uncertainty, **sections):
    data = minimal_scenario(uncertainty=uncertainty, **sections)
    return simulator.load_scenario(scenario_file(data))


def _analytic(scenario_file, sampling):
    return _scenario(scenario_file, {
        "sampling": sampling,
        "parameters": [{"parameter": "paths.energy_intensity_decline.values.2023",
                        "apply": "set", "distribution": "uniform", "low": D_LOW,
                        "high": D_HIGH}]},
        base={"renewable_capacity": 0.0},
        paths={"gdp_growth": {"fill": "step", "values": {2023: G}},
               "energy_intensity_decline": {"fill": "step", "values": {2023: 0.03}}})


def test_zero_variance_run_equals_the_deterministic_projection_exactly(scenario_file):
    scenario = _scenario(scenario_file, EVERYTHING_AT_ZERO, paths=GAS_PATH)
    projection = simulator.project(scenario)
    ensemble = simulator.simulate(scenario, draws=64, seed=3, keep="full")
    for name in projection.data_vars:
        expected = np.broadcast_to(projection[name].values, ensemble[name].shape)
        np.testing.assert_array_equal(ensemble[name].values, expected, err_msg=name)
    assert int(ensemble.clamped_values.sum()) == 0
    assert int(ensemble.unbalanced_years.sum()) == 0 and int(ensemble.curtailed_years.sum()) == 0


def test_probability_of_the_closed_form_case_is_within_four_standard_errors(scenario_file):
    ensemble = simulator.simulate(_analytic(scenario_file, "random"), draws=20_000, seed=11)
    summary = simulator.peak_summary(ensemble)
    assert abs(summary["probability"] - P_EXACT) < 4 * summary["mc_standard_error"]
    low, high = summary["ci95"]
    assert low < summary["probability"] < high


def test_latin_hypercube_and_sobol_beat_plain_random_sampling(scenario_file):
    def rms_error(sampling):
        scenario = _analytic(scenario_file, sampling)
        errors = [simulator.peak_summary(simulator.simulate(scenario, draws=1024, seed=s))
                  ["probability"] - P_EXACT for s in range(8)]
        return float(np.sqrt(np.mean(np.square(errors))))

    random_error = rms_error("random")
    assert rms_error("latin_hypercube") < random_error / 3
    assert rms_error("sobol") < random_error / 3


@pytest.mark.parametrize("sampling", ["random", "latin_hypercube", "sobol"])
def test_any_split_into_chunks_gives_the_same_draws(scenario_file, sampling):
    scenario = _scenario(scenario_file, {**WITH_SPREAD, "sampling": sampling}, paths=GAS_PATH)
    whole = simulator.simulate(scenario, draws=1024, seed=5, keep="full")
    parts = [simulator.simulate(scenario, draws=1024, seed=5, keep="full", chunk=c)
             for c in ((0, 377), (377, 378), (378, 1024))]
    joined = xr.concat(parts, dim="draw", data_vars="minimal", coords="minimal",
                       combine_attrs="drop")
    xr.testing.assert_equal(whole.drop_attrs(), joined.drop_attrs())


def test_one_and_two_threads_give_bit_identical_results(scenario_file, tmp_path):
    path = scenario_file(minimal_scenario(uncertainty=WITH_SPREAD, paths=GAS_PATH))
    script = ("import hashlib, sys, simulator\n"
              "e = simulator.simulate(simulator.load_scenario(sys.argv[1]), draws=5000, seed=9,"
              " keep='full')\n"
              "print(hashlib.sha256(b''.join(e[v].values.tobytes() for v in sorted(e.data_vars)))"
              ".hexdigest())\n")
    digests = []
    for threads in ("1", "2"):
        env = {**os.environ, "NUMBA_NUM_THREADS": threads}
        result = subprocess.run([sys.executable, "-c", script, str(path)], env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        digests.append(result.stdout.strip())
    assert digests[0] == digests[1]


def test_the_seed_fixes_the_draws(scenario_file):
    scenario = _scenario(scenario_file, WITH_SPREAD, paths=GAS_PATH)
    first, again = (simulator.simulate(scenario, draws=500, seed=1) for _ in range(2))
    other = simulator.simulate(scenario, draws=500, seed=2)
    xr.testing.assert_identical(first, again)
    assert not np.array_equal(first.peak_co2.values, other.peak_co2.values)


def test_full_trajectories_agree_with_the_summaries(scenario_file):
    ensemble = simulator.simulate(_scenario(scenario_file, WITH_SPREAD, paths=GAS_PATH),
                                  draws=300, seed=4, keep="full")
    co2 = ensemble.co2
    np.testing.assert_array_equal(ensemble.peak_co2, co2.max("year"))
    np.testing.assert_array_equal(ensemble.peak_year, co2.year.values[co2.argmax("year").values])
    np.testing.assert_allclose(ensemble.cumulative_co2, co2.sum("year"), rtol=1e-12)
    np.testing.assert_allclose(sum(ensemble[name] for name in SHARES), 1.0, atol=1e-12)


SHARES = ("coal_share", "oil_share", "gas_share", "non_fossil_share")


def _drawn_in_2040(scenario_file, driver, value, apply, low, high):
    """A scenario whose ``driver`` path reaches ``value`` in 2040 (linear from the base year),
    that key drawn uniform(low, high) and applied by ``apply``, and its 400 random draws with
    full trajectories."""
    scenario = _scenario(scenario_file, {"sampling": "random", "parameters": [
        {"parameter": f"paths.{driver}.values.2040", "apply": apply,
         "distribution": "uniform", "low": low, "high": high}]},
        paths={driver: {"fill": "linear", "values": {2040: value}}})
    return scenario, simulator.simulate(scenario, draws=400, seed=8, keep="full")


def test_surplus_renewables_are_curtailed_and_counted_apart_from_clamps(scenario_file):
    # the fleet grows to 700 万kW x 1500 h = 105 亿kWh in 2040, about as much as demand then
    # (99 亿kWh): draws that build more than demand curtail the surplus, in their last years
    _, ensemble = _drawn_in_2040(scenario_file, "renewable_capacity", 700.0, "multiply", 0.5,
                                 1.5)
    offered = ensemble.renewable_generation            # no other non-fossil generation
    surplus = offered > ensemble.generation
    np.testing.assert_array_equal(ensemble.curtailed_years, surplus.sum("year"))
    assert 0 < int((ensemble.curtailed_years > 0).sum()) < 400
    # where there is a surplus it is curtailed, and local generation is all non-fossil
    np.testing.assert_allclose(ensemble.curtailed_generation.where(surplus),
                               (offered - ensemble.generation).where(surplus), rtol=1e-12)
    xr.testing.assert_equal(ensemble.non_fossil_generation.where(surplus),
                            ensemble.generation.where(surplus))
    assert (ensemble.coal_power_generation.where(surplus, 0.0) == 0).all()
    # elsewhere nothing is curtailed and the whole fleet's output is used
    assert (ensemble.curtailed_generation.where(~surplus, 0.0) == 0).all()
    xr.testing.assert_equal(ensemble.non_fossil_generation.where(~surplus),
                            offered.where(~surplus))
    # curtailed power is no energy: the non-fossil share counts the generation used only
    np.testing.assert_allclose(ensemble.non_fossil_share * ensemble.energy,
                               ensemble.non_fossil_generation * 300 / 100, rtol=1e-12)
    # no draw is unbalanced, clamped, or its mix moved: the shares are fractions summing to one
    assert int(ensemble.unbalanced_years.sum()) == 0 and int(ensemble.clamped_values.sum()) == 0
    for name in SHARES:
        assert ((ensemble[name] >= 0) & (ensemble[name] <= 1)).all(), name
    np.testing.assert_allclose(sum(ensemble[name] for name in SHARES), 1.0, atol=1e-12)


def test_unbalanced_years_are_counted_and_left_as_they_are(scenario_file):
    # electricity reaches 50 to 70 % of final energy use in 2040: above about 59 % the power
    # sector's fuel and non-fossil energy exceed energy use, leaving direct fossil use below
    # zero. Those draw-years are counted, not rescaled to fit.
    scenario, ensemble = _drawn_in_2040(scenario_file, "electricity_share_final", 0.5, "add",
                                        0.0, 0.2)
    short = ensemble.direct_fossil < 0
    np.testing.assert_array_equal(ensemble.unbalanced_years, short.sum("year"))
    unbalanced = ensemble.unbalanced_years > 0
    assert 0 < int(unbalanced.sum()) < 400
    assert int(ensemble.clamped_values.sum()) == 0 and int(ensemble.curtailed_years.sum()) == 0
    # the balance still closes: the shares sum to one, with oil (15 % of direct fossil use)
    # negative where direct fossil use is, as computed
    np.testing.assert_allclose(sum(ensemble[name] for name in SHARES), 1.0, atol=1e-12)
    np.testing.assert_allclose(ensemble.oil_share * ensemble.energy,
                               0.15 * ensemble.direct_fossil, rtol=1e-12)
    assert (ensemble.oil_share.where(short) < 0).sum() == short.sum()
    for name in SHARES:  # balanced draws have fractions
        values = ensemble[name].where(~unbalanced, 0.5)
        assert ((values >= 0) & (values <= 1)).all(), name
    # the deterministic projection at an unbalanced draw's value is refused, naming the same
    # first year and the field
    d = int(np.flatnonzero(unbalanced.values)[0])
    first = int(ensemble.year[short.isel(draw=d).values][0])
    shifted = scenario.with_parameters({"paths.electricity_share_final.values.2040": 0.5
                                        + float(ensemble.parameter_value[d, 0])})
    with pytest.raises(ScenarioError) as error:
        simulator.project(shifted)
    assert error.value.field == "paths.electricity_share_final"
    assert f"in {first} electricity and non-fossil energy leave no room" in str(error.value)


def test_plateau_tolerance_counts_a_flat_top_as_peaked(scenario_file):
    # CO2 grows 0.05 %/yr after 2030: it peaks in 2040, 0.5 % above its 2030 level
    flat = {"gdp_growth": {"fill": "step", "values": {2023: 0.05, 2031: 0.0}},
            "energy_intensity_decline": {"fill": "step", "values": {2023: 0.03, 2031: -0.0005}}}
    scenario = _scenario(scenario_file, {"parameters": [
        {"parameter": "emission_factors.gas", "distribution": "normal", "sd": 0.0}]},
        base={"renewable_capacity": 0.0}, paths=flat)
    ensemble = simulator.simulate(scenario, draws=10, seed=0)
    assert simulator.peak_summary(ensemble)["probability"] == 0.0
    assert simulator.peak_summary(ensemble, plateau=0.01)["probability"] == 1.0
    assert simulator.peak_summary(ensemble, plateau=0.001)["probability"] == 0.0


@pytest.mark.parametrize("successes, n, low, high", [
    (0, 10, 0.0, 0.27753), (5, 10, 0.23659, 0.76341), (10, 10, 0.72247, 1.0)])
def test_wilson_interval_matches_known_values(successes, n, low, high):
    got = wilson_interval(successes, n)
    assert got == pytest.approx((low, high), abs=1e-5)


def test_simulate_writes_the_probabilistic_summary_and_ensemble(scenario_file, tmp_path):
    targets = tmp_path / "targets.yaml"
    targets.write_text("""region: Testland
plan: a constructed plan
seed: none.txt
targets:
  - {id: capacity, name_zh: 可再生能源装机, name_en: capacity, unit: 万千瓦, kind: level,
     targets: {2030: 100}, numeric: true, modelled: true, model: {variable: renewable_capacity},
     quote: "100"}
""", encoding="utf-8")
    path = scenario_file(minimal_scenario(uncertainty=WITH_SPREAD, paths=GAS_PATH,
                                          calibration={"targets": "targets.yaml"}))
    out = tmp_path / "out"
    result = subprocess.run([str(SIMULATE), str(path), "--draws", "2000", "--seed", "7",
                             "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "P(CO2 peaks by 2030) =" in result.stdout and "seed 7" in result.stdout
    info = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (info["draws"], info["seed"]) == (2000, 7)
    peak = info["peak"]
    assert set(peak) >= {"by_year", "probability", "ci95", "year_quantiles", "value_quantiles",
                         "unit"}
    assert peak["ci95"][0] <= peak["probability"] <= peak["ci95"][1]
    assert [t["id"] for t in info["targets"]] == ["capacity"]
    assert info["targets"][0]["probability_met"] == 1.0   # capacity is not uncertain here
    with xr.open_dataset(out / "ensemble.nc") as ensemble:
        assert (ensemble.attrs["seed"], ensemble.attrs["draws"]) == (7, 2000)
        assert ensemble.attrs["scenario"] == "minimal" and len(ensemble.attrs["scenario_sha256"]) == 64
        assert ensemble.peak_year.dims == ("draw",) and ensemble.co2.dims == ("draw", "year")
        for name in ensemble.data_vars:
            assert {"units", "long_name"} <= set(ensemble[name].attrs), name
        assert simulator.peak_summary(ensemble)["probability"] == peak["probability"]
