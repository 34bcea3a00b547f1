"""The text catalogues (``simulator.text``): one per language, with the same keys and the
same placeholders; every key the code asks for is there; Chinese output (the printed summary,
report.html, the charts, what simulate sweep, sensitivity and compare print) has no English
words but names, units and what the data say as written; and report.html's template escapes
every value."""

from __future__ import annotations

import html
import json
import re
import string
from pathlib import Path

import jinja2
import pytest

import simulator
from conftest import REPO, SCENARIOS, TAIYUAN, minimal_scenario, needs_cjk_font, write_scenario
from simulator import cli
from simulator.analysis.sensitivity import OUTPUTS
from simulator.defaults import SEED
from simulator.model.kernel import DRIVER_NAMES
from simulator.model.schema import FIELDS_BY_PATH
from simulator.model.targets import MEASURES, UNIT_TO_MODEL
from simulator.model.uncertainty import APPLIES, DISTRIBUTIONS
from simulator.report import html as report_html
from simulator.report.outputs import REPORT_FILE, run_charts, run_scenario, write_run
from simulator.report.provenance import KINDS, field_notes
from simulator.report.summary import COLUMNS, LIKELIHOOD, format_report, summary
from simulator.errors import check_language
from simulator.text import LANGUAGES, catalogue, known, text

PACKAGE = REPO / "simulator"
TEMPLATES = PACKAGE / "report" / "templates"
# names, acronyms and units that Chinese text writes in Latin letters too
NAMES = {"GDP", "CO", "Mt", "IPCC", "SHA", "Python", "CCUS", "copula", "Sobol", "Morris",
         "Wilson", "ST"}


# -- the catalogues ----------------------------------------------------------------------------


def placeholders(entry: str) -> set[str]:
    """The names of an entry's ``str.format`` fields: "{draws:,} draws" -> {"draws"}."""
    return {name for _, name, _, _ in string.Formatter().parse(entry) if name is not None}


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_every_catalogue_has_the_keys_of_the_english_one(lang):
    english, other = set(catalogue("en")), set(catalogue(lang))
    assert sorted(english - other) == [], f"missing from {lang}.toml"
    assert sorted(other - english) == [], f"in {lang}.toml only"


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_every_entry_has_the_same_placeholders_in_every_language(lang):
    english, other = catalogue("en"), catalogue(lang)
    differ = {key: (sorted(placeholders(english[key])), sorted(placeholders(other[key])))
              for key in english.keys() & other.keys()
              if placeholders(english[key]) != placeholders(other[key])}
    assert differ == {}


def test_an_unknown_key_or_language_is_an_error():
    with pytest.raises(KeyError, match="page.no_such_entry"):
        text("page.no_such_entry", "zh")
    with pytest.raises(KeyError, match="'fr'"):
        text("page.h_charts", "fr")
    with pytest.raises(simulator.InputError, match="--lang: unknown language"):
        check_language("fr")


# -- every key the code uses -------------------------------------------------------------------

TABLES = {key.split(".")[0] for key in catalogue("en")}
# a catalogue key written out: a string literal that starts with a table's name and a dot
KEY = re.compile(r"""["'](?:%s)\.[^"'{}\s]+["']""" % "|".join(map(re.escape, TABLES)))
# labels.label("fan_title") reads the [chart] table
CHART_KEY = re.compile(r'\blabel\(\s*"([^"]+)"')
# keys made at run time from a written start: text(f"page.caption.{name}"), t("page.kind." ~ kind)
PREFIX = re.compile(r"""\btext\(\s*f["']([^"'{]+)\{|\bt\(\s*["']([^"']+)["']\s*~""")


def used_keys() -> tuple[set[str], set[str]]:
    """(keys, key prefixes) the package's code and templates ask the catalogues for."""
    keys, prefixes = set(), set()
    for path in [*PACKAGE.rglob("*.py"), *TEMPLATES.glob("*.html")]:
        source = path.read_text(encoding="utf-8")
        keys.update(match.strip("\"'") for match in KEY.findall(source))
        keys.update(f"chart.{key}" for key in CHART_KEY.findall(source))
        prefixes.update(a or b for a, b in PREFIX.findall(source))
    return keys - prefixes, prefixes


def test_every_key_the_code_names_is_in_the_catalogues():
    keys, prefixes = used_keys()
    assert len(keys) > 120 and len(prefixes) > 10  # the scan finds them
    assert sorted(key for key in keys if not known(key)) == []
    assert sorted(p for p in prefixes if not any(k.startswith(p) for k in catalogue("en"))) == []


