"""Scenario validation: every bad input must give a ScenarioError that names the file, the
field path, the bad value and what is allowed, and the CLI must turn it into exit code 2
without a traceback.

Each bad scenario starts from a fresh valid dict (the ``scenario`` fixture), is changed by one
small mutation, written into ``tmp_path`` and loaded with ``simulator.load_scenario``.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from simulator import ScenarioError, load_scenario, project

from conftest import write_scenario as write

BASE_YEAR, END_YEAR = 2022, 2030


# -- building scenarios ------------------------------------------------------------------------


def valid_scenario() -> dict:
    """A small valid scenario: 2022 -> 2030, every required field, a little non-fossil energy.

    Base-year energy is 5000 x 0.6 = 3000 万tce; electricity demand is
    3000 x 0.7 x 0.2 / 1.229 = 342 亿kWh, of which the renewable fleet generates
    100 x 1300 / 1e4 = 13 亿kWh (39 万tce at 300 gce/kWh), plus 90 万tce of other non-fossil
    energy, so the non-fossil share is 4.3 % in the base year and about 4 % by 2027. Coal and
    gas power burn about 970 万tce, which leaves about 1900 万tce of direct fossil use: the
    balance closes with room to spare in every year.
    """
    return {
        "format": 1,
        "name": "test_base",
        "region": "Testville",
        "description": "A small valid scenario for the validation tests.",
        "base_year": BASE_YEAR,
        "end_year": END_YEAR,
        "accounting": "territorial",
        "base": {
            "gdp": 5000.0,
            "energy_intensity": 0.6,
            "final_energy_share": 0.7,
            "electricity_share_final": 0.2,
            "renewable_capacity": 100.0,
            "full_load_hours": 1300.0,
            "gas_power_share": 0.05,
            "coal_power_supply_rate": 300.0,
            "gas_power_supply_rate": 230.0,
            "coal_equivalent_rate": 300.0,
            "other_non_fossil_energy": 90.0,
            "direct_oil_share": 0.15,
            "direct_gas_share": 0.1,
            "coal_power_capacity": 600.0,
        },
        "paths": {
            "gdp_growth": {"fill": "step", "values": {2023: 0.05, 2026: 0.045}},
            "energy_intensity_decline": {"fill": "step", "values": {2023: 0.03}},
        },
        "emission_factors": {"coal": 2.66, "oil": 2.12, "gas": 1.63},
    }


@pytest.fixture
def scenario() -> dict:
    """A fresh valid scenario dict that a test may change freely."""
    return valid_scenario()


def load_error(path) -> ScenarioError:
    """Load ``path``, which must fail with a ScenarioError, and return that error."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


def assert_error(err: ScenarioError, file, field, fragments) -> None:
    """The error names ``file`` and ``field`` and its message holds every fragment."""
    text = str(err)
    assert err.field == field, text
    assert err.file == str(file), text
    assert str(file) in text
    if field is not None:
        assert f"field '{field}'" in text
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in {text!r}"


# Mutations: each returns a function that changes a scenario dict in place. Keys are given
# one by one, so year keys stay integers.


def put(*keys_then_value):
    *keys, value = keys_then_value

    def mutate(data):
        for key in keys[:-1]:
            data = data.setdefault(key, {})
        data[keys[-1]] = value

    return mutate


def drop(*keys):
    def mutate(data):
        for key in keys[:-1]:
            data = data[key]
        del data[keys[-1]]

    return mutate


def rename(*keys, to):
    def mutate(data):
        for key in keys[:-1]:
            data = data[key]
        data[to] = data.pop(keys[-1])

    return mutate


def both(*mutations):
    def mutate(data):
        for m in mutations:
            m(data)

    return mutate


def case(case_id, mutate, field, *fragments):
    """One row of a table: the mutation, the field it must be reported on, and the fragments
    the message must hold."""
    return pytest.param(mutate, field, fragments, id=case_id)


# -- the valid starting point ------------------------------------------------------------------


