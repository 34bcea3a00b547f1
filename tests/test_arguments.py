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
