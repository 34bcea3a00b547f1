"""Every command's arguments: a bad value is exit 2 with a message naming the option, never a
traceback, and never a run."""

import pytest

from simulator.cli import main

from conftest import TAIYUAN

PARAMETER = "paths.energy_intensity_decline.values.2026"
# each command with the arguments that make a valid call of it
COMMANDS = {
    "simulate": [str(TAIYUAN)],
    "sweep": ["sweep", str(TAIYUAN), "--set", f"{PARAMETER}=0.02,0.03"],
    "sensitivity": ["sensitivity", str(TAIYUAN)],
    "discover": ["discover", str(TAIYUAN)],
    "require": ["require", str(TAIYUAN), "--param", PARAMETER, "--probability", "0.5"],
    "compare": ["compare", str(TAIYUAN)],
}
WITH_DRAWS = [c for c in COMMANDS if c != "sensitivity"]  # sensitivity sizes its runs by --n
BAD_DRAWS = ["0", "-5", "1.5", "abc", ""]
BAD_SEEDS = ["-1", "2.5", "x"]


def _refused(argv, capsys) -> str:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("command", WITH_DRAWS)
@pytest.mark.parametrize("draws", BAD_DRAWS)
def test_draws_must_be_a_positive_whole_number(command, draws, capsys):
    err = _refused([*COMMANDS[command], "--draws", draws], capsys)
    assert "argument --draws" in err


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("seed", BAD_SEEDS)
def test_seed_must_be_a_whole_number_from_zero(command, seed, capsys):
    err = _refused([*COMMANDS[command], "--seed", seed], capsys)
    assert "argument --seed" in err


@pytest.mark.parametrize("command", list(COMMANDS))
def test_unknown_options_are_refused(command, capsys):
    err = _refused([*COMMANDS[command], "--no-such-option"], capsys)
    assert "unrecognized arguments: --no-such-option" in err


