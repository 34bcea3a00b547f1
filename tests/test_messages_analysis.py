"""The analysis, calibration, output, Monte Carlo and Dask messages come from the catalogues:
each error, the discovery and calibration reports and the progress bars read in Chinese with
``zh`` (Chinese characters, none of the English words of the same message) and exactly as
before in English."""

from __future__ import annotations

import re

import numpy as np
import pytest

import simulator
from calibration import fit, format_calibration
from calibration.fit import target_file
from calibration.report import lock_content
from conftest import minimal_scenario, write_scenario
from simulator.analysis import compare, discovery, effort, sensitivity, sweeps
from simulator.errors import InputError, OutputError, ScenarioError
from simulator.model.kernel import OUTPUT_NAMES
from simulator.montecarlo import simulate as montecarlo
from simulator.montecarlo import tasks
from simulator.report import files
from simulator.text import Message, catalogue

OUTPUTS = len(OUTPUT_NAMES)  # variables a draw keeps with --keep full

CJK = re.compile(r"[\u4e00-\u9fff]")
# a word: three letters or more, not part of a path, a field, an option or a number
WORD = r"(?<![\w.\-'/]){}(?![\w.\-'/])"
UNCERTAIN = {"parameters": [{"parameter": "paths.gdp_growth", "apply": "add",
                             "distribution": "normal", "sd": 0.005}]}


def words(text: str) -> set[str]:
    return set(re.findall(WORD.format("[A-Za-z]{3,}"), text))


def values_of(message) -> list[str]:
    """Every text among a Message's values (data shown as given: paths, names, reasons)."""
    found = []
    for value in message.values.values():
        found += values_of(value) if isinstance(value, Message) else [str(value)]
    return found


def english_words(*messages: Message, data: tuple[str, ...] = ()) -> set[str]:
    """The words the English entries write, not those of the values put in them (a reason in
    the operating system's or a library's words) or of other ``data`` shown as given."""
    shown = set().union(*(words(v) for m in messages for v in [*values_of(m), *data]))
    return set().union(*(words(str(m)) for m in messages)) - shown


def assert_chinese(chinese: str, english: set[str], kept: set[str] = frozenset()):
    """``chinese`` has Chinese characters and none of the ``english`` words but ``kept``."""
    assert CJK.search(chinese), chinese
    left = sorted(w for w in english - kept if re.search(WORD.format(re.escape(w)), chinese))
    assert left == [], f"English words {left} in: {chinese}"


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory):
    folder = tmp_path_factory.mktemp("messages")
    load = lambda name, **sections: simulator.load_scenario(  # noqa: E731
        write_scenario(folder, minimal_scenario(**sections), name))
    return {"plain": load("plain.yaml"), "uncertain": load("uncertain.yaml", uncertainty=UNCERTAIN),
            "folder": folder}


# -- errors -----------------------------------------------------------------------------------


def _raised(action):
    with pytest.raises((ValueError, TypeError, RuntimeError, OSError)) as caught:
        action()
    return caught.value


def _refused_folder(folder):
    blocker = folder / "a_file"
    blocker.write_text("not a folder", encoding="utf-8")
    files.write_results(blocker / "sub", {"a.json": files.json_writer({})})


# name -> (what raises it, how its English ends, words the Chinese keeps as written)
ERRORS = {
    "sweep": (lambda s: sweeps.grid_axes(s["uncertain"], {}),
              "nothing to sweep; allowed: at least one parameter path with its values", set()),
    "percentage": (lambda s: effort.check_probability(90),
                   "probability: must be strictly between 0 and 1; 90 looks like a percentage: "
                   "write 0.9 for 90 % (got 90); allowed: a fraction in (0, 1), e.g. 0.9 for "
                   "90 %", set()),
    "method": (lambda s: sensitivity.sensitivity(s["uncertain"], method="fast"),
               "method must be one of ('sobol', 'morris'), got 'fast'", {"method"}),
    "twice": (lambda s: compare.check_scenarios([s["uncertain"], s["uncertain"]]),
              "field 'name': the file is given twice (got 'minimal'); allowed: scenarios with "
              "distinct names, each file once", set()),
    "setting": (lambda s: discovery.check_setting("alpha", 0.7),
                "alpha must be a fraction in (0, 0.5), e.g. 0.05, got 0.7", set()),
    "prim_data": (lambda s: discovery.prim(np.zeros((3, 2)), np.zeros(3), "ab"),
                  "y must be a bool array of length 3, got float64 (3,)", set()),
    "targets": (lambda s: target_file(s["plain"]),
                "field 'calibration.targets': no target file named; allowed: a path such as "
                "../calibration/targets/taiyuan.yaml", set()),
    "output": (lambda s: _refused_folder(s["folder"]),
               "output folder cannot be created or written: Not a directory; allowed: a "
               "writable folder with free space (--out DIR)", {"DIR"}),
    "full": (lambda s: montecarlo.check_full_fits(10**6, 40, memory_bytes=2**30),
             f"--keep: full trajectories of 1,000,000 draws need about "
             f"{10**6 * OUTPUTS * 40 * 8 / 2**30:.1f} GiB ({OUTPUTS} variables x "
             "40 years x 8 bytes a draw), more than 50% of this machine's 1.0 GiB (got 'full'); "
             "allowed: --keep summary (per-draw summaries: memory grows with draws only), or at "
             f"most {2**29 // (OUTPUTS * 40 * 8):,} draws with --keep full",
             {"GiB", "summary", "full"}),
    "chunk": (lambda s: montecarlo.draw_chunks(0, 10, 0),
              "chunk_draws must be a positive whole number, got 0", set()),
    "scheduler": (lambda s: tasks.run_tasks(len, [], "tcp://nohost:notaport"),
                  "(got 'tcp://nohost:notaport'); allowed: the address of a running Dask "
                  "scheduler, e.g. tcp://host:8786 (the one 'dask scheduler' prints), or "
                  "'processes' for a cluster of processes on this machine", {"Dask", "tcp"}),
    "progress": (lambda s: tasks.progress_bar(1, "x", "y", "fr"),
                 "progress must be True, False, None or a language code (en, zh), got 'fr'",
                 {"progress", "True", "False", "None"}),
}


