"""Scenario discovery: PRIM on synthetic data with known boxes, on a real ensemble, and the
``simulate discover`` command."""

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simulator
from simulator.cli import main as simulate_main
from simulator.analysis.discovery import (
    DISCOVERY_FILE, TRAJECTORY_FILE, Parameter, _paste, _Search, discover, discovery_json,
    format_discovery, prim, scenario_parameters,
)

from conftest import TAIYUAN, minimal_scenario

NAMES = ["x1", "x2", "x3"]
ALPHA = 0.05
# Near the true box a peel cuts 5 % of about 400 draws, about 0.02 in x1 or x2 at n = 4000:
# two peel steps.
TWO_PEELS = 0.04


def uniform_draws(n=4000, columns=3, seed=1):
    return np.random.default_rng(seed).uniform(size=(n, columns))


def members_by_hand(X, boxes, k):
    """Rows inside box k's limits and outside the limits of every earlier box."""
    def inside(box):
        return np.all((X >= box.lower) & (X <= box.upper), axis=1)
    mask = inside(boxes[k])
    for earlier in boxes[:k]:
        mask &= ~inside(earlier)
    return mask


# --- PRIM on synthetic data ------------------------------------------------------------------


@pytest.fixture(scope="module")
def and_rule():
    X = uniform_draws()
    y = (X[:, 0] > 0.7) & (X[:, 1] < 0.3)
    return X, y, prim(X, y, NAMES, boxes=1)


def test_box_of_an_and_rule_has_its_limits_and_leaves_the_irrelevant_parameter_free(and_rule):
    _, _, result = and_rule
    box = result.boxes[0]
    assert box.lower[0] == pytest.approx(0.7, abs=TWO_PEELS) and box.upper[0] == np.inf
    assert box.upper[1] == pytest.approx(0.3, abs=TWO_PEELS) and box.lower[1] == -np.inf
    assert (box.lower[2], box.upper[2]) == (-np.inf, np.inf)
    assert box.restricted == [0, 1]
    assert box.density > 0.95 and box.coverage > 0.9


def test_reported_statistics_equal_those_recomputed_from_the_data():
    X = uniform_draws()
    y = ((X[:, 0] > 0.8) & (X[:, 1] < 0.3)) | (X[:, 2] > 0.85)
    result = prim(X, y, NAMES, boxes=2)
    assert len(result.boxes) == 2
    for k, box in enumerate(result.boxes):
        inside = members_by_hand(X, result.boxes, k)
        assert np.array_equal(inside, result.members(X, k))
        assert box.draws == inside.sum() and box.cases == y[inside].sum()
        assert box.support == inside.mean()
        assert box.coverage == y[inside].sum() / y.sum()
        assert box.density == y[inside].mean()
    # the two regions are found one after the other, in either order
    found = {tuple(b.restricted) for b in result.boxes}
    assert found == {(0, 1), (2,)}
    x3_box = next(b for b in result.boxes if b.restricted == [2])
    assert x3_box.lower[2] == pytest.approx(0.85, abs=TWO_PEELS)


def test_peeling_never_increases_the_support_and_only_tightens_limits(and_rule):
    _, _, result = and_rule
    trajectory = result.trajectory
    peeled = trajectory[trajectory.action.isin(["start", "peel"])]
    assert len(peeled) > 20
    assert (np.diff(peeled.draws) < 0).all()
    assert (peeled.support >= result.settings["min_support"]).all()
    removed = -np.diff(peeled.draws) / peeled.draws.values[:-1]
    assert (removed <= ALPHA + 1e-12).all() and (removed > 0.8 * ALPHA).all()
    for name in NAMES:
        lower, upper = peeled[f"{name} lower"].values, peeled[f"{name} upper"].values
        assert (lower[1:] >= lower[:-1]).all() and (upper[1:] <= upper[:-1]).all()


def test_selected_step_is_the_densest_box_with_enough_coverage(and_rule):
    _, y, result = and_rule
    s = result.settings
    rows = result.trajectory[result.trajectory.action.isin(["start", "peel"])]
    eligible = rows[rows.cases >= s["min_coverage"] * y.sum()]
    near = eligible[eligible.density >= eligible.density.max() - s["density_tolerance"]]
    expected = near.sort_values(["cases", "step"], ascending=[False, True]).step.iloc[0]
    assert rows[rows.selected].step.tolist() == [expected]
    assert result.trajectory.reported.sum() == 1 and result.trajectory.reported.iloc[-1]


