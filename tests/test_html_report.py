"""report.html and the scenario notes it shows: content, escaping, self-containment, and a
render in headless Chromium checked for errors, failed loads and a blank page."""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.image import imread

import simulator
from conftest import SCENARIOS, TAIYUAN, minimal_scenario, require, write_scenario
from simulator.report.html import answer_sentence, render_html
from simulator.report.provenance import field_notes, file_notes, note_kind
from simulator.report.summary import summary
from simulator.model.projection import project
from simulator.montecarlo.simulate import simulate

COMMAND = "simulate scenarios/taiyuan_base.yaml --draws 2000 --seed 1"


# -- inputs built through the API --------------------------------------------------------------


def _png(draw) -> bytes:
    figure = Figure(figsize=(6, 3), dpi=80)
    draw(figure.add_subplot())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _fan(ax):
    years = np.arange(2022, 2061)
    ax.fill_between(years, 70 - (years - 2022), 90 + (years - 2022), color="#cfe2f3")
    ax.fill_between(years, 78, 86, color="#6fa8dc")
    ax.plot(years, 82 + 0 * years, color="#1f4e79", lw=3)


def _histogram(ax):
    ax.bar(np.arange(2022, 2031), 5, color="#2e8b57")
    ax.bar(np.arange(2031, 2061), 2, color="#e67e22")


def _scorecard(ax):
    ax.barh(np.arange(5), [100, 60, 50, 25, 17], color="#c0392b")


@pytest.fixture(scope="module")
def run():
    scenario = simulator.load_scenario(TAIYUAN)
    projection = project(scenario)
    ensemble = simulate(scenario, draws=2000, seed=1)
    info = summary(projection, scenario, ensemble)
    charts = [("fan_chart.png", _png(_fan)), ("peak_year.png", _png(_histogram)),
              ("Targets, my own caption", _png(_scorecard))]
    return scenario, ensemble, info, charts


@pytest.fixture(scope="module")
def pages(run):
    scenario, ensemble, info, charts = run
    return {lang: render_html(info, charts, scenario, ensemble, COMMAND, lang)
            for lang in ("en", "zh")}


def _visible_text(page: str) -> str:
    body = re.sub(r"<style>.*?</style>|<[^>]+>", " ", page.replace("<wbr>", ""), flags=re.S)
    return html.unescape(body).replace("\u00a0", " ")  # a no-break space before "%"


def _answer(page: str) -> str:
    return _visible_text(re.search(r'<p class="answer" id="answer">(.*?)</p>', page, re.S)[1])


# -- provenance: the notes of the scenario files -----------------------------------------------


@pytest.mark.parametrize("file", sorted(SCENARIOS.glob("*_base.yaml")), ids=lambda f: f.stem)
def test_every_uncertainty_entry_of_a_base_scenario_has_its_note(file):
    scenario = simulator.load_scenario(file)
    notes = field_notes(scenario)
    paths = [f"uncertainty.parameters[{e.parameter}]" for e in scenario["uncertainty.parameters"]]
    paths += [f"uncertainty.shocks[{s.driver}]" for s in scenario["uncertainty.shocks"]]
    assert len(paths) >= 5
    for path in paths:
        assert path in notes and len(notes[path].text) > 40, path
        assert notes[path].file == file


def test_taiyuan_notes_and_their_kinds():
    notes = field_notes(simulator.load_scenario(TAIYUAN))
    gdp = notes["base.gdp"]
    assert gdp.text.startswith("C: 5,121.6 亿元 (2021 GDP, REF §1")
    assert "2021 prices stand for 2022 prices" in gdp.text
    assert gdp.kind == "assumption" and gdp.file == TAIYUAN
    kinds = {path: notes[path].kind for path in (
        "base.energy_intensity", "base.direct_gas_share", "emission_factors.coal",
        "paths.gdp_growth.values.2036", "paths.renewable_capacity.values.2030")}
    assert kinds == {"base.energy_intensity": "plan", "base.direct_gas_share": "computed",
                     "emission_factors.coal": "reference",
                     "paths.gdp_growth.values.2036": "assumption",
                     "paths.renewable_capacity.values.2030": "plan"}
    inline = notes["paths.energy_intensity_decline.values.2026"].text
    assert inline == "C: 1 - (0.503/0.559)^(1/5), PLAN intensity 0.559 (2025) -> 0.503 (2030)"
    assert not any(path in notes for path in ("format", "name", "base_year"))  # file header