def test_valid_scenario_loads_and_projects(tmp_path, scenario):
    # Every bad case below is one change away from this scenario, so it must itself be valid.
    loaded = load_scenario(write(tmp_path, scenario))
    assert loaded.name == "test_base"
    assert list(loaded.years) == list(range(BASE_YEAR, END_YEAR + 1))
    assert loaded["base.net_electricity_exports"] == 0.0  # defaults filled in
    assert loaded["base.other_non_fossil_generation"] == 0.0
    assert loaded["base.other_capacity"] == 0.0
    projection = project(loaded)
    assert (projection["direct_fossil"].values > 0).all()  # the balance closes every year
    shares = [projection[f"{fuel}_share"].values for fuel in ("coal", "oil", "gas", "non_fossil")]
    assert all((share >= 0).all() for share in shares)
    np.testing.assert_allclose(sum(shares), 1.0, rtol=1e-12)


def test_net_exports_need_no_export_factor(tmp_path, scenario):
    # v1 refused net exports under territorial accounting without
    # emission_factors.electricity_export; v2 derives their CO2 from the power sector.
    scenario["base"]["net_electricity_exports"] = 50.0
    projection = project(load_scenario(write(tmp_path, scenario)))
    assert float(projection["generation"][0]) == pytest.approx(
        float(projection["electricity_demand"][0]) + 50.0)


# -- errors found by loading one file ----------------------------------------------------------

MISSING = [
    case("base.gdp", drop("base", "gdp"), "base.gdp",
         "missing required field", "a number in [1e-06, 1e+09] 亿元"),
    case("name", drop("name"), "name", "missing required field", "a text string"),
    case("base_year", drop("base_year"), "base_year",
         "missing required field", "a whole number in [1990, 2100]"),
    case("gdp_growth path", drop("paths", "gdp_growth"), "paths.gdp_growth",
         "missing required field", "a mapping {fill: step or linear"),
    case("emission_factors section", drop("emission_factors"), "emission_factors.coal",
         "missing required field", "a number in [0, 5]"),
]

WRONG_TYPE = [
    case("text for a number", put("base", "gdp", "lots"), "base.gdp",
         "wrong type: expected a number", "(got 'lots')", "a number in [1e-06, 1e+09] 亿元"),
    case("float for a whole number", put("base_year", 2022.5), "base_year",
         "wrong type: expected a whole number", "(got 2022.5)", "a whole number in [1990, 2100]"),
    case("bool for a number", put("base", "gdp", True), "base.gdp",
         "wrong type: expected a number", "(got True)", "a number in [1e-06, 1e+09] 亿元"),
    case("quoted number", put("emission_factors", "coal", "2.66"), "emission_factors.coal",
         "wrong type: expected a number", "(got '2.66')", "a number in [0, 5]"),
    case("number for text", put("name", 42), "name",
         "wrong type: expected text", "(got 42)", "a text string"),
    # The problem itself says what is allowed here, so no separate 'allowed' is needed.
    case("section not a mapping", put("base", [1, 2]), "base",
         "a section must be a mapping of fields", "(got [1, 2])"),
    case("driver path not a mapping", put("paths", "gdp_growth", 0.05), "paths.gdp_growth",
         "a driver path must be a mapping", "(got 0.05)", "{fill: step or linear"),
    case("choice not allowed", put("accounting", "territory"), "accounting",
         "not an allowed value", "(got 'territory')", "one of 'territorial', 'consumption'"),
    case("bool for the format", put("format", True), "format",
         "not an allowed value", "(got True)", "one of 1"),
    case("name with a slash", put("name", "a/b"), "name",
         "not a usable name", "(got 'a/b')", "letters, digits"),
    # A name ending in a newline would name an output folder "test\n": it must be refused.
    case("name with a trailing newline", put("name", "test\n"), "name",
         "not a usable name", "(got 'test\\n')", "letters, digits"),
    # An empty value (`gdp:` with nothing after it) must still show what was found.
    case("empty value", put("base", "gdp", None), "base.gdp",
         "wrong type: expected a number", "(got None)", "a number in [1e-06, 1e+09] 亿元"),
    # An integer too large for a float must be refused, not crash the float conversion.
    case("huge integer", put("base", "gdp", 10**400), "base.gdp", "a number in [1e-06, 1e+09] 亿元"),
]

