"""Global sensitivity: the Sobol and Morris cores on functions with known answers, the shock
stream factor, and the scenario analysis (``simulate sensitivity``)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml

import simulator
import simulator.analysis.sensitivity as sens
from simulator.cli import main
from simulator.errors import ScenarioError
from simulator.analysis.sensitivity import (
    OUTPUTS, SHOCKS, morris, morris_design, scenario_model, scenario_outputs, sensitivity, sobol,
    sobol_design,
)

from conftest import REPO, TAIYUAN, minimal_scenario, write_scenario

INERT = "base.coal_power_capacity"  # capacity does not enter CO2: no effect on any output


def ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Ishigami on [-pi, pi]^3, from uniforms; one output column."""
    x = -np.pi + 2 * np.pi * u
    return (np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2
            + b * x[:, 2] ** 4 * np.sin(x[:, 0]))[:, None]


def test_sobol_recovers_the_ishigami_indices():
    indices, evaluations = sobol(ishigami, 3, 4096, seed=1)
    first = np.array([0.3139, 0.4424, 0.0])
    total = np.array([0.5576, 0.4424, 0.2437])
    for name, exact in (("first_order", first), ("total_order", total)):
        estimate = indices[name][0]
        assert np.all(indices[f"{name}_lower"][0] <= exact), name
        assert np.all(exact <= indices[f"{name}_upper"][0]), name
        np.testing.assert_allclose(estimate, exact, atol=0.01)  # scrambled Sobol converges fast
        assert np.all(indices[f"{name}_upper"][0] - indices[f"{name}_lower"][0] < 0.15)
    assert evaluations.shape == (5, 4096, 1)


def test_sobol_design_swaps_one_column_and_streams_a_then_b():
    a, b, mixed = sobol_design(3, 8, seed=5, stream_factor=True)
    np.testing.assert_array_equal(a[:, 2], np.arange(8))
    np.testing.assert_array_equal(b[:, 2], 8 + np.arange(8))
    assert np.all((a[:, :2] >= 0) & (a[:, :2] < 1)) and not np.allclose(a[:, :2], b[:, :2])
    for i in range(3):
        expected = a.copy()
        expected[:, i] = b[:, i]
        np.testing.assert_array_equal(mixed[i], expected)


def test_sobol_stream_factor_gets_the_variance_of_its_streams():
    # y = u0 + z[stream], var(u0) = 1/12 = var(z): each explains half, the inert u1 none
    z = np.random.default_rng(3).normal(0, (1 / 12) ** 0.5, 2 * 4096)
    indices, _ = sobol(lambda m: (m[:, 0] + z[m[:, 2].astype(int)])[:, None], 3, 4096,
                       seed=2, stream_factor=True)
    np.testing.assert_allclose(indices["total_order"][0], [0.5, 0.0, 0.5], atol=0.05)
    np.testing.assert_allclose(indices["first_order"][0], [0.5, 0.0, 0.5], atol=0.06)
    assert indices["total_order"][0, 1] == 0.0


def test_sobol_constant_output_gets_zero_indices_not_nan():
    indices, _ = sobol(lambda m: np.column_stack([m[:, 0], np.ones(len(m))]), 2, 64, seed=0)
    for values in indices.values():
        assert np.all(np.isfinite(values))
        assert np.all(values[1] == 0.0)


def test_morris_on_a_linear_function_gives_slope_times_range():
    low, high = np.array([2.0, -1.0, 0.0]), np.array([4.0, 5.0, 10.0])
    slopes = np.array([3.0, -0.5, 0.0])  # the third input is inert

    def linear(m):
        return ((low + m * (high - low)) @ slopes)[:, None]

    indices, _ = morris(linear, 3, 20, seed=4)
    np.testing.assert_allclose(indices["mu_star"][0], np.abs(slopes) * (high - low), atol=1e-12)
    np.testing.assert_allclose(indices["mu"][0], slopes * (high - low), atol=1e-12)
    np.testing.assert_allclose(indices["sigma"][0], 0.0, atol=1e-12)
    np.testing.assert_allclose(indices["mu_star_lower"][0], indices["mu_star"][0], atol=1e-12)
    assert indices["mu_star"][0, 2] == 0.0


def test_morris_sees_nonlinearity_in_sigma():
    indices, _ = morris(lambda m: (m[:, 0] ** 2)[:, None], 2, 200, seed=1)
    # effects 2x + delta with delta = 2/3 and x in {0, 1/3}: mean 1, never 0
    assert 0.9 < indices["mu_star"][0, 0] < 1.1 and indices["sigma"][0, 0] > 0.2
    assert indices["mu_star_lower"][0, 0] < indices["mu_star"][0, 0] < \
        indices["mu_star_upper"][0, 0]