def _messages(err) -> tuple[str, str, set[str]]:
    """(English, Chinese, English words of our entries) of an error."""
    if isinstance(err, InputError):
        ours = [m for m in (err.problem, err.allowed) if isinstance(m, Message)]
        return str(err), err.message("zh"), english_words(*ours, data=(repr(err.value),))
    message = err.strerror if isinstance(err, OSError) else err.args[0]
    assert isinstance(message, Message), f"{type(err).__name__} in English: {err}"
    return str(err), message.render("zh"), english_words(message)


@pytest.mark.parametrize("name", list(ERRORS))
def test_an_error_reads_in_chinese_and_as_before_in_english(name, scenarios):
    action, english, kept = ERRORS[name]
    err = _raised(lambda: action(scenarios))
    said, chinese, english_words_ = _messages(err)
    assert said.endswith(english)  # the English as it was (after the file's name)
    assert english_words_, "the check needs English words to look for"
    assert_chinese(chinese, english_words_, kept)


def test_the_errors_are_of_their_documented_kinds(scenarios):
    kinds = {"sweep": InputError, "targets": ScenarioError, "output": OutputError,
             "setting": ValueError, "method": ValueError, "scheduler": InputError}
    for name, kind in kinds.items():
        action = ERRORS[name][0]
        assert isinstance(_raised(lambda: action(scenarios)), kind), name  # noqa: B023


# -- the progress bars ------------------------------------------------------------------------


def test_progress_bar_labels_read_in_the_language_asked():
    what, unit = Message("progress.monte_carlo"), Message("progress.draws")
    for show, desc, shown_unit in [(True, "Monte Carlo", " draws"), ("en", "Monte Carlo", " draws"),
                                   ("zh", "蒙特卡洛模拟", " 次抽样")]:
        with tasks.progress_bar(10, what, unit, show) as bar:
            assert (bar.desc, bar.unit, bar.disable) == (desc, shown_unit, False)
    for show in (False, None):
        with tasks.progress_bar(10, what, unit, show) as bar:
            assert bar.disable
    english, chinese = catalogue("en"), catalogue("zh")
    labels = [key for key in english if key.startswith("progress.")]
    assert len(labels) == 9
    for key in labels:
        assert_chinese(chinese[key], words(english[key]))


# -- format_discovery --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def found():
    """A discovery over made-up draws: two boxes, conditions of every kind, shocks."""
    rng = np.random.default_rng(2)
    X = rng.uniform(size=(400, 4))
    y = rng.uniform(size=400) < 0.2 + 0.6 * (X[:, 1] > 0.7)
    parameters = (discovery.Parameter("base.direct_oil_share", "set", "1", 0.15),
                  discovery.Parameter("paths.gdp_growth", "add", "1/yr", 0.05, 2030),
                  discovery.Parameter("base.ccus", "multiply", "万t CO2", -2.0),
                  discovery.Parameter("paths.x.values.2030", "add", "万kW", 10.0))
    result = discovery.prim(X, y, [p.name for p in parameters], boxes=3, min_gain=0.0)
    shocks = discovery.ShockContext(("gdp_growth",), 0.1, 0.2, (0.3,) * len(result.boxes))
    return discovery.Discovery("synth", "Taiyuan", "synth.yaml", "0" * 64, 400, 2, "random", None,
                               parameters, result, shocks)