def test_a_variant_keeps_its_own_notes_and_inherits_the_rest():
    variant = SCENARIOS / "taiyuan_accelerated.yaml"
    notes = field_notes(simulator.load_scenario(variant))
    own = notes["paths.energy_intensity_decline.values.2026"]
    assert own.file == variant and own.text.startswith("assumption: 3.5 %/yr")
    assert notes["paths.renewable_capacity.values.2030"].file == variant
    # the variant's path replaces the parent's whole: the parent's 2031 key is gone
    assert "paths.energy_intensity_decline.values.2031" not in notes
    assert notes["base.gdp"].file == TAIYUAN
    assert notes["uncertainty.shocks[full_load_hours]"].file == TAIYUAN
    assert not any(path.startswith("calibration.free[") for path in notes)  # free: [] here


def test_a_variant_that_overrides_a_scalar_has_its_own_note(tmp_path):
    parent = write_scenario(tmp_path, minimal_scenario(), "parent.yaml")
    text = parent.read_text(encoding="utf-8")
    parent.write_text(text.replace("  gdp: 1000.0", "  # REF: the parent's GDP\n  gdp: 1000.0"),
                      encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("extends: parent.yaml\nname: child\nbase:\n  gdp: 1200.0  # assumption: "
                     "20 % more\nemission_factors:\n  # C: the child's gas\n  gas: 1.6\n",
                     encoding="utf-8")
    notes = field_notes(simulator.load_scenario(child))
    assert notes["base.gdp"].file == child and notes["base.gdp"].text == "assumption: 20 % more"
    assert notes["emission_factors.gas"].kind == "computed"
    assert field_notes(simulator.load_scenario(parent))["base.gdp"].kind == "reference"


def test_file_notes_reads_comments_beside_keys():
    text = "\n".join([
        "# header of the file, about no key",
        "format: 1",
        "",
        "description: >-",
        "  text with # inside, part of the value",
        "  # also part of the value",
        "region: 'Xi''an # not a comment'  # the real comment",
        "# detached by the blank line below",
        "",
        "base:",
        "  # first line",
        "  # second line",
        "  gdp: 1.0  # inline",
        "calibration:",
        "  free:",
        "  - base.gdp   # same indent as its key",
        "uncertainty:",
        "  correlations:",
        "    - between: [a, b]  # pair",
        "      rho: 0.3",
    ])
    notes = file_notes(text)
    assert notes["base.gdp"] == "first line second line inline"
    assert notes["region"] == "the real comment"
    assert notes["description"] == "" and notes["format"] == "" and notes["base"] == ""
    assert notes["calibration.free[base.gdp]"] == "same indent as its key"
    assert notes["uncertainty.correlations[a, b]"] == "pair"
    assert "uncertainty.correlations[a, b].rho" in notes
    assert not any("inside" in note or "part of" in note for note in notes.values())


@pytest.mark.parametrize("text, kind", [
    ("assumption", "assumption"),
    ("C: x = 1, Assumption: y", "assumption"),
    ("C: 1 - (0.559/0.601)^(1/3), PLAN intensity", "computed"),
    ("PLAN: \"...\" (C from REF)", "plan"),
    ("REF §4, grade C)", "reference"),
    ("sd 0.585 points (C)", "computed"),
    ("CEADs city inventory, grades B/C", "other"),
])
def test_note_kind(text, kind):
    assert note_kind(text) == kind


# -- the page's content ------------------------------------------------------------------------


def test_the_answer_states_the_probability_of_the_summary(run, pages):
    scenario, _, info, _ = run
    peak = info["peak"]
    answer = _answer(pages["en"])
    assert answer == answer_sentence(info, scenario, "en").replace("\u00a0", " ")
    match = re.search(r"CO2 peaks by 2030 in ([\d.]+) % of ([\d,]+) simulated futures "
                      r"\(95 % interval ([\d.]+)-([\d.]+) %\): (.+?)\.", answer)
    assert match, answer
    assert float(match[1]) == round(100 * peak["probability"], 1)
    assert int(match[2].replace(",", "")) == info["draws"] == 2000
    assert [float(match[3]), float(match[4])] == [round(100 * v, 1) for v in peak["ci95"]]
    assert match[5] == "unlikely" and answer.startswith("If Taiyuan delivers its plan's targets")
    assert f"keeps rising until {info['deterministic']['peak_year']}." in answer
    zh = re.search(r"二氧化碳在2030年前达峰的占([\d.]+)%（95%区间 ([\d.]+)-([\d.]+)%）",
                   _answer(pages["zh"]))
    assert float(zh[1]) == round(100 * peak["probability"], 1)


def test_every_target_and_its_quote_appear(run, pages):
    targets = run[2]["targets"]
    assert len(targets) == 15
    for target in targets:
        assert html.escape(target["quote"]) in pages["en"]
        assert html.escape(target["name_en"]) in pages["en"]
        assert html.escape(target["name_zh"]) in pages["zh"]
    assert html.escape(targets[0]["source"]["plan"]) in pages["en"]
    renewables_2030 = next(t for t in targets if t["id"] == "renewable_capacity"
                           and t["year"] == 2030)
    low, high = (f"{100 * v:.1f}" for v in renewables_2030["ci95"])
    row = f"{100 * renewables_2030['probability_met']:.1f} [{low}–{high}]"
    assert row in pages["en"] and "300 (力争, 左右)" in pages["en"]


def test_text_from_the_data_is_escaped(run):
    scenario, ensemble, info, charts = run
    hostile = copy.deepcopy(info)
    hostile["targets"][0]["quote"] = '<script>alert("x")</script> & "more"'
    hostile["targets"][0]["name_en"] = "<b>bold</b>"
    page = render_html(hostile, charts, scenario, ensemble, "simulate x.yaml <&>", "en")
    assert "<script" not in page and "<b>" not in page
    # the template engine writes a double quote as &#34; (html.escape wrote &quot;)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;more&#34;" in page
    assert "simulate x.yaml &lt;&amp;&gt;" in page


def test_the_page_loads_nothing_from_outside(pages):
    for page in pages.values():
        links = re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]*)""", page, re.I)
        assert len(links) == 3  # the three charts
        assert all(link.startswith("data:image/png;base64,") for link in links)
        assert not any(re.match(r"(?:https?:)?//", link, re.I) for link in links)
        assert not re.search(r"url\(|@import|<(?:script|link|iframe|object|embed|base)\b",
                             page, re.I)
        assert '<meta charset="utf-8">' in page


def test_charts_are_embedded_in_order_with_their_captions(run, pages):
    charts = run[3]
    images = re.findall(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]+)"', pages["en"])
    assert [base64.b64decode(data) for data, _ in images] == [png for _, png in charts]
    captions = [alt for _, alt in images]
    assert captions == ["CO2 emissions: central path and the spread of the draws",
                        "Year in which CO2 peaks, over the draws", "Targets, my own caption"]
    assert all(f"{i}. {c}</figcaption>" in pages["en"] for i, c in enumerate(captions, 1))


def test_no_nan_or_none_is_shown(run, pages):
    scenario, ensemble, info, charts = run
    broken = copy.deepcopy(info)
    broken["targets"][1]["model_value"] = float("nan")
    broken["deterministic"]["peak_co2"] = float("inf")
    page = render_html(broken, charts, scenario, ensemble, COMMAND, "en")
    for text in [*map(_visible_text, pages.values()), _visible_text(page)]:
        assert not re.search(r"\b(?:nan|NaN|None|inf|null)\b", text)
    assert "peak – Mt in 2060" in _visible_text(page)


def test_drawn_ranges_are_the_quantiles_of_the_draws(run, pages):
    scenario, ensemble, _, _ = run
    draws = ensemble["parameter_value"].sel(parameter="emission_factors.coal").values
    low, high = np.quantile(draws, [0.05, 0.95])
    text = _visible_text(pages["en"])
    assert f"×{low:.4g} to ×{high:.4g} → {2.66 * low:.4g} tCO2/tce to " \
           f"{2.66 * high:.4g} tCO2/tce" in text
    growth = ensemble["parameter_value"].sel(parameter="paths.gdp_growth").values
    low, high = np.quantile(growth, [0.05, 0.95])
    assert f"{100 * low:+.3g} pp to {100 * high:+.3g} pp, on every year of the path" in text
    assert "triangular, multiplies the value: low ×0.7, mode ×1, high ×1.05" in text
    assert "Long-run growth, the whole path shifted together." in text  # its note


def test_assumptions_are_listed_with_the_values_used(pages):
    section = pages["en"].split("Numbers labelled as assumptions", 1)[1]
    section = _visible_text(section.split("Reproduce this report", 1)[0])
    assert "base.gdp" in section and "5,346.95 亿元" in section
    assert "paths.gdp_growth.values.2051" in section and "2.5 %/yr" in section
    assert "emission_factors.coal" not in section  # sourced from REF, not an assumption


def test_the_reproduce_section_names_command_seed_and_hashes(run, pages):
    _, _, info, _ = run
    text = _visible_text(pages["en"].split("Reproduce this report", 1)[1])
    assert COMMAND in text and info["scenario_sha256"] in text
    assert hashlib.sha256(TAIYUAN.read_bytes()).hexdigest() in text
    lock = TAIYUAN.with_name("taiyuan_base.lock.yaml")
    assert hashlib.sha256(lock.read_bytes()).hexdigest() in text
    assert "draws=2000, seed=1" in text and "latin_hypercube" in text
    assert f"Simulator version {simulator.__version__}" in " ".join(text.split())


def test_the_chinese_page_has_chinese_headings(pages):
    page = pages["zh"]
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    headings = re.findall(r"<h[12]>(.*?)</h[12]>", page)
    assert headings[1:] == ["图表", "规划目标", "假设与不确定性范围", "复现本报告"]
    assert headings[0].startswith("太原：二氧化碳能否在2030年前达峰")
    assert "：不太可能。在中心路径上，二氧化碳持续上升至2060年。" in _answer(page)


def test_a_scenario_without_uncertainty_gives_a_deterministic_report(tmp_path):
    scenario = simulator.load_scenario(write_scenario(tmp_path, minimal_scenario()))
    info = summary(project(scenario), scenario)
    page = render_html(info, [("fan_chart.png", _png(_fan))], scenario, None, "simulate x",
                       "en")
    answer = _answer(page)
    assert answer.startswith("In scenario minimal (Testland), CO2 on the central path ")
    assert "deterministic only" in answer
    assert "declares no uncertain parameters or shocks" in page
    assert "P(met)" not in page and "Seed" not in page
    assert not re.search(r"\b(?:nan|NaN|None)\b", _visible_text(page))


def test_without_draws_the_uncertainty_section_still_lists_the_ranges_and_correlations():
    scenario = simulator.load_scenario(SCENARIOS / "qingdao_base.yaml")
    info = summary(project(scenario), scenario)
    page = render_html(info, [], scenario, None, "simulate x", "en")
    text = " ".join(_visible_text(page).split())
    assert "No draws were made for this report, so this answer is deterministic only." in text
    assert "No plan targets are compared: no draws were made." in text
    assert text.count("not drawn") == len(scenario["uncertainty.parameters"]) == 6
    assert ("paths.gdp_growth ↔ paths.energy_intensity_decline: ρ = 0.3. Faster growth with a "
            "faster intensity decline") in text
    assert "<h2>Charts</h2>" not in page


# -- the page in headless Chromium -------------------------------------------------------------

CONSOLE = re.compile(r":CONSOLE(?::\d+|\(\d+\))\]\s*(.*)")
# with --vmodule=renderer_url_loader_throttle=2 Chromium logs every subresource request a
# page starts (data: URLs excluded); it logs no line for a failed load itself
REQUEST = re.compile(r"WillStartRequest\b.*?((?:[a-z][\w+.-]*:)?//\S+)")
CHROMIUM_FLAGS = ["--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
                  "--window-size=1200,2400", "--enable-logging=stderr", "--v=0",
                  "--vmodule=renderer_url_loader_throttle=2",
                  "--host-resolver-rules=MAP * ~NOTFOUND", "--no-first-run",
                  "--disable-extensions", "--disable-component-update",
                  "--disable-background-networking"]
CONTROLS = {
    "script_error": "<p>text</p><script>console.log('x'); undefinedFunction();</script>",
    "missing_image": '<p>text</p><img src="nothere.png" alt="gone">'
                     '<img src="https://example.com/x.png" alt="remote">',
    "empty": "",
}


def page_problems(stderr: str) -> list[str]:
    """Console messages (uncaught exceptions included), crashes and the loads a page
    started, from Chromium's stderr; a self-contained page starts none."""
    problems = [f"console: {m[1]}" for m in CONSOLE.finditer(stderr)]
    problems += [f"crash: {line}" for line in stderr.splitlines() if ":FATAL:" in line]
    for match in REQUEST.finditer(stderr):
        url = match[1]
        missing = url.startswith("file://") and not Path(url[len("file://"):]).exists()
        problems.append(f"{'failed load (no such file)' if missing else 'external load'}: {url}")
    return problems