def test_every_name_the_code_looks_up_has_its_words():
    """Keys made from the model's names: each name the code can meet has its entry."""
    drivers = {path.split(".")[1] for path in FIELDS_BY_PATH
               if path.split(".")[0] in ("base", "paths", "emission_factors")}
    keys = [
        *(f"likelihood.{key}" for _, key in LIKELIHOOD),
        *(f"distribution.{name}" for name in DISTRIBUTIONS),
        *(f"page.param.{p}" for d in DISTRIBUTIONS.values() for p in d.params),
        *(f"page.apply.{apply}" for apply in APPLIES),
        *(f"page.shock_apply.{apply}" for apply in ("add", "multiply")),
        *(f"page.kind.{kind}" for kind in KINDS),
        *(f"page.measure.{measure}" for measure in MEASURES),
        *(f"page.caption.{name.removesuffix('.png')}" for name in report_html.CHART_FILES),
        *(f"accounting.{choice}" for choice in FIELDS_BY_PATH["accounting"].choices),
        *(f"driver.{name}" for name in (*drivers, *DRIVER_NAMES)),
        *(f"output.{name}" for name in OUTPUTS),
        *(f"console.column.{variable}" for variable, _, _ in COLUMNS),
        *(f"console.unit.{variable}" for variable, _, _ in COLUMNS if variable != "co2"),
        *(f"unit.{field.unit}" for field in FIELDS_BY_PATH.values() if field.unit),
        *(f"unit.{unit}" for unit in UNIT_TO_MODEL if unit != "%"),  # "%" is written alike
    ]
    assert sorted(key for key in keys if not known(key)) == []


def test_the_page_template_refuses_a_value_it_is_not_given():
    template = report_html._template()
    assert template.environment.undefined is jinja2.StrictUndefined
    with pytest.raises(jinja2.UndefinedError, match="title"):
        template.render(lang="en", t=lambda key, **values: text(key, "en", **values))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_branch_of_the_page_renders(run, lang, tmp_path):
    """With and without draws, targets, uncertainty and description (StrictUndefined: a value
    a branch needs and is not given fails here)."""
    bare = simulator.load_scenario(write_scenario(tmp_path, minimal_scenario(description="")))
    pages = [report_html.render_html(run.info, [], run.scenario, run.ensemble, "x", lang),
             report_html.render_html(summary(run.projection, run.scenario), [], run.scenario,
                                     None, "x", lang),
             report_html.render_html(summary(simulator.project(bare), bare), [], bare, None,
                                     "x", lang)]
    assert all(page.rstrip().endswith("</html>") for page in pages)


# -- Chinese output is Chinese -----------------------------------------------------------------


@pytest.fixture(scope="module")
def run():
    return run_scenario(TAIYUAN, draws=300, seed=1)


def english_words(shown: str, as_written: list[str]) -> set[str]:
    """Words of two or more Latin letters in ``shown`` once the data's own strings are taken
    out, other than ``NAMES``."""
    for data in sorted(filter(None, as_written), key=len, reverse=True):
        shown = shown.replace(data, " ")
    return set(re.findall(r"[A-Za-z]{2,}", shown)) - NAMES


def console_data(info: dict, written: list) -> list[str]:
    return [info["scenario"], info["region"], info["scenario_file"], *info["calibration_locks"],
            info.get("sampling", ""), *map(str, written)]


def test_the_chinese_summary_has_no_english_words(run, tmp_path):
    written = [tmp_path / "summary.json", tmp_path / REPORT_FILE]
    data = console_data(run.info, written)
    chinese = format_report(run.projection, run.info, written, "zh")
    assert english_words(chinese, data) == set()
    # the check sees English: the English summary fails it
    english = english_words(format_report(run.projection, run.info, written), data)
    assert {"Scenario", "deterministic", "draws", "Written"} <= english
    bare = simulator.load_scenario(write_scenario(tmp_path, minimal_scenario()))
    projection = simulator.project(bare)
    bare_info = summary(projection, bare)
    assert english_words(format_report(projection, bare_info, [], "zh"),
                         console_data(bare_info, [])) == set()