def test_format_discovery_reads_in_chinese(found):
    english, chinese = discovery.format_discovery(found), discovery.format_discovery(found, "zh")
    data = words(" ".join([found.scenario, found.region, found.sampling]))
    assert_chinese(chinese, words(english) - data, kept={"PRIM", "alpha"})
    assert "太原" in chinese and "paths.gdp_growth" in chinese  # region in words, paths as given
    conditions = [p.condition(0.1, np.inf, "zh") for p in found.parameters]
    assert all(CJK.search(c) for c in conditions[1:])  # set: a bare inequality


def test_format_discovery_english_is_unchanged(found):
    english = discovery.format_discovery(found)
    assert english == discovery.format_discovery(found, "en")
    lines = english.splitlines()
    assert lines[0] == ("Scenario discovery for synth (Taiyuan): CO2 does not peak by 2030 "
                        "(peak_year > 2030)")
    assert lines[2] == (
        "PRIM: peel alpha 0.05, min support 0.05; reported box: highest density with coverage "
        ">= 0.5 (ties within 0.01: most coverage), pasting on, limits dropped when they add "
        "<= 0.01 density, at most 3 conditions.")
    assert lines[4].startswith("Box 1: ") and "  if  paths.gdp_growth shift >= " in english
    assert "Yearly AR(1) shocks on gdp_growth are not in the rules." in english
    assert found.parameters[2].condition(0.5, 1.0) == \
        "-2 <= base.ccus <= -1 万t CO2 (nominal -2; 0.5 <= factor <= 1)"
    assert discovery.discovery_json(found)["outcome"] == discovery.OUTCOME


# -- format_calibration ------------------------------------------------------------------------

PLAN = """
region: Testland
plan: a constructed plan
seed: none.txt
targets:
  - {id: energy_intensity, name_zh: 单位GDP能源消费量, name_en: energy intensity, unit: 吨标准煤/万元,
     kind: level, targets: {2025: 0.45}, numeric: true, modelled: true,
     model: {variable: energy_intensity}, quote: "0.45"}
  - {id: co2_intensity, name_zh: 单位GDP二氧化碳排放量, name_en: CO2 intensity, unit: 吨/万元,
     kind: level, targets: {2025: 0.5}, numeric: true, modelled: true,
     model: {variable: co2_intensity}, quote: "0.5"}
  - {id: peak, name_zh: 碳达峰, name_en: peak, unit: null, kind: peak, targets: {2030: 达峰},
     numeric: false, modelled: true, model: {measure: peak_by}, quote: 达峰}
"""


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    """Two targets no parameter set meets together (as in test_calibration)."""
    folder = tmp_path_factory.mktemp("calibration")
    data = minimal_scenario(
        paths={"gdp_growth": {"fill": "step", "values": {2023: 0.05}},
               "energy_intensity_decline": {"fill": "step", "values": {2023: 0.03}},
               "renewable_capacity": {"fill": "linear", "values": {2025: 200.0}}},
        calibration={"targets": "targets.yaml", "free": [
            "paths.energy_intensity_decline.values.2023",
            "paths.renewable_capacity.values.2025"]})
    path = write_scenario(folder, data)
    (folder / "targets.yaml").write_text(PLAN, encoding="utf-8")
    return fit(simulator.load_scenario(path))


def test_format_calibration_reads_in_chinese(calibrated):
    english = format_calibration(calibrated, "x.lock.yaml")
    chinese = format_calibration(calibrated, "x.lock.yaml", "zh")
    s, plan = calibrated.scenario, calibrated.targets
    data = words(" ".join([s.name, s.region, plan.plan, str(plan.path),
                           *(r.target_id for r in calibrated.rows)]))
    assert_chinese(chinese, words(english) - data, kept={"CEADs"})
    assert "相互冲突" in chinese and "2030年前达峰" in chinese


def test_format_calibration_english_and_the_lock_are_unchanged(calibrated):
    english = format_calibration(calibrated, "x.lock.yaml")
    assert english == format_calibration(calibrated, "x.lock.yaml", "en")
    lines = english.splitlines()
    assert lines[1] == "  plan: a constructed plan (none.txt)"
    assert lines[3] == "Targets the model represents (residual = (model - plan) / plan):"
    assert lines[4].split() == ["target", "year", "plan", "model", "residual", "status"]
    assert "  peak: the peak test on the calibrated deterministic path; not fitted" in lines
    assert ("Conflicting targets: no admissible parameter set meets them together (each can be "
            "met alone):") in lines
    assert "Qualitative (0): " in lines and lines[-1] == "Written: x.lock.yaml"
    assert lines[-2] == ("Result: 0 met, 0 beyond the plan (better than its number), 2 "
                         "conflicting, 0 missed, 0 not modelled, 0 qualitative. CO2 peak by "
                         "2030: met (peak in 2022).")
    residuals = {r["id"]: r for r in lock_content(calibrated)["residuals"]}
    assert residuals["peak"]["plan"] == "peak by 2030" and residuals["peak"]["model"] == \
        "peak in 2022"