@pytest.mark.parametrize("command", ["simulate", "sweep", "compare"])
def test_an_output_folder_that_cannot_be_written_is_bad_input(command, tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    code = main([*COMMANDS[command], "--draws", "200", "--out", str(blocker / "sub")])
    err = capsys.readouterr().err
    assert code == 2 and "output folder" in err and "Traceback" not in err
    assert blocker.read_text() == "not a folder"


# ---------------------------------------------------------------------------------------------
# each command's own options, one by one

SIZED = {command: [*argv, "--n", "4"] if command == "sensitivity" else [*argv, "--draws", "200"]
         for command, argv in COMMANDS.items()}  # small, in case a bad value were let through
WITH_LANG = ["simulate", "sweep", "sensitivity", "compare"]
SWEEP = ["sweep", str(TAIYUAN), "--draws", "200"]
REQUIRE = ["require", str(TAIYUAN), "--draws", "200", "--param", PARAMETER]


def _bad_input(argv, tmp_path, capsys) -> str:
    """Run ``simulate`` with a bad argument: exit 2, no traceback, nothing written; its stderr."""
    out = tmp_path / "out"
    try:
        code = main([*argv, "--out", str(out)])
    except SystemExit as stop:  # argparse's own checks
        code = stop.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert not out.exists()
    return err


@pytest.mark.parametrize("option, value", [
    ("--keep", "bogus"), ("--keep", "FULL"), ("--keep", ""),
    ("--plateau", "2"), ("--plateau", "-0.1"), ("--plateau", "abc"), ("--plateau", "nan"),
    ("--plateau", "inf"), ("--plateau", ""),
])
def test_simulate_options_refuse_bad_values(option, value, tmp_path, capsys):
    err = _bad_input([*SIZED["simulate"], option, value], tmp_path, capsys)
    assert f"argument {option}:" in err


@pytest.mark.parametrize("command", WITH_LANG)
@pytest.mark.parametrize("language", ["fr", "EN", ""])
def test_lang_must_be_en_or_zh(command, language, tmp_path, capsys):
    err = _bad_input([*SIZED[command], "--lang", language], tmp_path, capsys)
    assert "argument --lang: invalid choice" in err


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_malformed_scheduler_address_is_refused(command, tmp_path, capsys):
    err = _bad_input([*SIZED[command], "--scheduler", "bogus"], tmp_path, capsys)
    assert "--scheduler: not a scheduler address" in err and "'bogus'" in err


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("option", ["--seed", "--out", "--scheduler"])
def test_an_option_without_its_value_is_refused(command, option, capsys):
    err = _refused([*COMMANDS[command], option], capsys)
    assert f"argument {option}: expected one argument" in err


@pytest.mark.parametrize("command", [*COMMANDS, "calibrate"])
@pytest.mark.parametrize("scenario, problem", [
    ("no_such_scenario.yaml", "file not found"), (".", "not a regular file")])
def test_a_scenario_that_is_not_a_file_is_named(command, scenario, problem, tmp_path, capsys):
    where = tmp_path / scenario
    argv = [str(where) if word == str(TAIYUAN) else word for word in COMMANDS.get(command, [])]
    if command == "calibrate":
        code = main(["calibrate", str(where)])  # calibrate has no --out: it writes a lock file
        err = capsys.readouterr().err
        assert code == 2 and "Traceback" not in err
        assert list(tmp_path.iterdir()) == []
    else:
        err = _bad_input([*argv, "--draws", "200"] if command != "sensitivity" else argv,
                         tmp_path, capsys)
    assert f"{where}: {problem}" in err


@pytest.mark.parametrize("command", [*COMMANDS, "calibrate"])
def test_a_missing_scenario_argument_is_refused(command, capsys):
    err = _refused([] if command == "simulate" else [command], capsys)
    assert "the following arguments are required:" in err


def test_calibrate_takes_no_run_options(capsys):
    err = _refused(["calibrate", str(TAIYUAN), "--draws", "200"], capsys)
    assert "unrecognized arguments: --draws 200" in err


# simulate sweep --set PATH=VALUES

@pytest.mark.parametrize("values, problem", [
    ("0.01:0.04:0", "N is 0, not from 2 to 10,000"),
    ("0.01:0.04:-3", "N is -3, not from 2 to 10,000"),
    ("0.01:0.04:1", "N is 1, not from 2 to 10,000"),
    ("0.01:0.04:100000000", "N is 100000000, not from 2 to 10,000"),  # refused, not allocated
    ("0.01:0.04:2.5", "N '2.5' is not a whole number"),
    ("0.01:0.04:four", "N 'four' is not a whole number"),
    ("0.01:0.04:", "N '' is not a whole number"),
    ("low:0.04:4", "START 'low' is not a number"),
    ("0.01:high:4", "STOP 'high' is not a number"),
    (":0.04:4", "START is missing"),
    ("0.01:inf:4", "STOP 'inf' is not a finite number"),
    ("nan:0.04:4", "START 'nan' is not a finite number"),
    ("0.01:0.04", "START:STOP:N has 3 parts, not 2"),
    ("0.01:0.04:4:5", "START:STOP:N has 3 parts, not 4"),
    ("low,high", "a value 'low' is not a number"),
    ("0.01,,0.03", "a value is missing"),
    (",", "a value is missing"),
    ("0.01,nan", "a value 'nan' is not a finite number"),
    ("1e400,0.02", "a value '1e400' is not a finite number"),
])
def test_set_values_that_cannot_be_read_name_the_problem(values, problem, tmp_path, capsys):
    setting = f"{PARAMETER}={values}"
    err = _bad_input([*SWEEP, "--set", setting], tmp_path, capsys)
    assert err.startswith("simulate sweep: error: --set: cannot read the values")
    assert problem in err and repr(setting) in err and "PATH=START:STOP:N" in err


@pytest.mark.parametrize("setting", ["energy", f"={PARAMETER}", "=0.01,0.02", f"{PARAMETER}=",
                                     f"{PARAMETER}=  "])
def test_set_without_path_and_values_is_refused(setting, tmp_path, capsys):
    err = _bad_input([*SWEEP, "--set", setting], tmp_path, capsys)
    assert "simulate sweep: error: --set: expected PATH=VALUES" in err and repr(setting) in err


@pytest.mark.parametrize("settings, problem", [
    (["nosuch.path=0.01,0.02"], "field 'nosuch.path': not a parameter of this scenario"),
    (["name=1,2"], "field 'name': not a parameter of this scenario"),
    (["base.direct_gas_share=0.2,0.3", "base.direct_gas_share=0.4"],
     "--set: base.direct_gas_share is given twice"),
    ([f"{PARAMETER}=0.02,0.02"], f"field '{PARAMETER}': a value is repeated"),
    ([f"{PARAMETER}=0.02:0.02:3"], f"field '{PARAMETER}': a value is repeated"),
    ([f"{PARAMETER}=5,6"], "looks like a percentage"),
    ([f"{PARAMETER}=0.01:0.04:200", "base.direct_gas_share=0.2:0.3:100"],
     "--set: the grid has 20,000 points"),
])
def test_set_paths_and_grids_are_checked_before_any_run(settings, problem, tmp_path, capsys):
    argv = [*SWEEP]
    for setting in settings:
        argv += ["--set", setting]
    assert problem in _bad_input(argv, tmp_path, capsys)


def test_sweep_needs_a_set(capsys):
    assert "required: --set" in _refused(SWEEP, capsys)


# simulate sensitivity --n --method --output

@pytest.mark.parametrize("options, problem", [
    (["--n", "0"], "argument --n: 0 is not allowed for sobol"),
    (["--n", "-4"], "argument --n: -4 is not allowed for sobol"),
    (["--n", "3"], "argument --n: 3 is not allowed for sobol; allowed: a power of two"),
    (["--n", "1.5"], "argument --n: invalid int value: '1.5'"),
    (["--n", "abc"], "argument --n: invalid int value: 'abc'"),
    (["--method", "morris", "--n", "1"], "argument --n: 1 is not allowed for morris"),
    (["--method", "bogus"], "argument --method: invalid choice: 'bogus'"),
    (["--output", "bogus"], "argument --output: invalid choice: 'bogus'"),
    (["--output", "peak_year", "peak_co2", "peak_year"],
     "argument --output: peak_year given twice"),
    (["--output"], "argument --output: expected at least one argument"),
    (["--draws", "200"], "unrecognized arguments: --draws 200"),  # its size is --n
])
def test_sensitivity_options_refuse_bad_values(options, problem, tmp_path, capsys):
    assert problem in _bad_input([*SIZED["sensitivity"], *options], tmp_path, capsys)


# simulate discover: the PRIM settings

@pytest.mark.parametrize("option, value, allowed", [
    ("--alpha", "0", "a fraction in (0, 0.5)"), ("--alpha", "0.5", "a fraction in (0, 0.5)"),
    ("--alpha", "abc", "a fraction in (0, 0.5)"), ("--alpha", "nan", "a fraction in (0, 0.5)"),
    ("--min-support", "0", "a fraction in (0, 1)"), ("--min-support", "1", "a fraction in (0, 1)"),
    ("--min-coverage", "0", "a fraction in (0, 1]"),
    ("--min-coverage", "1.1", "a fraction in (0, 1]"),
    ("--min-gain", "1", "a fraction in [0, 1)"), ("--min-gain", "-0.1", "a fraction in [0, 1)"),
    ("--min-gain", "inf", "a fraction in [0, 1)"),
    ("--boxes", "0", "a whole number >= 1"), ("--boxes", "-1", "a whole number >= 1"),
    ("--boxes", "1.5", "is not a whole number"), ("--boxes", "two", "is not a whole number"),
])
def test_discover_settings_refuse_values_out_of_range(option, value, allowed, tmp_path, capsys):
    message = _bad_input([*SIZED["discover"], option, value], tmp_path, capsys).splitlines()[-1]
    assert f"argument {option}:" in message and allowed in message and value in message


def test_discover_no_paste_takes_no_value(tmp_path, capsys):
    err = _bad_input([*SIZED["discover"], "--no-paste", "yes"], tmp_path, capsys)
    assert "unrecognized arguments: yes" in err


# simulate require --param --probability --range

@pytest.mark.parametrize("probability, problem", [
    ("0", "--probability: must be strictly between 0 and 1 (got 0.0)"),
    ("1", "--probability: must be strictly between 0 and 1 (got 1.0)"),
    ("-0.5", "--probability: must be strictly between 0 and 1 (got -0.5)"),
    ("90", "90 looks like a percentage: write 0.9"),
    ("nan", "--probability: must be strictly between 0 and 1 (got nan)"),
    ("inf", "--probability: must be strictly between 0 and 1 (got inf)"),
    ("abc", "argument --probability: invalid float value: 'abc'"),
])
def test_require_probability_must_be_a_fraction_strictly_inside_0_1(probability, problem,
                                                                      tmp_path, capsys):
    assert problem in _bad_input([*REQUIRE, "--probability", probability], tmp_path, capsys)


@pytest.mark.parametrize("search_range, problem", [
    ("0.06:0.02", "--range: LOW must be below HIGH (got '0.06:0.02')"),
    ("0.02:0.02", "--range: LOW must be below HIGH"),
    ("-0.02:-0.04", "--range: LOW must be below HIGH (got '-0.02:-0.04')"),  # LOW < 0 is read
    ("a:b", "--range: cannot read the range (got 'a:b')"),
    ("0.02", "--range: cannot read the range"),
    ("0.02:0.03:0.04", "--range: cannot read the range"),
    (":", "--range: cannot read the range"),
    ("nan:0.04", "--range: LOW and HIGH must be finite"),
    ("0.02:inf", "--range: LOW and HIGH must be finite"),
    ("-0.6:0.04", f"field '{PARAMETER}': out of range (got -0.6)"),
    ("2:3", "2 looks like a percentage"),
])
def test_require_range_must_be_two_numbers_low_below_high(search_range, problem, tmp_path,
                                                            capsys):
    argv = [*REQUIRE, "--probability", "0.9", "--range", search_range]
    assert problem in _bad_input(argv, tmp_path, capsys)


@pytest.mark.parametrize("argv, problem", [
    (["require", str(TAIYUAN), "--probability", "0.9"], "required: --param"),
    (["require", str(TAIYUAN), "--param", PARAMETER], "required: --probability"),
    ([*REQUIRE, "--probability", "0.9", "--range"], "argument --range: expected one argument"),
])
def test_require_needs_its_param_and_probability(argv, problem, capsys):
    assert problem in _refused(argv, capsys)


@pytest.mark.parametrize("path, problem", [
    ("nosuch.path", "field 'nosuch.path': not a parameter of this scenario"),
    ("region", "region is not a continuous number"),
])
def test_require_param_must_be_a_number_of_the_scenario(path, problem, tmp_path, capsys):
    argv = ["require", str(TAIYUAN), "--draws", "200", "--param", path, "--probability", "0.9"]
    assert problem in _bad_input(argv, tmp_path, capsys)


# simulate compare SCENARIO [SCENARIO ...]

@pytest.mark.parametrize("scenarios, problem", [
    ([str(TAIYUAN), str(TAIYUAN)], "field 'name': the file is given twice"),
    ([str(TAIYUAN), "no_such_scenario.yaml"], "no_such_scenario.yaml: file not found"),
])
def test_compare_checks_every_scenario_before_running_any(scenarios, problem, tmp_path, capsys):
    argv = ["compare", *scenarios, "--draws", "200"]
    assert problem in _bad_input(argv, tmp_path, capsys)