def test_pasting_widens_a_limit_while_it_raises_the_density():
    # y true for x1 > 0.5, with 20 % misses above 0.6: a box cut at x1 >= 0.6 gains density
    # by taking back 0.5-0.6 and loses it below 0.5
    rng = np.random.default_rng(3)
    X = rng.uniform(size=(4000, 2))
    y = (X[:, 0] > 0.5) & ~((X[:, 0] > 0.6) & (rng.uniform(size=4000) < 0.2))
    search = _Search(X, y, np.ones(len(y), dtype=bool), ("x1", "x2"), 1)
    search.lower[0] = 0.6
    search.inside = search.members(search.lower, search.upper)
    search.record("select")
    while _paste(search, ALPHA):
        pass
    rows = pd.DataFrame(search.rows)
    assert len(rows) > 2 and (rows.action[1:] == "paste").all()
    assert (np.diff(rows.density) > 0).all() and (np.diff(rows["x1 lower"]) < 0).all()
    assert search.lower[0] == pytest.approx(0.5, abs=TWO_PEELS) and search.lower[0] > 0.5


def test_rules_are_cut_to_max_conditions_and_needless_limits_dropped():
    X = uniform_draws(columns=4)
    y = np.all(X > 0.3, axis=1)  # four conditions, each needed
    full = prim(X, y, [*NAMES, "x4"], boxes=1, max_conditions=4, drop_tolerance=0.0,
                min_coverage=0.9)
    assert full.boxes[0].restricted == [0, 1, 2, 3]
    short = prim(X, y, [*NAMES, "x4"], boxes=1, max_conditions=2, min_coverage=0.9)
    assert len(short.boxes[0].restricted) == 2
    assert short.boxes[0].density < full.boxes[0].density
    # a loose tolerance drops every limit: each costs less than 0.5 density
    loose = prim(X, y, [*NAMES, "x4"], boxes=1, drop_tolerance=0.5, min_coverage=0.9)
    assert loose.boxes[0].restricted == []


def test_pure_noise_gives_no_useful_box():
    X = uniform_draws()
    y = np.random.default_rng(2).uniform(size=len(X)) < 0.3
    result = prim(X, y, NAMES)
    assert len(result.boxes) == 1
    assert result.boxes[0].gain() < result.settings["min_gain"]


@pytest.mark.parametrize("change", [
    {"alpha": 0.5}, {"alpha": 0.0}, {"min_support": 1.0}, {"min_coverage": 0.0},
    {"boxes": 0}, {"max_conditions": 1.5}, {"peel": 0.1},
])
def test_prim_refuses_settings_out_of_range(change):
    X = uniform_draws(n=100)
    with pytest.raises(ValueError, match=next(iter(change))):
        prim(X, X[:, 0] > 0.5, NAMES, **change)


def test_prim_refuses_bad_data():
    X = uniform_draws(n=100)
    with pytest.raises(ValueError, match="bool"):
        prim(X, X[:, 0], NAMES)
    with pytest.raises(ValueError, match="names"):
        prim(X, X[:, 0] > 0.5, NAMES[:2])
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        prim(X, X[:, 0] > 0.5, NAMES)


# --- discovery on a real scenario ------------------------------------------------------------


DRAWS, SEED = 2000, 7


@pytest.fixture(scope="module")
def taiyuan():
    scenario = simulator.load_scenario(TAIYUAN)
    return scenario, discover(scenario, draws=DRAWS, seed=SEED)


def test_taiyuan_box_beats_the_base_rate_and_recomputes_from_the_ensemble(taiyuan):
    scenario, result = taiyuan
    ensemble = simulator.simulate(scenario, draws=DRAWS, seed=SEED)
    X = ensemble.parameter_value.values
    no_peak = ensemble.peak_year.values > 2030
    assert result.base_rate == no_peak.mean()
    assert result.boxes[0].density > result.base_rate + 0.1
    assert result.useful(result.boxes[0])
    for k, box in enumerate(result.boxes):
        inside = members_by_hand(X, result.boxes, k)
        assert box.draws == inside.sum()
        assert box.density == no_peak[inside].mean()
        assert box.coverage == no_peak[inside].sum() / no_peak.sum()
        assert 1 <= len(box.restricted) <= 3


def test_shock_context_recomputes_from_a_run_without_shocks(taiyuan):
    scenario, result = taiyuan
    calm = replace(scenario, values={**scenario.values, "uncertainty.shocks": ()})
    with_shocks = simulator.simulate(scenario, draws=DRAWS, seed=SEED).peak_year.values > 2030
    without = simulator.simulate(calm, draws=DRAWS, seed=SEED).peak_year.values > 2030
    assert result.shocks.drivers == ("gdp_growth", "full_load_hours")
    assert result.shocks.no_peak_share_without_shocks == without.mean()
    assert result.shocks.answer_changed_by_shocks == (with_shocks != without).mean() > 0


