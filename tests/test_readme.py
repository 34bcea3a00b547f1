"""The README tells the truth: its set-up commands are the ones CI runs, its sample is real output."""

import re
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
    (folder / "scenarios").mkdir()
    for path in (REPO / "scenarios").glob("*.yaml"):
        (folder / "scenarios" / path.name).write_bytes(path.read_bytes())
    return folder
