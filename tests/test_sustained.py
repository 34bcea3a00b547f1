"""The sustained peak (``--sustained X``): CO2 peaks by 2030 and is at least X below its peak
in 2035, with its own probability; counted on a hand-made ensemble and asked for from the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from simulator.errors import InputError
from simulator.montecarlo.peak import sustained_summary

from conftest import TAIYUAN, minimal_scenario

SIMULATE = Path(sys.executable).parent / "simulate"


def ensemble(peak_year, peak_co2, co2_2035):
    return xr.Dataset({"peak_year": ("draw", peak_year), "peak_co2": ("draw", peak_co2),
                       "co2": (("draw", "year"), np.column_stack([peak_co2, co2_2035]))},
                      coords={"year": [2030, 2035]})


def test_a_draw_counts_when_it_peaks_by_2030_and_2035_is_far_enough_below():
    runs = ensemble(peak_year=[2025, 2025, 2025, 2040, 2030],
                    peak_co2=[100.0, 100.0, 100.0, 100.0, 100.0],
                    co2_2035=[95.0, 95.1, 80.0, 50.0, 100.0])
    s = sustained_summary(runs, drop=0.05)
    # draw 0: exactly 5 % below (counts); 1: 4.9 % (no); 2: yes; 3: peaks in 2040 (no); 4: flat
    assert s["probability"] == pytest.approx(2 / 5)
    assert s["ci95"][0] < 0.4 < s["ci95"][1]
    assert (s["year"], s["by_year"], s["drop"]) == (2035, 2030, 0.05)
    assert sustained_summary(runs, drop=0.0)["probability"] == pytest.approx(4 / 5)


def test_a_horizon_without_2035_is_refused_naming_the_option():
    runs = ensemble([2025], [100.0], [90.0]).sel(year=[2030])
    with pytest.raises(InputError, match="--sustained"):
        sustained_summary(runs, drop=0.05)


def test_simulate_reports_the_sustained_peak_and_keeps_it(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run([str(SIMULATE), str(TAIYUAN), "--draws", "2000", "--sustained",
                             "0.05", "--out", str(out)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    info = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    sustained = info["peak"]["sustained"]
    assert 0.0 < sustained["probability"] < info["peak"]["probability"]
    assert "in 2035 is at least 5% below its peak" in result.stdout
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "--sustained 0.05" in page
    assert "A sustained peak: CO2 peaks by 2030 and in 2035 is at least 5.0\u00a0% below" in page


def test_a_sustained_peak_beyond_the_horizon_exits_2(scenario_file, tmp_path):
    short = scenario_file(minimal_scenario(end_year=2032, uncertainty={"parameters": [
        {"parameter": "paths.gdp_growth", "distribution": "normal", "sd": 0.01}]}))
    result = subprocess.run([str(SIMULATE), str(short), "--draws", "100", "--sustained", "0.05",
                             "--out", str(tmp_path / "out")], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 2
    assert "--sustained" in result.stderr and "2035" in result.stderr
    assert "Traceback" not in result.stderr
