"""The ``simulate`` command as a user runs it: a real subprocess of the installed console script."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import simulator
from simulator.model.kernel import OUTPUT_NAMES

from conftest import TAIYUAN, minimal_scenario, needs_cjk_font

SIMULATE = Path(sys.executable).parent / "simulate"


def simulate(*args, cwd=None):
    return subprocess.run([str(SIMULATE), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def taiyuan_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("taiyuan")
    return simulate(TAIYUAN, "--out", out), out


RUN_FILES = ["ensemble.nc", "fan_chart.png", "iamc.csv", "peak_year.png", "projection.nc",
             "report.html", "summary.json", "targets.png"]


def test_run_exits_0_and_writes_every_file_of_the_contract(taiyuan_run):
    result, out = taiyuan_run
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == RUN_FILES
    written = result.stdout.split("Written:\n", 1)[1].splitlines()
    assert sorted(written) == sorted(f"  {out / name}" for name in RUN_FILES)


def test_report_html_names_the_command_and_seed_that_reproduce_it(taiyuan_run):
    _, out = taiyuan_run
    html = (out / "report.html").read_text(encoding="utf-8")
    assert f"simulate {TAIYUAN} --draws 100000 --seed 2030" in html


def test_summary_targets_carry_the_plans_own_words(taiyuan_run):
    _, out = taiyuan_run
    targets = json.loads((out / "summary.json").read_text(encoding="utf-8"))["targets"]
    by_id = {t["id"]: t for t in targets}
    intensity = by_id["energy_intensity"]
    assert intensity["name_zh"] == "单位GDP能源消费量"
    assert intensity["quote"] == "单位GDP能源消费量 | 吨标准煤/ 万元(不变 价) | 0.601 | 0.559 | 0.503"
    assert intensity["source"]["seed"] == "000_703766b93cbdd912.txt"
    assert {t["variable"] for t in targets} == {"energy_intensity", "co2_intensity",
                                                "non_fossil_share", "renewable_capacity",
                                                "electricity_share_final"}


@needs_cjk_font
def test_chinese_run_draws_its_charts_in_chinese(tmp_path):
    result = simulate(TAIYUAN, "--draws", "2000", "--lang", "zh", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Glyph" not in result.stderr  # matplotlib's warning for a character it cannot draw
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'lang="zh' in html and "--lang zh" in html


def test_chinese_without_a_chinese_font_is_bad_input(monkeypatch, capsys):
    from simulator import cli
    from simulator.cli import options
    from simulator.errors import InputError

    def no_font():
        raise InputError("--lang", None, "no installed font has Chinese characters", value="zh")
    monkeypatch.setattr(options, "chinese_font", no_font)
    with pytest.raises(SystemExit) as stop:
        cli.main([str(TAIYUAN), "--lang", "zh"])
    assert stop.value.code == 2
    assert "no installed font has Chinese characters" in capsys.readouterr().err


def test_summary_follows_the_output_contract(taiyuan_run):
    _, out = taiyuan_run
    info = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    projection = simulator.project(simulator.load_scenario(TAIYUAN))
    assert info["scenario"] == "taiyuan_base" and info["region"] == "Taiyuan"
    assert (info["base_year"], info["end_year"]) == (2022, 2060)
    assert info["version"] == simulator.__version__
    det = info["deterministic"]
    assert det["peak_year"] == simulator.peak_year(projection.co2)
    assert det["unit"] == "万t"
    assert list(det["co2"]) == [str(y) for y in range(2022, 2061)]
    np.testing.assert_allclose(list(det["co2"].values()), projection.co2.values, rtol=1e-15)


def test_netcdf_holds_the_projection_with_units(taiyuan_run):
    _, out = taiyuan_run
    expected = simulator.project(simulator.load_scenario(TAIYUAN))
    with xr.open_dataset(out / "projection.nc") as stored:
        xr.testing.assert_allclose(stored, expected)
        assert stored.co2.attrs["units"] == "万t"
        assert stored.attrs["scenario"] == "taiyuan_base"


def test_report_shows_table_units_and_the_peak_answer(taiyuan_run):
    result, _ = taiyuan_run
    report = result.stdout
    for year in (2022, 2025, 2030, 2035, 2040, 2050, 2060):
        assert f"\n{year} " in report
    for unit in ("亿元", "万tce", "tce/万元", "万kW", "Mt", "t/万元", "%"):
        assert unit in report
    peak = json.loads((taiyuan_run[1] / "summary.json").read_text())["deterministic"]["peak_year"]
    assert f"CO2 peaks in {peak}" in report


def test_default_output_folder_is_results_slash_name(tmp_path):
    result = simulate(TAIYUAN, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "results" / "taiyuan_base" / "summary.json").is_file()


def test_bad_input_exits_2_and_keeps_the_earlier_result(tmp_path, scenario_file):
    out = tmp_path / "out"
    assert simulate(TAIYUAN, "--out", out).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = scenario_file(minimal_scenario(base={"direct_oil_share": 81}))
    result = simulate(bad, "--out", out)
    assert result.returncode == 2
    assert "base.direct_oil_share" in result.stderr and "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_unwritable_output_folder_exits_2(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    result = simulate(TAIYUAN, "--out", blocker / "sub")
    assert result.returncode == 2
    assert "output folder" in result.stderr and "Traceback" not in result.stderr


def test_unknown_option_exits_2():
    result = simulate(TAIYUAN, "--no-such-option")
    assert result.returncode == 2 and "unrecognized arguments" in result.stderr


def test_scenario_without_uncertainty_writes_the_deterministic_files(tmp_path, scenario_file):
    result = simulate(scenario_file(minimal_scenario()), "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "fan_chart.png", "iamc.csv", "projection.nc", "report.html", "summary.json"]
    iamc = (tmp_path / "out" / "iamc.csv").read_text(encoding="utf-8")
    assert "Emissions|CO2," in iamc and "Percentile" not in iamc


def test_full_trajectories_that_cannot_fit_are_refused_up_front(tmp_path):
    # 10^8 draws x every output x 39 years x 8 bytes (hundreds of GiB): refused before any
    # allocation
    result = simulate(TAIYUAN, "--keep", "full", "--draws", "100000000", "--out", tmp_path / "o")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    need = 10**8 * len(OUTPUT_NAMES) * 39 * 8 / 2**30
    assert f"full trajectories of 100,000,000 draws need about {need:.1f} GiB" in result.stderr
    assert "--keep summary" in result.stderr
    assert not (tmp_path / "o").exists()


def test_the_full_trajectory_limit_is_half_the_memory():
    from simulator.errors import InputError
    from simulator.montecarlo.simulate import check_full_fits

    per_draw = len(OUTPUT_NAMES) * 39 * 8  # every output variable, 39 years, 8 bytes
    check_full_fits(1000, 39, memory_bytes=2 * 1000 * per_draw)  # exactly half: allowed
    with pytest.raises(InputError) as refused:
        check_full_fits(1001, 39, memory_bytes=2 * 1000 * per_draw)
    assert refused.value.field is None and refused.value.file == "--keep"
    assert "or at most 1,000 draws with --keep full" in str(refused.value)