def test_morris_design_moves_every_factor_once_on_the_grid():
    design = morris_design(4, 30, seed=9, stream_factor=True)
    steps = np.diff(design.points, axis=1)  # [r, k, k]
    grid = design.points[..., :3] * 3
    np.testing.assert_allclose(grid, np.round(grid))  # levels 0, 1/3, 2/3, 1
    assert np.all((design.points[..., :3] >= 0) & (design.points[..., :3] <= 1))
    for t in range(30):
        moved = np.flatnonzero((steps[t] != 0).any(axis=0))
        assert sorted(moved) == [0, 1, 2, 3]
        for m, factor in enumerate(design.order[t]):
            assert np.count_nonzero(steps[t, m]) == 1 and steps[t, m, factor] != 0
        streams = design.points[t, :, 3]
        assert set(streams) == {t, 30 + t}
    for layer in design.points.swapaxes(0, 1):  # at most two runs of consecutive streams
        assert len(sens._runs(layer[:, 3].astype(int))) <= 2


def inert_copy(tmp_path) -> simulator.Scenario:
    """taiyuan_base with one more uncertain parameter that cannot move CO2."""
    parent = yaml.safe_load(TAIYUAN.read_text(encoding="utf-8"))
    extra = {"parameter": INERT, "apply": "multiply", "distribution": "normal", "sd": 0.2}
    child = {"format": 1, "extends": str(TAIYUAN), "name": "taiyuan_inert",
             "region": "Taiyuan", "calibration": {"free": []},
             "uncertainty": {"parameters": parent["uncertainty"]["parameters"] + [extra]}}
    return simulator.load_scenario(write_scenario(tmp_path, child, "inert.yaml"))


@pytest.fixture(scope="module")
def inert_scenario(tmp_path_factory):
    return inert_copy(tmp_path_factory.mktemp("inert"))


@pytest.fixture(scope="module")
def sobol_result(inert_scenario):
    return sensitivity(inert_scenario, method="sobol", n=512, seed=11)


def test_sobol_indices_on_a_scenario_are_sane(sobol_result, inert_scenario):
    result = sobol_result
    names = [e.parameter for e in inert_scenario["uncertainty.parameters"]]
    assert list(result["parameter"].values) == [*names, SHOCKS]
    assert list(result["output"].values) == list(OUTPUTS)
    for name in ("first_order", "total_order", "first_order_lower", "total_order_upper"):
        assert result[name].dims == ("output", "parameter")
        assert result[name].attrs["units"] == "1" and result[name].attrs["long_name"]
        assert np.all(np.isfinite(result[name].values))
    assert float(result["first_order"].min()) >= -0.05
    assert float(result["total_order"].min()) >= -0.01
    assert float(result[["first_order", "total_order"]].to_array().max()) <= 1.05
    assert np.all(result["total_order"] >= result["first_order"] - 0.05)
    inert = result.sel(parameter=INERT)
    for name in result.data_vars:  # its A_B rows repeat A's rows exactly
        np.testing.assert_allclose(inert[name].values, 0.0, atol=1e-12)
    growth = result.sel(parameter="paths.gdp_growth", output="peak_co2")
    assert float(growth["total_order"]) > 0.3  # growth drives the peak (docs/modellers_commands.md)
    assert float(result["total_order"].sel(parameter=SHOCKS, output="co2_2030")) > 0.05


def test_scenario_attrs_say_how_it_was_made(sobol_result):
    attrs = sobol_result.attrs
    assert attrs["method"] == "sobol" and attrs["n"] == 512 and attrs["seed"] == 11
    assert attrs["evaluations"] == 512 * (8 + 2)
    assert "shock stream" in attrs["shocks"] and "independent" in attrs["correlations"]
    assert attrs["scenario"] == "taiyuan_inert" and attrs["scenario_sha256"]
    assert list(sobol_result["output_unit"].values) == ["yr", "万t", "万t", "万t"]


def test_same_seed_same_result_other_seed_other(inert_scenario, sobol_result):
    again = sensitivity(inert_scenario, method="sobol", n=512, seed=11)
    xr.testing.assert_identical(again, sobol_result)
    other = sensitivity(inert_scenario, method="sobol", n=512, seed=12)
    assert not np.array_equal(other["first_order"].values, sobol_result["first_order"].values)


def test_morris_on_a_scenario(inert_scenario):
    result = sensitivity(inert_scenario, method="morris", n=40, seed=3,
                         outputs=("peak_year", "co2_2030"))
    assert result.attrs["evaluations"] == 40 * 9
    assert list(result["output"].values) == ["peak_year", "co2_2030"]
    for name in ("mu_star", "mu", "sigma", "mu_star_lower", "mu_star_upper"):
        assert np.all(np.isfinite(result[name].values)) and "output_unit" in \
            result[name].attrs["units"]
    assert np.all(result["mu_star"].sel(parameter=INERT).values == 0.0)
    assert np.all(result["mu_star"] >= np.abs(result["mu"]) - 1e-9)
    growth = result["mu_star"].sel(parameter="paths.gdp_growth")
    assert float(growth.sel(output="peak_year")) > 5  # years, across +-2.3 points of growth
    low, high = (float(result[end].sel(parameter="paths.gdp_growth"))
                 for end in ("range_low", "range_high"))
    np.testing.assert_allclose([low, high], [-0.0232635, 0.0232635], rtol=1e-5)  # sd 0.01