UNKNOWN = [
    case("typo in a section", rename("base", "direct_oil_share", to="direct_oil_shar"),
         "base.direct_oil_shar", "unknown field in 'base'", "did you mean 'direct_oil_share'",
         "direct_gas_share"),
    case("typo at the top level", rename("end_year", to="end_yaer"), "end_yaer",
         "unknown field at the top level", "did you mean 'end_year'", "base_year"),
    case("field in the wrong section", put("gdp", 5000.0), "gdp",
         "unknown field at the top level", "did you mean 'base.gdp'"),
    case("share at the top level", put("direct_oil_share", 0.15), "direct_oil_share",
         "did you mean 'base.direct_oil_share' or 'paths.direct_oil_share'"),
    # fields of model v1, gone in v2: refused as unknown, not silently ignored
    case("v1 coal share", put("base", "coal_share", 0.7), "base.coal_share",
         "unknown field in 'base'", "final_energy_share"),
    case("v1 oil share path", put("paths", "oil_share", {"values": {2025: 0.1}}),
         "paths.oil_share", "unknown field in 'paths'", "gdp_growth"),
    case("v1 export factor", put("emission_factors", "electricity_export", 0.8),
         "emission_factors.electricity_export", "unknown field in 'emission_factors'",
         "coal, oil, gas"),
    case("rate in the base section", put("base", "gdp_growth", 0.05), "base.gdp_growth",
         "unknown field in 'base'", "did you mean 'paths.gdp_growth'"),
    case("typo in a section name", rename("emission_factors", to="emission_factor"),
         "emission_factor", "did you mean 'emission_factors'"),
    case("typo inside a driver path", rename("paths", "gdp_growth", "values", to="valeus"),
         "paths.gdp_growth.valeus", "unknown field in 'paths.gdp_growth'",
         "did you mean 'values'", "fill, values"),
    case("no close match", put("colour", "red"), "colour",
         "unknown field at the top level", "name, region"),
]

OUT_OF_RANGE = [
    case("negative share", put("base", "direct_oil_share", -0.1), "base.direct_oil_share",
         "out of range", "(got -0.1)", "in [0, 1] (a fraction: write 0.04 for 4 %)"),
    case("share in percent", put("base", "direct_oil_share", 81), "base.direct_oil_share",
         "looks like a percentage", "write 0.81", "(got 81)", "in [0, 1]"),
    case("share path value in percent", put("paths", "direct_gas_share", {"values": {2025: 9}}),
         "paths.direct_gas_share.values.2025", "looks like a percentage", "write 0.09",
         "(got 9)"),
    case("rate in percent", put("paths", "gdp_growth", "values", 2023, 5),
         "paths.gdp_growth.values.2023", "looks like a percentage", "write 0.05", "(got 5)",
         "in [-0.5, 0.5]"),
    case("hours above a year", put("base", "full_load_hours", 9000), "base.full_load_hours",
         "out of range", "(got 9000)", "in [0, 8760] h/yr"),
    case("zero intensity", put("base", "energy_intensity", 0), "base.energy_intensity",
         "out of range", "(got 0)", "in [1e-06, 20]"),
    case("not a number", put("emission_factors", "gas", float("nan")), "emission_factors.gas",
         "not a finite number", "(got nan)", "a number in [0, 5]"),
    case("base year out of range", put("base_year", 1900), "base_year",
         "out of range", "(got 1900)", "a whole number in [1990, 2100]"),
    case("end year before base year", put("end_year", 2020), "end_year",
         "must be after base_year 2022", "(got 2020)", "a year > 2022"),
    # (a) of the balance rule: direct oil + gas above one in the base year is caught at load.
    case("direct oil + gas above one", both(put("base", "direct_oil_share", 0.8),
                                            put("base", "direct_gas_share", 0.3)),
         "base.direct_oil_share", "sum to 1.1", "leaving negative direct coal use", "(got 0.8)",
         "direct_oil_share + direct_gas_share <= 1 (direct_gas_share is 0.3)"),
]

