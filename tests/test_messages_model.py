"""The model's errors read in the language asked: a bad scenario, lock or target file gives a
``ScenarioError`` whose ``message("zh")`` is Chinese, with none of the English words of that
error left in it, while ``str(err)`` stays the English it always was (the words come from the
catalogues' ``[error.scenario]``, ``[error.field]``, ``[error.check]``, ... tables).

Each case builds one bad input in a temporary folder and returns the error; ``{file}`` in its
English stands for the file the error names.
"""

from __future__ import annotations

import re

import pytest
import yaml

import simulator
from simulator import ScenarioError
from simulator.model.targets import load_targets
from simulator.text import Message

from conftest import minimal_scenario, write_scenario

# the words of the frame (field, got, allowed) and of common problems, in English
FRAME_WORDS = ("allowed", "got", "must", "missing", "field")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def loading(data: dict):
    """A case: load the scenario ``data``; the error and the file it is in."""
    def build(folder):
        path = write_scenario(folder, data)
        with pytest.raises(ScenarioError) as info:
            simulator.load_scenario(path)
        return info.value, path
    return build


def projecting(data: dict):
    """A case: a scenario that loads but whose projection fails."""
    def build(folder):
        path = write_scenario(folder, data)
        with pytest.raises(ScenarioError) as info:
            simulator.project(simulator.load_scenario(path))
        return info.value, path
    return build


def yaml_text(text: str):
    def build(folder):
        path = folder / "scenario.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ScenarioError) as info:
            simulator.load_scenario(path)
        return info.value, path
    return build