def test_rules_read_in_the_parameters_own_units(taiyuan):
    scenario, result = taiyuan
    by_name = {p.name: p for p in scenario_parameters(scenario)}
    capacity = by_name["paths.renewable_capacity.values.2030"]
    assert capacity.condition(0.9, np.inf) == \
        "paths.renewable_capacity.values.2030 >= 270 万kW (nominal 300; factor >= 0.9)"
    growth = by_name["paths.gdp_growth"]
    assert growth.condition(-np.inf, 0.005) == (
        "paths.gdp_growth shift <= +0.005 1/yr (added to every year of the path; "
        "2030: 0.045 -> <= 0.05)")
    gas = by_name["paths.direct_gas_share.values.2030"]
    assert gas.condition(0.01, 0.02) == ("0.36 <= paths.direct_gas_share.values.2030 <= 0.37 "
                                         "(nominal 0.35; +0.01 <= shift <= +0.02)")
    assert Parameter("base.ccus", "multiply", "万t CO2", -2.0).condition(0.5, 1.0) == \
        "-2 <= base.ccus <= -1 万t CO2 (nominal -2; 0.5 <= factor <= 1)"
    text = format_discovery(result)
    assert "1/yr" in text and "Box 1" in text and "AR(1) shocks" in text


def test_a_scenario_whose_answer_the_shocks_decide_says_no_box_helps(scenario_file):
    # CO2 flat on average: whether it peaks by 2030 is decided by the yearly growth shocks;
    # the one sampled parameter (the gas emission factor, sd 1 %) hardly matters.
    path = scenario_file(minimal_scenario(
        paths={"gdp_growth": {"fill": "step", "values": {2023: 0.03}},
               "energy_intensity_decline": {"fill": "step", "values": {2023: 0.03}}},
        uncertainty={"sampling": "latin_hypercube", "parameters": [
            {"parameter": "emission_factors.gas", "apply": "multiply",
             "distribution": "normal", "sd": 0.01}],
            "shocks": [{"driver": "gdp_growth", "apply": "add", "sd": 0.01, "rho": 0.5}]}))
    result = discover(path, draws=DRAWS, seed=SEED)
    assert 0.2 < result.base_rate < 0.8
    assert not result.useful(result.boxes[0])
    assert result.shocks.answer_changed_by_shocks > 0.2
    assert "No box of parameter ranges beats the base rate" in format_discovery(result)
    assert discovery_json(result)["boxes"][0]["useful"] is False


def test_a_scenario_where_every_draw_peaks_has_nothing_to_explain(scenario_file):
    path = scenario_file(minimal_scenario(
        paths={"energy_intensity_decline": {"fill": "step", "values": {2023: 0.15}}},
        uncertainty={"parameters": [{"parameter": "paths.gdp_growth", "apply": "add",
                                     "distribution": "normal", "sd": 0.005}]}))
    result = discover(path, draws=500, seed=SEED)
    assert result.base_rate == 0 and result.boxes == () and result.shocks is None
    assert "Every draw peaks by 2030" in format_discovery(result)
    json.dumps(discovery_json(result), allow_nan=False)


# --- the command -----------------------------------------------------------------------------


def test_command_prints_rules_and_writes_both_files(tmp_path, capsys):
    code = simulate_main(["discover", str(TAIYUAN), "--draws", str(DRAWS), "--seed", str(SEED),
                          "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [DISCOVERY_FILE, TRAJECTORY_FILE]
    info = json.loads((tmp_path / DISCOVERY_FILE).read_text(encoding="utf-8"))
    expected = discover(simulator.load_scenario(TAIYUAN), draws=DRAWS, seed=SEED)
    assert info == json.loads(json.dumps(discovery_json(expected), ensure_ascii=False))
    # round_trip: pandas 2's default float parser may differ from the written value in the last bit
    trajectory = pd.read_csv(tmp_path / TRAJECTORY_FILE, float_precision="round_trip")
    assert not trajectory.isna().any().any()
    reported = trajectory[trajectory.reported]
    assert reported.density.tolist() == [b["density"] for b in info["boxes"]]
    assert reported.coverage.tolist() == [b["coverage"] for b in info["boxes"]]
    assert info["boxes"][0]["rule"].split(" and ")[0] in printed
    assert str(tmp_path / DISCOVERY_FILE) in printed


@pytest.mark.parametrize("option", [
    ["--alpha", "0.5"], ["--alpha", "0"], ["--alpha", "x"], ["--min-support", "1.5"],
    ["--min-coverage", "0"], ["--min-gain", "-0.1"], ["--boxes", "0"], ["--boxes", "two"],
    ["--draws", "0"],
])
def test_bad_options_exit_2_with_the_option_named(option, capsys):
    with pytest.raises(SystemExit) as stop:
        simulate_main(["discover", str(TAIYUAN), *option])
    assert stop.value.code == 2
    assert option[0] in capsys.readouterr().err


def test_scenario_without_uncertain_parameters_exits_2(scenario_file, tmp_path, capsys):
    path = scenario_file(minimal_scenario())
    assert simulate_main(["discover", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "uncertainty.parameters" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_console_script_exits_2_on_a_bad_alpha():
    script = Path(sys.executable).parent / "simulate"
    done = subprocess.run([str(script), "discover", str(TAIYUAN), "--alpha", "0.7"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "alpha must be a fraction in (0, 0.5)" in done.stderr