HORIZON = [
    case("level key after end_year", put("paths", "direct_gas_share", {"values": {2031: 0.5}}),
         "paths.direct_gas_share.values.2031", "year outside the projection horizon",
         "(got 2031)", "years 2023..2030"),
    case("level key at the base year",
         put("paths", "direct_gas_share", {"values": {2022: 0.5}}),
         "paths.direct_gas_share.values.2022", "year outside the projection horizon",
         "(got 2022)", "years 2023..2030 (the base-year value is set by base.direct_gas_share)"),
    case("rate key at the base year", put("paths", "gdp_growth", "values", 2022, 0.05),
         "paths.gdp_growth.values.2022", "year outside the projection horizon", "(got 2022)",
         "years 2023..2030"),
    case("rate path starting late",
         put("paths", "gdp_growth", {"fill": "step", "values": {2024: 0.05}}),
         "paths.gdp_growth.values", "a rate path must start at the first projected year",
         "(got 2024)", "first key 2023"),
    case("year key not a number",
         put("paths", "direct_gas_share", {"values": {"2025a": 0.5}}),
         "paths.direct_gas_share.values", "a year key must be a whole number", "(got '2025a')",
         "years such as 2025"),
    case("empty values", put("paths", "direct_gas_share", {"values": {}}),
         "paths.direct_gas_share.values", "missing or empty", "(got {})", "at least one year"),
    case("unknown fill rule",
         put("paths", "direct_gas_share", {"fill": "cubic", "values": {2025: 0.5}}),
         "paths.direct_gas_share.fill", "unknown fill rule", "(got 'cubic')", "'step'",
         "'linear'"),
]


@pytest.mark.parametrize("mutate, field, fragments",
                         MISSING + WRONG_TYPE + UNKNOWN + OUT_OF_RANGE + HORIZON)
def test_bad_field_names_file_field_value_and_allowed(tmp_path, scenario, mutate, field,
                                                      fragments):
    mutate(scenario)
    path = write(tmp_path, scenario, name="bad_scenario.yaml")
    err = load_error(path)
    assert_error(err, path, field, fragments)
    assert err.allowed, "the error must say what is allowed"
    assert f"; allowed: {err.allowed}" in str(err)


# -- (b) of the balance rule: caught by project() in the first bad year -------------------------

BALANCE = [
    # Electricity steps to 0.7 of final energy in 2027: its power-sector fuel then exceeds all
    # energy use, leaving negative direct fossil use from 2027 on (4 years), although every
    # field is within its own bounds.
    pytest.param({"paths": {"electricity_share_final": {"fill": "step", "values": {2027: 0.7}}}},
                 "paths.electricity_share_final", 0.7,
                 ["in 2027 electricity and non-fossil energy leave no room for direct fossil use",
                  "(4 year(s) affected, first 2027)"], id="electricity path in a later year"),
    # The same in the base year: the load check passes (0.7 is a valid share), project refuses.
    pytest.param({"base": {"electricity_share_final": 0.7}}, "base.electricity_share_final",
                 0.7, ["in 2022 electricity and non-fossil energy leave no room",
                       "(9 year(s) affected, first 2022)"], id="electricity in the base year"),
    # Direct oil 0.95 + gas 0.1 from 2029: the load check sees only the base year.
    pytest.param({"paths": {"direct_oil_share": {"fill": "step", "values": {2029: 0.95}}}},
                 "paths.direct_oil_share", 0.95,
                 ["in 2029 the direct oil share 0.9500 + direct gas share 0.1000 exceed one",
                  "(2 year(s) affected, first 2029)"], id="direct oil path over one"),
    # Net imports of 500 亿kWh from 2027 exceed demand (about 370 亿kWh): no local generation.
    pytest.param({"paths": {"net_electricity_exports": {"fill": "step",
                                                        "values": {2027: -500.0}}}},
                 "paths.net_electricity_exports", -500.0,
                 ["in 2027 net imports of 500.0 亿kWh (net exports of -500.0) exceed the "
                  "electricity demand of", "(4 year(s) affected, first 2027)"],
                 id="imports above demand"),
]


