"""Required effort: the value found, simulated again on the same draws, gives the asked
probability and the value just beside it does not; unreachable and already-reached answers;
refused input; the ``simulate require`` command."""

import json

import pytest

import simulator
from simulator import InputError, ScenarioError
from simulator.cli import main
from simulator.analysis.effort import Evaluation, _narrow, required_value

from conftest import TAIYUAN

DRAWS, SEED = 2000, 11
DECLINE = "paths.energy_intensity_decline.values.2026"  # Taiyuan's 2026-2030 intensity pace
GROWTH = "paths.gdp_growth.values.2031"                  # Taiyuan's growth from 2031
ASKED = 0.3  # above the plan's P (about 0.17) and within reach of the 2026-2030 pace alone


@pytest.fixture(scope="module")
def taiyuan():
    return simulator.load_scenario(TAIYUAN)


def peak_probability(scenario, path, value) -> dict:
    ensemble = simulator.simulate(scenario.with_parameters({path: value}), draws=DRAWS, seed=SEED)
    return simulator.peak_summary(ensemble)


@pytest.fixture(scope="module")
def asked(taiyuan):
    return required_value(taiyuan, DECLINE, ASKED, draws=DRAWS, seed=SEED)


def test_the_value_found_gives_the_asked_probability_and_just_below_it_does_not(taiyuan, asked):
    assert asked.status == "found" and asked.direction == "at least"
    at = peak_probability(taiyuan, DECLINE, asked.required.value)
    assert at["probability"] >= ASKED and at["ci95"][0] <= ASKED <= at["ci95"][1]
    assert at["probability"] == asked.required.probability
    assert asked.required.value - asked.tolerance <= asked.below.value < asked.required.value
    assert peak_probability(taiyuan, DECLINE, asked.below.value)["probability"] < ASKED
    assert peak_probability(taiyuan, DECLINE, asked.required.value - asked.tolerance)[
        "probability"] < ASKED


def test_the_plan_value_and_its_probability_are_reported(taiyuan, asked):
    assert asked.plan.value == taiyuan.parameter(DECLINE)
    assert asked.plan.probability == peak_probability(taiyuan, DECLINE, asked.plan.value)[
        "probability"]
    assert asked.plan.probability < ASKED and asked.plan.value < asked.required.value
    assert asked.search_range == (0.0, pytest.approx(3 * taiyuan.parameter(DECLINE)))


def test_a_lever_that_lowers_the_probability_needs_at_most_a_value(taiyuan):
    result = required_value(taiyuan, GROWTH, 0.4, draws=DRAWS, seed=SEED)
    assert result.status == "found" and result.direction == "at most"
    assert result.below.value > result.required.value
    assert peak_probability(taiyuan, GROWTH, result.required.value)["probability"] >= 0.4
    assert peak_probability(taiyuan, GROWTH, result.below.value)["probability"] < 0.4
    assert result.required.value < taiyuan.parameter(GROWTH)


def test_an_unreachable_probability_is_reported_with_the_best_value(taiyuan):
    result = required_value(taiyuan, DECLINE, 0.999999, draws=DRAWS, seed=SEED,
                            bounds=(0.0, 0.03))
    assert result.status == "unreachable" and result.required is None
    assert result.best.value == 0.03
    assert result.best.probability == peak_probability(taiyuan, DECLINE, 0.03)["probability"]
    assert result.best.probability < 0.999999
    assert result.evaluations == 3


def test_a_probability_reached_over_the_whole_range_says_so(taiyuan):
    result = required_value(taiyuan, DECLINE, 0.05, draws=DRAWS, seed=SEED, bounds=(0.0, 0.05))
    assert result.status == "whole_range"
    assert result.required.value == 0.0
    assert 0.05 <= result.required.probability < result.best.probability


@pytest.mark.parametrize("per_round", [1, 7])
def test_narrowing_closes_on_the_step_of_a_step_function(per_round):
    step_at = 0.3712

    def evaluate(values):
        return [Evaluation(v, float(v >= step_at), (0.0, 1.0)) for v in values]

    below, above = _narrow(evaluate, Evaluation(0.0, 0.0, (0, 1)), Evaluation(1.0, 1.0, (0, 1)),
                           0.5, 1e-4, per_round)
    assert below.value < step_at <= above.value and above.value - below.value <= 1e-4


@pytest.mark.parametrize("probability, fragment", [
    (1.5, "must be strictly between 0 and 1"),
    (0.0, "must be strictly between 0 and 1"),
    (90, "90 looks like a percentage: write 0.9 for 90 %"),
])
def test_a_probability_outside_0_1_is_refused(taiyuan, probability, fragment):
    with pytest.raises(InputError, match=fragment):
        required_value(taiyuan, DECLINE, probability, draws=10)


def test_an_unknown_path_is_refused_with_close_matches(taiyuan):
    with pytest.raises(ScenarioError, match="close matches: paths.energy_intensity_decline"):
        required_value(taiyuan, "paths.energy_intensity_declin.values.2026", 0.9, draws=10)


def test_a_parameter_with_a_zero_plan_value_and_open_bounds_needs_a_range(taiyuan):
    with pytest.raises(InputError, match=r"no usable search range.*--range LOW:HIGH"):
        required_value(taiyuan, "base.ccus", 0.9, draws=10)


def test_cli_prints_the_answer_and_writes_require_json(taiyuan, tmp_path, capsys):
    code = main(["require", str(TAIYUAN), "--param", DECLINE, "--probability", str(ASKED),
                 "--draws", str(DRAWS), "--seed", str(SEED), "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert code == 0
    stored = json.loads((tmp_path / "require.json").read_text(encoding="utf-8"))
    asked = required_value(taiyuan, DECLINE, ASKED, draws=DRAWS, seed=SEED)
    assert stored["status"] == "found" and stored["required"]["value"] == asked.required.value
    assert stored["plan"]["probability"] == asked.plan.probability
    assert printed.startswith(f"To make a 2030 peak 30 % likely, {DECLINE} must be at least "
                              f"{asked.required.value:.6f} 1/yr (plan: {asked.plan.value:.6f} "
                              f"1/yr, which gives {100 * asked.plan.probability:.1f} %).")


def test_cli_unreachable_is_an_answer_with_exit_0(tmp_path, capsys):
    code = main(["require", str(TAIYUAN), "--param", DECLINE, "--probability", "0.999999",
                 "--range", "0:0.03", "--draws", "500", "--out", str(tmp_path)])
    assert code == 0
    printed = capsys.readouterr().out
    assert f"{DECLINE} alone cannot make a 2030 peak 99.9999 % likely" in printed
    assert json.loads((tmp_path / "require.json").read_text())["status"] == "unreachable"


@pytest.mark.parametrize("arguments, fragment", [
    (["--param", DECLINE, "--probability", "90"], "looks like a percentage"),
    (["--param", "paths.energy_intensity_declin.values.2026", "--probability", "0.9"],
     "close matches"),
    (["--param", DECLINE, "--probability", "0.9", "--range", "0.05:0.01"],
     "--range: LOW must be below HIGH"),
    (["--param", DECLINE, "--probability", "0.9", "--range", "a:b"], "cannot read the range"),
])
def test_cli_bad_input_exits_2(tmp_path, capsys, arguments, fragment):
    code = main(["require", str(TAIYUAN), *arguments, "--out", str(tmp_path / "out")])
    assert code == 2
    assert fragment in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