def test_a_row_run_as_draw_g_uses_draw_gs_shocks():
    scenario = simulator.load_scenario(TAIYUAN)
    ensemble = simulator.simulate(scenario, draws=64, seed=5)
    model = scenario_model(scenario, seed=5, ranges=True)
    count = len(model.sampler.entries)
    identity = dataclasses.replace(model, ranges=np.stack([np.zeros(count), np.ones(count)]))
    order = np.r_[40:64, 0:40][::-1]  # shuffled streams: many kernel calls, same draws
    factors = np.column_stack([ensemble["parameter_value"].values[order], order])
    outputs = scenario_outputs(identity, factors)
    expected = [ensemble["peak_year"], ensemble["peak_co2"], ensemble["co2"].sel(year=2030),
                ensemble["cumulative_co2"]]
    for column, variable in enumerate(expected):
        np.testing.assert_allclose(outputs[:, column], variable.values[order], rtol=1e-12)


def test_evaluations_go_through_run_tasks(monkeypatch, inert_scenario):
    calls = []

    def spy(function, tasks, scheduler=None, on_done=None):
        calls.append((len(tasks), scheduler))
        return [function(*task) for task in tasks]

    monkeypatch.setattr(sens, "run_tasks", spy)
    sensitivity(inert_scenario, method="sobol", n=16, seed=1, outputs=("peak_year",))
    assert calls == [(8 + 2, None)]  # one call: A, B and the 8 A_B^i


def test_correlations_are_named_and_left_out():
    scenario = simulator.load_scenario(REPO / "scenarios" / "qingdao_base.yaml")
    result = sensitivity(scenario, method="morris", n=4, seed=1, outputs=("peak_co2",))
    note = result.attrs["correlations"]
    assert "paths.gdp_growth with paths.energy_intensity_decline" in note
    assert "independent marginals" in note


def test_bad_requests_are_refused(scenario_file, inert_scenario):
    with pytest.raises(ValueError, match="power of two"):
        sensitivity(inert_scenario, n=100)
    with pytest.raises(ValueError, match="outputs must be"):
        sensitivity(inert_scenario, outputs=("peak_year", "co2_2031"))
    with pytest.raises(ValueError, match="method"):
        sensitivity(inert_scenario, method="fast")
    certain = simulator.load_scenario(scenario_file(minimal_scenario()))
    with pytest.raises(ScenarioError, match="nothing uncertain"):
        sensitivity(certain)
    short = minimal_scenario(end_year=2028, uncertainty={"parameters": [
        {"parameter": "paths.gdp_growth", "distribution": "normal", "sd": 0.01}]})
    early = simulator.load_scenario(scenario_file(short, "short.yaml"))
    with pytest.raises(ScenarioError, match="co2_2030 needs 2030"):
        sensitivity(early, n=16)
    assert sensitivity(early, n=16, outputs=("peak_year",)).sizes["parameter"] == 1


def test_cli_prints_a_ranked_table_and_writes_its_files(tmp_path, capsys):
    code = main(["sensitivity", str(TAIYUAN), "--n", "64", "--out", str(tmp_path),
                 "--output", "peak_year", "co2_2030"])
    text = capsys.readouterr().out
    assert code == 0
    assert "Sobol sensitivity of taiyuan_base" in text and "576 model runs" in text
    table = text.split("co2_2030: CO2 emissions in 2030, in Mt")[1].splitlines()
    assert table[2].split()[0] == "paths.gdp_growth"  # ranked first by ST
    csv = pd.read_csv(tmp_path / "sensitivity.csv")
    assert len(csv) == 2 * 7 and not csv.isna().any().any()
    assert {"output", "output_unit", "parameter", "total_order [1]"} <= set(csv.columns)
    saved = xr.open_dataset(tmp_path / "sensitivity.nc")
    assert saved.attrs["n"] == 64 and saved["total_order"].attrs["units"] == "1"
    saved.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "sensitivity.csv", "sensitivity.nc", "sensitivity.png"]
    assert (tmp_path / "sensitivity.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_cli_morris_and_bad_input_exit_codes(tmp_path, capsys, scenario_file):
    code = main(["sensitivity", str(TAIYUAN), "--method", "morris", "--n", "8",
                 "--out", str(tmp_path), "--output", "peak_year"])
    assert code == 0 and "mu* (yr)" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["sensitivity", str(TAIYUAN), "--n", "100", "--out", str(tmp_path)])
    assert exit_info.value.code == 2 and "power of two" in capsys.readouterr().err
    certain = scenario_file(minimal_scenario())
    assert main(["sensitivity", str(certain), "--out", str(tmp_path / "x")]) == 2
    assert "nothing uncertain" in capsys.readouterr().err