@pytest.mark.parametrize("in_parent", [False, True], ids=["own file", "inherited"])
@pytest.mark.parametrize("change, field, value, fragments", BALANCE)
def test_unclosable_balance_caught_by_project(tmp_path, scenario, change, field, value,
                                              fragments, in_parent):
    for section, values in change.items():
        scenario[section].update(values)
    load_scenario(write(tmp_path, scenario, name="check.yaml"))  # loading alone accepts it
    path = write(tmp_path, scenario, name="unbalanced.yaml")
    if in_parent:  # the bad value lives in the parent: the error must name the parent's file
        loaded = load_scenario(write(tmp_path, {"extends": path.name, "name": "child"},
                                     name="child.yaml"))
    else:
        loaded = load_scenario(path)
    with pytest.raises(ScenarioError) as info:
        project(loaded)
    assert_error(info.value, path, field,
                 [*fragments, f"(got {value})", "allowed: a balance that closes every year"])


# -- extends -----------------------------------------------------------------------------------


def test_child_inherits_from_parent(tmp_path, scenario):
    parent = write(tmp_path, scenario, name="parent.yaml")
    child_path = write(tmp_path, {
        "extends": "parent.yaml",
        "name": "low_growth",
        "base": {"gdp": 6000.0},
        "paths": {"gdp_growth": {"fill": "step", "values": {2023: 0.03}}},
    }, name="child.yaml")
    child = load_scenario(child_path)
    # its own name and overrides
    assert child.name == "low_growth"
    assert child["base.gdp"] == 6000.0
    assert child["paths.gdp_growth"].years == (2023,)  # replaced whole, not merged
    assert child["paths.gdp_growth"].values == (0.03,)
    # everything else from the parent
    assert child.region == "Testville"
    assert (child.base_year, child.end_year) == (BASE_YEAR, END_YEAR)
    assert child["base.energy_intensity"] == 0.6
    assert child["base.direct_oil_share"] == 0.15
    assert child["paths.energy_intensity_decline"].values == (0.03,)
    assert child["emission_factors.gas"] == 1.63
    assert child.files == (child_path, parent)
    assert child.origin("base.gdp") == child_path
    assert child.origin("base.direct_oil_share") == parent
    # and the projection uses the child's values
    gdp = project(child)["gdp"].values
    assert gdp[-1] == pytest.approx(6000.0 * 1.03 ** (END_YEAR - BASE_YEAR))
    assert np.all(np.isfinite(gdp))


def test_child_must_set_its_own_name(tmp_path, scenario):
    write(tmp_path, scenario, name="parent.yaml")
    child = write(tmp_path, {"extends": "parent.yaml", "base": {"gdp": 6000.0}},
                  name="child.yaml")
    assert_error(load_error(child), child, "name",
                 ["missing required field", "must still set its own name"])


def test_error_in_parent_names_the_parent_file(tmp_path, scenario):
    rename("base", "direct_oil_share", to="direct_oil_shar")(scenario)
    parent = write(tmp_path, scenario, name="parent.yaml")
    child = write(tmp_path, {"extends": "parent.yaml", "name": "child"}, name="child.yaml")
    assert_error(load_error(child), parent, "base.direct_oil_shar",
                 ["did you mean 'direct_oil_share'"])


@pytest.mark.parametrize("via_middle", [False, True], ids=["in the child", "in a parent"])
def test_missing_extends_target(tmp_path, via_middle):
    # The error names the file whose extends points nowhere, even when that is a parent.
    broken = write(tmp_path, {"extends": "no_such_parent.yaml", "name": "middle"},
                   name="middle.yaml")
    loaded = broken
    if via_middle:
        loaded = write(tmp_path, {"extends": "middle.yaml", "name": "child"}, name="child.yaml")
    assert_error(load_error(loaded), broken, "extends",
                 ["no_such_parent.yaml", "not found", "(got 'no_such_parent.yaml')",
                  "a path to an existing scenario file"])


@pytest.mark.parametrize("links", [
    pytest.param({"a.yaml": "a.yaml"}, id="extends itself"),
    pytest.param({"a.yaml": "b.yaml", "b.yaml": "a.yaml"}, id="two files"),
    pytest.param({"a.yaml": "b.yaml", "b.yaml": "c.yaml", "c.yaml": "a.yaml"}, id="three files"),
])
def test_extends_cycle(tmp_path, scenario, links):
    for file, parent in links.items():
        write(tmp_path, {**scenario, "name": file[0], "extends": parent}, name=file)
    last = list(links)[-1]  # the file whose extends closes the cycle
    err = load_error(tmp_path / "a.yaml")
    assert_error(err, tmp_path / last, "extends",
                 ["forms a cycle", "a chain of parents that ends",
                  *(str(tmp_path / f) for f in links)])