@needs_cjk_font
def test_simulate_lang_zh_prints_the_summary_in_chinese(capsys, tmp_path):
    assert cli.main([str(TAIYUAN), "--draws", "50", "--lang", "zh", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    written = printed.split("已写入：\n", 1)[1].split()
    assert sorted(map(Path, written)) == sorted(tmp_path.iterdir())
    info = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert english_words(printed, console_data(info, written)) == set()


# the modellers' commands that take --lang, each on a small case (Qingdao: shocks and
# correlations; Taiyuan: shocks only), and lines of their English report as they were before
# the catalogues (verbatim but for table padding, two spaces here: the English report must not
# change)
QINGDAO = SCENARIOS / "qingdao_base.yaml"
SWEEP_PATH = "paths.energy_intensity_decline.values.2026"
COMMAND_RUNS = {
    "sweep": ["sweep", str(TAIYUAN), "--set", f"{SWEEP_PATH}=0.01,0.03", "--set",
              "base.direct_gas_share=0.15,0.2", "--draws", "200"],
    "sobol": ["sensitivity", str(QINGDAO), "--n", "8", "--output", "peak_year", "peak_co2"],
    "morris": ["sensitivity", str(TAIYUAN), "--method", "morris", "--n", "4", "--output",
               "co2_2030"],
    "compare": ["compare", str(TAIYUAN), str(QINGDAO), "--draws", "200"],
}
SHOCKS_EN = ("Shocks: one factor 'shocks' stands for all per-year AR(1) shocks together "
             "(gdp_growth, full_load_hours); its value in a row is which draw's shock stream the "
             "row uses (two rows with the same stream see the same shocks).")
ENGLISH_LINES = {
    "sweep": [
        f"Sweep of taiyuan_base (Taiyuan): 4 points, 200 draws each (latin_hypercube, seed {SEED}).",
        "Every point uses the same draws (common random numbers): differences between rows are "
        "effects of the swept values, not Monte Carlo noise.",
        f"Plan values: {SWEEP_PATH} = 0.0208519 1/yr; base.direct_gas_share = 0.183882 1",
        f"{SWEEP_PATH}  base.direct_gas_share  P(peak by 2030)  95 % interval  median peak year  "
        "median 2030 CO2",
        "P(met) of each plan target at each point: target_probability in sweep.nc and the P(met) "
        "columns of sweep.csv.",
        "Written:"],
    "sobol": [
        f"Sobol sensitivity of qingdao_base (Qingdao): 7 factors, n = 8 base rows, 72 model runs "
        f"(seed {SEED}).",
        "ST (total order): share of the output's variance that involves the factor, interactions "
        "included; S1 (first order): the share it explains alone. Fractions of variance (units "
        "1), ranked by ST, with 95 % bootstrap intervals.",
        SHOCKS_EN,
        "Correlations: the scenario correlates paths.gdp_growth with "
        "paths.energy_intensity_decline (rho 0.3). These indices assume independent inputs: "
        "they were computed on independent marginals, without the correlations, so they describe "
        "the model's response, not how the correlated uncertainty splits.",
        "peak_year: year of maximum CO2, in yr",
        "parameter  ST  95 % interval  S1  95 % interval",
        "peak_co2: maximum CO2 over the horizon, in Mt"],
    "morris": [
        f"Morris sensitivity of taiyuan_base (Taiyuan): 7 factors, 4 trajectories, 32 model runs "
        f"(seed {SEED}).",
        "mu*: mean absolute change of the output when one factor moves across its range (1-99 % "
        "quantiles; shocks: from one draw's shocks to another's), in the output's unit; mu: the "
        "signed mean; sigma: spread from interactions and nonlinearity. Ranked by mu*, with its "
        "95 % bootstrap interval.",
        SHOCKS_EN,
        "Correlations: none declared: the inputs are independent, as these indices assume.",
        "Bounds: 0 runs had a driver value clamped to its bounds; 0 had years whose energy "
        "balance could not close.",
        "co2_2030: CO2 emissions in 2030, in Mt",
        "parameter  range (1-99 %)  mu* (Mt)  95 % interval  mu (Mt)  sigma (Mt)"],
    "compare": [
        f"Comparison of 2 scenarios: 200 draws each (seed {SEED}).",
        "region  scenario  base year  peak year  P(peak by 2030)  95 % interval  median peak year"
        "  2030 CO2",
        "deterministic  %  %  of the draws  Mt, deterministic",
        "P(peak by 2030): the share of draws whose CO2 maximum falls in or before 2030, with its "
        "Wilson 95 % interval.",
        "The per-year CO2 bands in comparison.nc rest on all draws of each scenario.",
        "Written:"],
}
# what the commands print as the data and the files name it: scenario, sampling and output
# names, the files and the variables in them
COMMAND_DATA = ["taiyuan_base", "qingdao_base", "latin_hypercube", *OUTPUTS, "sweep.nc",
                "sweep.csv", "comparison.nc", "target_probability", "P(met)"]


@needs_cjk_font
@pytest.mark.parametrize("command", COMMAND_RUNS)
def test_the_modellers_commands_print_chinese_with_lang_zh(command, capsys, tmp_path):
    printed = {}
    for lang in ("zh", "en"):
        assert cli.main([*COMMAND_RUNS[command], "--lang", lang, "--out",
                         str(tmp_path / lang)]) == 0
        printed[lang] = capsys.readouterr().out
    written = printed["zh"].split("已写入：\n", 1)[1].split()
    assert sorted(map(Path, written)) == sorted((tmp_path / "zh").iterdir())
    data = [*COMMAND_DATA, *written]
    assert english_words(printed["zh"], data) == set()
    # the same report line for line; the English one as before, which the check sees as English
    zh, en = printed["zh"].splitlines(), printed["en"].splitlines()
    assert len(zh) == len(en) and [bool(line) for line in zh] == [bool(line) for line in en]
    shown = {re.sub(" {2,}", "  ", line.strip()) for line in en}
    assert [line for line in ENGLISH_LINES[command] if line not in shown] == []
    assert "Written" in english_words(printed["en"], data)


def visible_text(page: str) -> str:
    """The page's text, without the stylesheet and code (paths, commands, hashes)."""
    page = re.sub(r"<(style|code|pre)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def page_data(scenario, info: dict) -> list[str]:
    """What the page shows as the data write it: notes, quotes, names, sources, paths."""
    notes = field_notes(scenario).values()
    targets = info.get("targets", [])
    return [*(note.text for note in notes), *(note.file.name for note in notes),
            *(path for c in scenario["uncertainty.correlations"] for path in c.between),
            *(t[key] for t in targets for key in ("quote", "name_en", "name_zh")),
            *(t["source"][key] for t in targets for key in ("plan", "seed")),
            scenario["description"] or "", info["scenario"], info.get("sampling", "")]


@pytest.mark.parametrize("name", ["taiyuan_base", "qingdao_base"])  # with correlations
def test_the_chinese_page_has_no_english_words(run, name):
    if name != run.scenario.name:
        run = run_scenario(SCENARIOS / f"{name}.yaml", draws=100, seed=1)
    header = report_html.PNG_SIGNATURE + bytes(16)  # as much of a PNG as the page reads
    charts = [(chart, header) for chart in report_html.CHART_FILES]
    data = page_data(run.scenario, run.info)
    pages = {lang: visible_text(report_html.render_html(run.info, charts, run.scenario,
                                                        run.ensemble, "simulate x", lang))
             for lang in ("zh", "en")}
    assert english_words(pages["zh"], data) == set()
    assert {"Charts", "Reproduce", "draws"} <= english_words(pages["en"], data)


@needs_cjk_font
def test_the_chinese_charts_have_no_english_words(run):
    for lang, expect_english in (("zh", False), ("en", True)):
        for name, figure in run_charts(run, lang).items():
            shown = " ".join(t.get_text() for t in figure.findobj(lambda o: hasattr(o, "get_text")))
            words = english_words(shown, [run.info["scenario"]])
            assert bool(words) == expect_english, (lang, name, words)


# -- escaping ----------------------------------------------------------------------------------


def test_markup_in_the_scenario_is_escaped_in_report_html(tmp_path):
    hostile = '<script>alert("x")</script>'
    data = minimal_scenario(region=hostile, description=f"{hostile} & more")
    path = write_scenario(tmp_path, data)
    source = path.read_text(encoding="utf-8")  # and a comment, shown as the scenario's note
    path.write_text(source.replace("  gdp: 1000.0", f"  gdp: 1000.0  # assumption: {hostile}"),
                    encoding="utf-8")
    result = run_scenario(path, draws=10, seed=1)
    written = write_run(tmp_path / "out", result, f"simulate {hostile}", "en")
    page = next(p for p in written if p.name == REPORT_FILE).read_text(encoding="utf-8")
    assert "<script" not in page
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    for shown in (f"<h1>{escaped}: ", f"In scenario minimal ({escaped})", f"{escaped} &amp; more",
                  f"assumption: {escaped} <span", f"<pre>simulate {escaped}</pre>"):
        assert shown in page