def blank_problems(image: np.ndarray) -> list[str]:
    """Why a screenshot looks blank: too few non-white pixels, or too few colours."""
    rgb = image[::2, ::2, :3]  # every fourth pixel is plenty for shares
    inked = float((rgb.min(axis=-1) < 0.9).mean())
    chromatic = rgb[(rgb.max(axis=-1) - rgb.min(axis=-1)) > 0.25]
    levels = np.rint(chromatic * 4).astype(int)  # 5 levels a channel: 125 colour bins
    counts = np.bincount(levels @ np.array([25, 5, 1]), minlength=125)
    distinct = int((counts >= 50).sum())
    problems = [] if inked >= 0.05 else [f"only {inked:.1%} of the pixels are not white"]
    return problems + ([] if distinct >= 3 else [f"only {distinct} distinct colours"])


@pytest.fixture(scope="module")
def screenshots(pages, chromium, tmp_path_factory):
    """Name -> (screenshot, stderr) for the en and zh reports and the control pages, all
    rendered at once (one Chromium each, own profile); without Chromium they skip (conftest's
    ``chromium`` fixture), except under CI=true."""
    folder = tmp_path_factory.mktemp("chromium")
    documents = {f"report_{lang}": page for lang, page in pages.items()}
    documents.update({name: f'<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
                            f"<body>{body}</body></html>" for name, body in CONTROLS.items()})
    runs = {}
    for name, page in documents.items():
        (folder / f"{name}.html").write_text(page, encoding="utf-8")
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={folder / ('profile_' + name)}",
                   f"--screenshot={folder / (name + '.png')}", (folder / f"{name}.html").as_uri()]
        runs[name] = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True)
    results = {}
    for name, process in runs.items():
        try:
            _, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail(f"chromium took over 60 s on {name}")
        assert process.returncode == 0, stderr[-2000:]
        results[name] = (imread(folder / f"{name}.png"), stderr)
    return results