# -- errors in the file itself (pass 1: no field yet) ------------------------------------------


def text_file(text):
    def make(directory):
        path = directory / "broken.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return make


def bytes_file(data):
    def make(directory):
        path = directory / "broken.yaml"
        path.write_bytes(data)
        return path

    return make


def no_file(directory):
    return directory / "absent.yaml"


def a_directory(directory):
    path = directory / "folder.yaml"
    path.mkdir()
    return path


BAD_FILES = [
    pytest.param(text_file("format: 1\nname: a\nregion: b: c\n"),
                 ["YAML syntax error", "line 3"], id="YAML syntax error"),
    pytest.param(text_file("format: 1\nname: a\nbase: {gdp: 1\n"),
                 ["YAML syntax error", "line 4"], id="unclosed flow mapping"),
    pytest.param(text_file(""), ["file is empty"], id="empty file"),
    pytest.param(text_file("# only a comment\n"), ["file is empty"], id="only comments"),
    pytest.param(text_file("- name: a\n- name: b\n"),
                 ["the top level must be a mapping", "(got 'list')"], id="list at the top"),
    pytest.param(text_file("just some words\n"),
                 ["the top level must be a mapping", "(got 'str')"], id="text at the top"),
    pytest.param(no_file, ["file not found"], id="missing file"),
    pytest.param(a_directory, ["not a regular file"], id="directory"),
    pytest.param(bytes_file(b"name: caf\xe9\n"), ["not UTF-8 text", "byte 9"], id="latin-1"),
    pytest.param(text_file("format: 1\nname: a\nregion: b\nname: c\n"),
                 ["duplicate key 'name'", "line 4"], id="duplicate top-level key"),
    pytest.param(text_file("name: a\nbase:\n  gdp: 1\n  gdp: 2\n"),
                 ["duplicate key 'gdp'", "line 4"], id="duplicate key in a section"),
    # A key that is itself a list cannot be a field: it must be a ScenarioError, not a crash.
    pytest.param(text_file("? [name, region]\n: a\n"), ["line 1"], id="list as a key"),
]


@pytest.mark.parametrize("make, fragments", BAD_FILES)
def test_unreadable_file(tmp_path, make, fragments):
    path = make(tmp_path)
    assert_error(load_error(path), path, None, fragments)


# -- the command line --------------------------------------------------------------------------

CLI_CASES = [
    pytest.param(rename("base", "direct_oil_share", to="direct_oil_shar"),
                 "base.direct_oil_shar", id="typo"),
    pytest.param(put("base", "direct_oil_share", 81), "base.direct_oil_share",
                 id="percent share"),
    pytest.param(put("base", "gdp", "lots"), "base.gdp", id="wrong type"),
    pytest.param(put("extends", "no_such_parent.yaml"), "extends", id="missing parent"),
    pytest.param(put("paths", "electricity_share_final", {"fill": "step", "values": {2027: 0.7}}),
                 "paths.electricity_share_final", id="unbalanced in project"),
]


def run_cli(path, cwd):
    return subprocess.run([sys.executable, "-m", "simulator.cli", str(path)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("mutate, field", CLI_CASES)
def test_cli_bad_scenario_exits_2(tmp_path, scenario, mutate, field):
    mutate(scenario)
    path = write(tmp_path, scenario, name="bad_scenario.yaml")
    result = run_cli(path, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("simulate: error: ")
    assert str(path) in result.stderr
    assert f"field '{field}'" in result.stderr
    assert "allowed: " in result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "results").exists()  # nothing written for a bad scenario


@pytest.mark.parametrize("make", [
    pytest.param(text_file("format: 1\nname: a\nregion: b: c\n"), id="YAML syntax error"),
    pytest.param(no_file, id="missing file"),
])
def test_cli_unreadable_file_exits_2(tmp_path, make):
    path = make(tmp_path)
    result = run_cli(path, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert str(path) in result.stderr
