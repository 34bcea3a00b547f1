"""The README tells the truth: its set-up and docs commands are the ones CI runs, its sample is
real output, its links lead somewhere; and it stays a front page."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    return README.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_exactly_two_setup_commands_and_ci_runs_the_test_one():
    commands = re.findall(r"```bash\n(.*?)\n```", _section("Set up"), flags=re.S)
    assert len(commands) == 2
    run, test = commands
    assert run.endswith("simulate scenarios/taiyuan_base.yaml")
    assert test.endswith("pytest")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    install = test.rsplit(" && pytest", 1)[0]
    assert install in ci and "\npytest\n" in ci


def test_the_docs_command_is_the_one_ci_runs():
    commands = re.findall(r"```bash\n(.*?)\n```", _section("Documentation"), flags=re.S)
    assert len(commands) == 1
    (command,) = commands
    assert "sphinx-build -W" in command and "-b doctest" in command and "-b html" in command
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert command in ci


def test_the_readme_is_a_front_page_whose_links_lead_somewhere():
    assert len(README.splitlines()) <= 200
    links = re.findall(r"\]\(((?:docs|scenarios)/[^)#]+)", README)
    assert len(links) >= 9
    for link in links:
        assert (REPO / link).is_file(), link


def test_sample_report_is_what_simulate_prints(tmp_path):
    sample = re.search(r"```\n\$ simulate scenarios/taiyuan_base.yaml\n(.*?)\n```",
                       _section("What `simulate` prints"), flags=re.S).group(1)
    simulate = Path(sys.executable).parent / "simulate"
    result = subprocess.run([str(simulate), "scenarios/taiyuan_base.yaml", "--out",
                             "results/taiyuan_base"], cwd=_copy_scenarios(tmp_path),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == sample.strip()


def _copy_scenarios(folder: Path) -> Path:
    """The scenarios with their locks and the target files the locks were fitted to."""
    shutil.copytree(REPO / "scenarios", folder / "scenarios")
    shutil.copytree(REPO / "calibration" / "targets", folder / "calibration" / "targets")
    return folder


def test_regions_table_matches_the_calibrated_base_scenarios():
    import simulator
    from simulator.report.summary import WAN_T_PER_MT

    table = _section("Five plans: does meeting the targets make CO2 peak by 2030?")
    rows = re.findall(r"^\| (\w+) \| `scenarios/(\w+)\.yaml` \| (\d{4}) \| ([\d.,]+) \| (\d{4}) "
                      r"\| ([\d.,]+) \| (yes|no) \| ([\d.]+) % \(([\d.]+)-([\d.]+) %\) \|",
                      table, flags=re.M)
    assert len(rows) == 5
    for _, name, base_year, base_mt, peak, mt_2030, verdict, p, low, high in rows:
        scenario = simulator.load_scenario(REPO / "scenarios" / f"{name}.yaml")
        projection = simulator.project(scenario)
        co2_mt = projection.co2 / WAN_T_PER_MT
        assert int(base_year) == int(projection.year[0])
        assert float(base_mt.replace(",", "")) == round(float(co2_mt[0]), 1)
        assert int(peak) == simulator.peak_year(projection.co2)
        assert float(mt_2030.replace(",", "")) == round(float(co2_mt.sel(year=2030)), 1)
        assert verdict == ("yes" if int(peak) <= 2030 else "no")
        summary = simulator.peak_summary(simulator.simulate(scenario, draws=100_000, seed=2030))
        shown = [round(100 * v, 1) for v in (summary["probability"], *summary["ci95"])]
        assert [float(p), float(low), float(high)] == shown