def stale_lock(folder):
    path = write_scenario(folder, minimal_scenario())
    lock = folder / "scenario.lock.yaml"
    lock.write_text(yaml.safe_dump({"scenario": path.name, "targets": [],
                                    "inputs_sha256": "0" * 64, "values": {}}), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        simulator.load_scenario(path)
    return info.value, lock


def target_file_without_plan(folder):
    path = folder / "targets.yaml"
    path.write_text("region: Testland\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_targets(path)
    return info.value, path


def without(key: str) -> dict:
    data = minimal_scenario()
    del data[key]
    return data


def uncertain(*entries, correlations=()) -> dict:
    return minimal_scenario(uncertainty={"parameters": list(entries),
                                         "correlations": list(correlations)})


def sd(parameter: str, value: float) -> dict:
    return {"parameter": parameter, "distribution": "normal", "sd": value}


def rho(a: str, b: str, value: float) -> dict:
    return {"between": [a, b], "rho": value}


SCENARIO_KEYS = ("gdp, energy_intensity, final_energy_share, electricity_share_final, "
                 "net_electricity_exports, renewable_capacity, full_load_hours, "
                 "other_non_fossil_generation, gas_power_share, coal_power_supply_rate, "
                 "gas_power_supply_rate, coal_equivalent_rate, other_non_fossil_energy, "
                 "direct_oil_share, direct_gas_share, coal_power_capacity, other_capacity, "
                 "process_emissions, ccus")
MINIMAL_YAML = yaml.safe_dump(minimal_scenario(), sort_keys=False)
AFTER_MINIMAL = MINIMAL_YAML.count("\n") + 1  # the line of a key appended to it


def stepping(name: str, year: int, value: float) -> dict:
    """The minimal scenario with ``paths.<name>`` stepping to ``value`` in ``year``."""
    return minimal_scenario(paths={name: {"fill": "step", "values": {year: value}}})


BALANCE_ALLOWED = ("allowed: a balance that closes every year: electricity demand x "
                   "coal-equivalent rate + other non-fossil energy within total energy use "
                   "(lower electricity_share_final or final_energy_share), direct_oil_share + "
                   "direct_gas_share <= 1, and imports below demand")
BALANCE_WORDS = ("a balance", "closes", "every year", "demand", "coal-equivalent rate",
                 "non-fossil", "total energy", "lower", "imports below", "affected", "first")

# id, the bad input, its English message, English words of it that Chinese must not keep
CASES = [
    ("unknown field, did you mean", loading(minimal_scenario(base={"direct_oil_shar": 0.15})),
     "{file}: field 'base.direct_oil_shar': unknown field in 'base'; did you mean "
     f"'direct_oil_share' or 'direct_gas_share'?; allowed: {SCENARIO_KEYS}",
     ("unknown", "did you mean", " or ")),
    ("a percentage for a share", loading(minimal_scenario(base={"direct_oil_share": 81})),
     "{file}: field 'base.direct_oil_share': out of range; 81 looks like a percentage: write 0.81 "
     "for 81 % (got 81); allowed: a number in [0, 1] (a fraction: write 0.04 for 4 %)",
     ("out of range", "looks like", "percentage", "write", "a number", "fraction")),
    ("wrong type", loading(minimal_scenario(base_year="2022")),
     "{file}: field 'base_year': wrong type: expected a whole number (got '2022'); allowed: "
     "a whole number in [1990, 2100] yr",
     ("wrong type", "expected", "whole number", "in [")),
    ("required field not set", loading(without("region")),
     "{file}: field 'region': missing required field; allowed: a text string: Region the "
     "scenario describes (e.g. Taiyuan).",
     ("required", "text string")),
    ("end before base year", loading(minimal_scenario(end_year=2020)),
     "{file}: field 'end_year': must be after base_year 2022 (got 2020); allowed: a year > 2022",
     ("after", "a year")),
    ("unknown fill rule", loading(minimal_scenario(paths={"direct_gas_share": {
        "fill": "cubic", "values": {2030: 0.5}}})),
     "{file}: field 'paths.direct_gas_share.fill': unknown fill rule (got 'cubic'); allowed: "
     "'step' "
     "(a value holds from its key year on) or 'linear' (interpolate between keys)",
     ("unknown", "fill rule", "holds from", "interpolate", " or ")),
    ("duplicate YAML key", yaml_text(MINIMAL_YAML + "name: again\n"),
     f"{{file}}: YAML syntax error at line {AFTER_MINIMAL}, column 1: duplicate key 'name'",
     ("syntax error", "line", "column", "duplicate")),
    ("negative standard deviation", loading(uncertain(sd("base.gdp", -1))),
     "{file}: field 'uncertainty.parameters[0].sd': a standard deviation cannot be negative "
     "(got -1.0); allowed: mean + sd z; mean defaults to 0 (add) or 1 (multiply); sd >= 0",
     ("standard deviation", "cannot", "negative", "defaults")),
    ("inconsistent correlations", loading(uncertain(
        sd("base.gdp", 1), sd("base.direct_oil_share", 0.01),
        sd("base.direct_gas_share", 0.01),
        correlations=[rho("base.gdp", "base.direct_oil_share", 0.9),
                      rho("base.direct_oil_share", "base.direct_gas_share", 0.9),
                      rho("base.gdp", "base.direct_gas_share", -0.9)])),
     "{file}: field 'uncertainty.correlations': the correlations are not consistent with each "
     "other (matrix not positive semi-definite) (got -0.8); allowed: a set of pairwise "
     "correlations whose matrix has no negative eigenvalue; weaken the strongest pairs",
     ("correlations", "consistent", "matrix", "eigenvalue", "weaken")),
    ("not a parameter", loading(minimal_scenario(calibration={"free": ["base.oil_share"]})),
     "{file}: field 'base.oil_share': not a parameter of this scenario (got 'base.oil_share'); "
     "allowed: close matches: base.direct_oil_share, base.gas_power_share, "
     "base.final_energy_share, base.direct_gas_share",
     ("not a parameter", "scenario", "close matches")),
    ("target file not found", loading(minimal_scenario(calibration={"targets": "none.yaml"})),
     "{file}: field 'calibration.targets': target file not found (got 'none.yaml'); allowed: "
     "a path to a plan target file, relative to this file (e.g. "
     "../calibration/targets/taiyuan.yaml)",
     ("target file", "not found", "relative to", "a path")),
    ("direct oil + gas over one at load", loading(minimal_scenario(base={
        "direct_oil_share": 0.8, "direct_gas_share": 0.3})),
     "{file}: field 'base.direct_oil_share': direct oil and gas shares sum to 1.1, leaving "
     "negative direct coal use (got 0.8); allowed: direct_oil_share + direct_gas_share <= 1 "
     "(direct_gas_share is 0.3)",
     ("direct oil", "gas shares", "sum to", "leaving", "negative", "coal use")),
    ("no room for direct fossil use", projecting(stepping("electricity_share_final", 2030, 0.7)),
     "{file}: field 'paths.electricity_share_final': in 2030 electricity and non-fossil energy "
     "leave no room for direct fossil use: it would be -106.0 万tce of 579.0 万tce energy use "
     f"(11 year(s) affected, first 2030) (got 0.7); {BALANCE_ALLOWED}",
     ("electricity and", "no room", "direct fossil use", "would be", "energy use",
      *BALANCE_WORDS)),
    ("direct oil + gas over one in a path", projecting(stepping("direct_oil_share", 2030, 0.95)),
     "{file}: field 'paths.direct_oil_share': in 2030 the direct oil share 0.9500 + direct gas "
     "share 0.1000 exceed one (11 year(s) affected, first 2030) (got 0.95); "
     f"{BALANCE_ALLOWED}",
     ("direct oil share", "direct gas share", "exceed one", *BALANCE_WORDS)),
    ("imports above demand", projecting(stepping("net_electricity_exports", 2030, -200.0)),
     "{file}: field 'paths.net_electricity_exports': in 2030 net imports of 200.0 亿kWh "
     "(net exports of -200.0) exceed the electricity demand of 82.4 亿kWh (11 year(s) "
     f"affected, first 2030) (got -200.0); {BALANCE_ALLOWED}",
     ("net imports", "net exports", "exceed", "electricity demand", *BALANCE_WORDS)),
    ("stale lock", stale_lock,
     "{file}: field 'inputs_sha256': calibration lock is stale: the scenario, a parent or the "
     "target file changed since it was written; allowed: refresh it with: simulate calibrate "
     "{scenario}",
     ("lock", "stale", "changed since", "refresh it")),
    ("target file without a key", target_file_without_plan,
     "{file}: field 'plan': missing; allowed: region, plan, seed, targets",
     ()),
]


@pytest.mark.parametrize("build, english, words", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_a_model_error_reads_in_chinese_and_stays_english(tmp_path, build, english, words):
    err, file = build(tmp_path)
    expected = english.format(file=file, scenario=tmp_path / "scenario.yaml")
    assert str(err) == expected and err.message("en") == expected
    chinese = err.message("zh")
    assert CHINESE.search(chinese), chinese
    assert chinese.startswith(str(file)), chinese
    words_only = chinese.replace(str(file), "").replace(f"'{err.field}'", "")  # data, not words
    left = [w for w in (*FRAME_WORDS, *words) if w in words_only]
    assert left == [], f"English left in {chinese!r}"
    # the problem and what is allowed are catalogue entries, and Chinese ones
    for part in (err.problem, err.allowed):
        if part is not None and not (isinstance(part, str) and ", " in part):  # names only
            assert isinstance(part, Message), part
            assert part.render("zh") != part.render("en"), part


def test_the_distribution_rules_are_the_docs_words():
    """The docs' distribution table shows, in English, the rule an error gives as allowed."""
    from simulator.model.uncertainty import DISTRIBUTIONS

    for d in DISTRIBUTIONS.values():
        assert d.description == d.rule.render("en") != d.rule.render("zh")


def test_a_fields_allowed_words_are_english_in_the_docs_and_chinese_in_errors():
    from simulator.model.schema import FIELDS_BY_PATH
    from simulator.model.schema_doc import schema_markdown

    share = FIELDS_BY_PATH["base.direct_oil_share"].allowed()
    assert "| a number in [0, 1] (a fraction: write 0.04 for 4 %) |" in schema_markdown()
    assert str(share) == "a number in [0, 1] (a fraction: write 0.04 for 4 %)"
    assert CHINESE.search(share.render("zh")) and "fraction" not in share.render("zh")