def test_without_chromium_ci_fails_and_elsewhere_skips(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI installs it"):
        require("chromium")
    for value in ("", "false", "0"):
        monkeypatch.setenv("CI", value)
        with pytest.raises(pytest.skip.Exception, match="chromium is not on PATH"):
            require("chromium")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        require("chromium")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_renders_cleanly_in_chromium(screenshots, lang):
    image, stderr = screenshots[f"report_{lang}"]
    assert image.shape[:2] == (2400, 1200)
    assert page_problems(stderr) == []
    assert blank_problems(image) == []


def test_the_detector_catches_a_script_error(screenshots):
    problems = page_problems(screenshots["script_error"][1])
    # matched by kind (a console message about the call), not by the browser's wording
    assert any(p.startswith("console: ") and "undefinedFunction" in p
               for p in problems), problems


def test_the_detector_catches_missing_and_remote_images(screenshots):
    problems = page_problems(screenshots["missing_image"][1])
    assert any(p.startswith("failed load (no such file)") and p.endswith("/nothere.png")
               for p in problems), problems
    assert any(p == "external load: https://example.com/x.png" for p in problems), problems


def test_the_detector_catches_a_blank_page(screenshots):
    image, stderr = screenshots["empty"]
    assert page_problems(stderr) == []
    assert len(blank_problems(image)) == 2
    assert len(blank_problems(screenshots["script_error"][0])) == 2  # a line of black text
