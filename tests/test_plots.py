"""Charts: what is drawn equals the data (read back from the Figure's artists), Chinese charts
show no missing glyph, the font lookup fails with a usable message, and PNGs decode."""

import io
import re
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import xarray as xr
from matplotlib import image as mpl_image
from matplotlib.collections import PolyCollection

import simulator
from simulator.report import fonts, labels, plots
from simulator.montecarlo.bands import co2_bands
from simulator.errors import InputError
from simulator.analysis.sensitivity import sensitivity
from simulator.report.summary import summary
from simulator.model.projection import project
from simulator.montecarlo.simulate import simulate
from simulator.analysis.sweeps import sweep

from conftest import TAIYUAN, needs_cjk_font

DRAWS, SEED = 2000, 3
DECLINE = "paths.energy_intensity_decline.values.2026"
GROWTH = "paths.gdp_growth.values.2026"
CJK = labels.CJK


@pytest.fixture(scope="module")
def run():
    scenario = simulator.load_scenario(TAIYUAN)
    projection = project(scenario)
    ensemble = simulate(scenario, draws=DRAWS, seed=SEED)
    return {"scenario": scenario, "projection": projection, "ensemble": ensemble,
            "info": summary(projection, scenario, ensemble),
            "bands": co2_bands(scenario, ensemble)}


@pytest.fixture(scope="module")
def sweeps(run):
    scenario = run["scenario"]
    return {"1d": sweep(scenario, {DECLINE: [0.04, 0.02, 0.03]}, draws=400, seed=SEED),
            "2d": sweep(scenario, {DECLINE: [0.02, 0.04], GROWTH: [0.035, 0.045, 0.055]},
                        draws=400, seed=SEED)}


@pytest.fixture(scope="module")
def analyses(run):
    scenario = run["scenario"]
    return {"sobol": sensitivity(scenario, "sobol", n=16, seed=SEED),
            "morris": sensitivity(scenario, "morris", n=6, seed=SEED)}


@pytest.fixture(scope="module")
def comparison():
    """A region comparison as ``simulator.analysis.compare`` makes it: two horizons, NaN outside."""
    years = np.arange(2020, 2031)
    co2 = np.full((2, years.size), np.nan)
    co2[0, 2:] = np.linspace(8000.0, 8400.0, 9)   # from 2022
    co2[1] = np.linspace(1500.0, 1450.0, 11)      # from 2020
    bands = co2[:, None, :] * np.array([0.8, 0.9, 1.0, 1.1, 1.3])[None, :, None]
    return xr.Dataset(
        {"peak_probability": ("scenario", [0.3, 0.55]),
         "peak_probability_lower": ("scenario", [0.28, 0.52]),
         "peak_probability_upper": ("scenario", [0.32, 0.58]),
         "deterministic_peak_year": ("scenario", [2030, 2020]),
         "co2": (("scenario", "year"), co2),
         "co2_bands": (("scenario", "quantile", "year"), bands)},
        coords={"scenario": ["taiyuan_base", "yongzhou_base"],
                "region": ("scenario", ["Taiyuan", "Yongzhou"]), "year": years,
                "quantile": [0.05, 0.25, 0.5, 0.75, 0.95]},
        attrs={"draws": 500, "seed": 1, "peak_by_year": 2030})


def line(ax, text):
    return next(ln for ln in ax.get_lines() if ln.get_label() == text)


def collection(ax, text):
    return next(c for c in ax.collections if c.get_label() == text)


def bar_widths(ax):
    return np.array([p.get_width() for p in ax.patches])


# --- fan chart --------------------------------------------------------------------------------

def test_fan_chart_draws_the_median_and_the_deterministic_path_in_mt(run):
    ax = plots.fan_chart(run["projection"], run["bands"], run["info"]).axes[0]
    median = line(ax, labels.label("median"))
    bands = run["bands"]["co2"]
    np.testing.assert_array_equal(median.get_xdata(), bands["year"].values)
    np.testing.assert_allclose(median.get_ydata(), bands.sel(quantile=0.5).values / 100)
    path = line(ax, labels.label("deterministic"))
    np.testing.assert_allclose(path.get_ydata(), run["projection"]["co2"].values / 100)
    assert line(ax, labels.label("peak_test_year", year=2030)).get_xdata()[0] == 2030
    assert ax.get_ylabel() == "CO2 emissions (Mt)"


def test_fan_chart_bands_span_their_quantiles(run):
    ax = plots.fan_chart(run["projection"], run["bands"], run["info"]).axes[0]
    bands = run["bands"]["co2"] / 100
    for key, (low, high) in (("band90", (0.05, 0.95)), ("band50", (0.25, 0.75))):
        band = collection(ax, labels.label(key))
        assert isinstance(band, PolyCollection)
        vertices = band.get_paths()[0].vertices
        for year, lo, hi in zip(bands["year"].values, bands.sel(quantile=low).values,
                                bands.sel(quantile=high).values, strict=True):
            at = vertices[vertices[:, 0] == year, 1]
            assert np.isclose(at.min(), lo) and np.isclose(at.max(), hi)


def test_fan_chart_puts_a_co2_intensity_target_at_plan_times_gdp(run):
    ax = plots.fan_chart(run["projection"], run["bands"], run["info"]).axes[0]
    targets = [t for t in run["info"]["targets"] if t["variable"] == "co2_intensity"]
    assert [t["year"] for t in targets] == [2022, 2025]
    marker = line(ax, labels.label("target_co2_intensity"))
    gdp = run["projection"]["gdp"]
    # t/万元 x 亿元 = 万t; / 100 -> Mt
    expected = [t["plan_value"] * float(gdp.sel(year=t["year"])) / 100 for t in targets]
    np.testing.assert_array_equal(marker.get_xdata(), [2022, 2025])
    np.testing.assert_allclose(marker.get_ydata(), expected)
    assert expected[1] == pytest.approx(1.3 * 5869 / 100, rel=1e-3)  # README: GDP 2025


def test_fan_chart_marks_the_base_year_statistic_and_the_observed_years(run):
    """Taiyuan's GDP growth is observed in 2023-2024: those years are shaded, up to 2024."""
    ax = plots.fan_chart(run["projection"], run["bands"], run["info"]).axes[0]
    point = line(ax, labels.label("base_year_point", year=2022))
    np.testing.assert_allclose(point.get_ydata(),
                               [float(run["projection"]["co2"].sel(year=2022)) / 100])
    (span,) = [p for p in ax.patches
               if p.get_label() == labels.label("observed_span", first=2023, last=2024)]
    assert (span.get_x(), span.get_x() + span.get_width()) == (2022, 2024)


def test_fan_chart_converts_a_co2_target_range_from_the_plan_unit(run):
    info = dict(run["info"], targets=[{
        "variable": "co2", "measure": "level", "year": 2030, "unit": "亿吨",
        "plan_value": [0.8, 0.9]}])
    ax = plots.fan_chart(run["projection"], run["bands"], info).axes[0]
    marker = line(ax, labels.label("target_co2"))
    np.testing.assert_allclose(marker.get_ydata(), [85.0])  # 0.8-0.9 亿t = 80-90 Mt
    segment = ax.collections[-1].get_segments()[0]
    np.testing.assert_allclose(segment, [[2030, 80.0], [2030, 90.0]])


def test_fan_chart_without_uncertainty_draws_the_deterministic_path_only(run):
    info = {k: v for k, v in run["info"].items() if k not in ("draws", "peak", "targets")}
    figure = plots.fan_chart(run["projection"], None, info)
    ax = figure.axes[0]
    assert [ln.get_label() for ln in ax.get_lines()] == [
        labels.label("deterministic"), labels.label("peak_test_year", year=2030),
        labels.label("base_year_point", year=2022)]
    assert not ax.collections
    assert ax.get_title(loc="left") == labels.label("deterministic_only")


@needs_cjk_font
def test_fan_chart_in_chinese_shows_co2_in_wan_tonnes(run):
    figure = plots.fan_chart(run["projection"], run["bands"], run["info"], lang="zh")
    median = line(figure.axes[0], labels.label("median", "zh"))
    np.testing.assert_allclose(median.get_ydata(), run["bands"]["co2"].sel(quantile=0.5).values)
    assert figure.axes[0].get_ylabel() == "二氧化碳排放量（万吨）"


# --- peak year and targets ---------------------------------------------------------------------

def test_histogram_bars_are_the_shares_of_draws_by_peak_year(run):
    figure = plots.peak_year_histogram(run["ensemble"], run["info"])
    ax = figure.axes[0]
    years = run["ensemble"]["peak_year"].values
    bars = sorted(ax.patches, key=lambda p: p.get_x())
    centres = np.array([p.get_x() + p.get_width() / 2 for p in bars])
    heights = np.array([p.get_height() for p in bars])
    counts = np.bincount(years - years.min())
    np.testing.assert_allclose(centres, years.min() + np.arange(counts.size))
    np.testing.assert_allclose(heights, 100 * counts / years.size)
    assert heights.sum() == pytest.approx(100.0)
    early = {p.get_facecolor() for p, x in zip(bars, centres, strict=True) if x <= 2030}
    late = {p.get_facecolor() for p, x in zip(bars, centres, strict=True) if x > 2030}
    assert len(early) == 1 and len(late) == 1 and early != late
    share = run["info"]["peak"]["probability"]
    assert heights[centres <= 2030].sum() == pytest.approx(100 * share)
    assert labels.percent(share) == f"{100 * share:.1f}\u00a0%"
    assert labels.percent(share) in ax.get_title()


def test_scorecard_has_one_row_per_target_and_bars_of_p_met(run):
    """A bar of P(met) on each target's row; a baseline row (the plan's 2022 statistic) says
    so instead of a bar."""
    targets = run["info"]["targets"]
    figure = plots.target_scorecard(run["info"])
    table, bars = figure.axes
    forward = [i for i, t in enumerate(targets) if not t["baseline"]]
    baselines = [i for i, t in enumerate(targets) if t["baseline"]]
    assert len(baselines) == 5 and {targets[i]["year"] for i in baselines} == {2022}
    assert all(targets[i]["probability_met"] is None for i in baselines)
    np.testing.assert_allclose(bar_widths(bars),
                               [100 * targets[i]["probability_met"] for i in forward])
    np.testing.assert_array_equal([p.get_y() + p.get_height() / 2 for p in bars.patches],
                                  forward)
    said = [t.get_position()[1] for t in bars.texts if t.get_text() == labels.label("card_baseline")]
    assert said == baselines
    cells = table.texts
    rows = [t.get_position()[1] for t in cells]
    assert sorted(set(rows)) == [-0.9, *range(len(targets))]  # a header row, then the targets
    assert all(rows.count(row) == 4 for row in rows)  # target, plan, model, P(met)
    texts = [t.get_text() for t in cells]
    # 万 where a font draws it, else the powers of ten (test_english_charts_need_no_chinese_font)
    expected = (["0.559 tce/万元", "300 万kW"] if fonts.has_chinese_font()
                else ["0.559 tce/10⁴ yuan", "300 ×10⁴ kW"])
    assert all(text in texts for text in expected), texts
    assert texts.count("Energy use per unit of GDP (constant prices),\n2025") == 1


def test_scorecard_shows_a_range_and_needs_targets(run):
    row = dict(run["info"]["targets"][0], plan_value=[0.55, 0.6])
    figure = plots.target_scorecard(dict(run["info"], targets=[row]))
    wan_yuan = "万元" if fonts.has_chinese_font() else "10⁴ yuan"
    assert f"0.55-0.6 tce/{wan_yuan}" in [t.get_text() for t in figure.axes[0].texts]
    info = {k: v for k, v in run["info"].items() if k != "targets"}
    assert plots.target_scorecard(info) is None


# --- sensitivity, sweeps, regions -------------------------------------------------------------

def test_sobol_chart_ranks_parameters_by_total_order(analyses):
    result = analyses["sobol"]
    figure = plots.sensitivity_chart(result)
    panels = [ax for ax in figure.axes if ax.patches]
    assert len(panels) == result.sizes["output"]
    for ax, output in zip(panels, result["output"].values, strict=True):
        total = 100 * result["total_order"].sel(output=output).values
        drawn = bar_widths(ax)[:total.size]  # total order first, then first order
        np.testing.assert_allclose(drawn, np.sort(total)[::-1])
        names = [t.get_text() for t in ax.get_yticklabels()]
        ranked = result["parameter"].values[np.argsort(-total, kind="stable")]
        assert names == [labels.parameter_name(p) for p in ranked]


def test_morris_chart_shows_mu_star_in_the_output_unit(analyses):
    result = analyses["morris"]
    panels = [ax for ax in plots.sensitivity_chart(result).axes if ax.patches]
    for ax, output in zip(panels, result["output"].values, strict=True):
        scale = 1.0 if output == "peak_year" else 0.01  # years; CO2 万t -> Mt
        mu_star = scale * result["mu_star"].sel(output=output).values
        np.testing.assert_allclose(bar_widths(ax), np.sort(mu_star)[::-1])
        assert ("(Mt)" in ax.get_xlabel()) == (output != "peak_year")


def test_sweep_line_is_the_probability_against_the_value(sweeps):
    result = sweeps["1d"]
    ax = plots.sweep_chart(result).axes[0]
    drawn = line(ax, labels.label("peak_probability", year=2030))
    ordered = result.sortby(DECLINE)
    np.testing.assert_allclose(drawn.get_xdata(), [2.0, 3.0, 4.0])  # %/yr
    np.testing.assert_allclose(drawn.get_ydata(), 100 * ordered["peak_probability"].values)
    plan = [ln for ln in ax.get_lines() if "plan value" in ln.get_label()]
    assert plan[0].get_xdata()[0] == pytest.approx(100 * result[DECLINE].attrs["plan_value"])
    assert "(%/yr)" in ax.get_xlabel()


def test_sweep_heat_map_writes_the_probability_in_each_cell(sweeps):
    result = sweeps["2d"]
    ax = plots.sweep_chart(result).axes[0]
    cells = {(round(t.get_position()[0], 6), round(t.get_position()[1], 6)): t.get_text()
             for t in ax.texts if re.fullmatch(r"\d+\.\d", t.get_text())}
    assert len(cells) == 6
    for decline in result[DECLINE].values:
        for growth in result[GROWTH].values:
            p = result["peak_probability"].sel({DECLINE: decline, GROWTH: growth}).item()
            assert cells[(round(100 * decline, 6), round(100 * growth, 6))] == f"{100 * p:.1f}"
    assert np.ma.getdata(ax.collections[0].get_array()).max() <= 100


def test_sweep_of_three_parameters_has_no_chart(sweeps):
    result = sweeps["2d"].expand_dims({"base.coal_share": [0.6]})
    assert plots.sweep_chart(result) is None


def test_region_comparison_draws_probabilities_and_indexed_paths(comparison):
    figure = plots.region_comparison(comparison)
    chances, paths = figure.axes
    np.testing.assert_allclose(bar_widths(chances), [30.0, 55.0])
    assert [t.get_text() for t in chances.get_yticklabels()] == ["Taiyuan", "Yongzhou"]
    taiyuan, yongzhou = line(paths, "Taiyuan"), line(paths, "Yongzhou")
    np.testing.assert_array_equal(taiyuan.get_xdata(), np.arange(2022, 2031))
    np.testing.assert_allclose(taiyuan.get_ydata(), np.linspace(100, 105, 9))
    assert yongzhou.get_ydata()[0] == 100 and yongzhou.get_xdata()[0] == 2020
    band = paths.collections[0].get_paths()[0].vertices
    assert np.isfinite(band).all() and band[:, 1].min() == pytest.approx(80.0)


# --- languages and fonts ----------------------------------------------------------------------

# CI installs a CJK font (.ci/run), so there a missing font fails instead of skipping
@needs_cjk_font
@pytest.mark.parametrize("chart", ["fan", "histogram", "scorecard", "sobol", "morris",
                                   "sweep1d", "sweep2d", "regions"])
def test_chinese_charts_have_chinese_titles_and_no_missing_glyph(
        chart, run, sweeps, analyses, comparison):
    make = {
        "fan": lambda: plots.fan_chart(run["projection"], run["bands"], run["info"], "zh"),
        "histogram": lambda: plots.peak_year_histogram(run["ensemble"], run["info"], "zh"),
        "scorecard": lambda: plots.target_scorecard(run["info"], "zh"),
        "sobol": lambda: plots.sensitivity_chart(analyses["sobol"], "zh"),
        "morris": lambda: plots.sensitivity_chart(analyses["morris"], "zh"),
        "sweep1d": lambda: plots.sweep_chart(sweeps["1d"], "zh"),
        "sweep2d": lambda: plots.sweep_chart(sweeps["2d"], "zh"),
        "regions": lambda: plots.region_comparison(comparison, "zh"),
    }[chart]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" fails the test
        figure = make()
        plots.png_bytes(figure, dpi=30)  # glyphs are looked up whatever the size
    assert CJK.search(figure.get_suptitle())


@pytest.fixture
def no_cjk_font(monkeypatch):
    fonts.find_chinese_font.cache_clear()
    monkeypatch.setattr(fonts, "installed_fonts", lambda: [])
    monkeypatch.setattr(fonts, "refresh_font_list", lambda: False)
    yield
    fonts.find_chinese_font.cache_clear()


def test_chinese_font_missing_names_lang_and_the_remedy(no_cjk_font, run):
    with pytest.raises(InputError) as caught:
        fonts.chinese_font()
    assert caught.value.file == "--lang" and caught.value.value == "zh"
    allowed = str(caught.value.allowed)  # a Message: str() is its English
    assert "--lang en" in allowed and "fonts-wqy-microhei" in allowed
    with pytest.raises(InputError):
        plots.fan_chart(run["projection"], run["bands"], run["info"], lang="zh")


def test_english_charts_need_no_chinese_font(no_cjk_font, run):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = plots.target_scorecard(run["info"])
        plots.png_bytes(figure)
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert "0.559 tce/10⁴ yuan" in texts and "300 ×10⁴ kW" in texts
    assert not any(CJK.search(t) for t in texts)


@needs_cjk_font
def test_chinese_font_is_found_by_its_glyphs_when_no_known_family_is_there(monkeypatch):
    family = fonts.chinese_font()
    entries = [e for e in fonts.installed_fonts() if e.name == family]
    renamed = [type("Entry", (), {"name": "Unlisted CJK", "fname": e.fname}) for e in entries]
    fonts.find_chinese_font.cache_clear()
    monkeypatch.setattr(fonts, "installed_fonts", lambda: renamed)
    try:
        assert fonts.chinese_font() == "Unlisted CJK"
    finally:
        fonts.find_chinese_font.cache_clear()


def test_labels_name_regions_targets_and_parameters():
    assert [labels.region_name(r, "zh") for r in ("Taiyuan", "Lüliang", "Lvliang", "Mars")] == \
        ["太原", "吕梁", "吕梁", "Mars"]
    assert labels.region_name("Taiyuan") == "Taiyuan"
    row = {"name_zh": "单位GDP能源消费量", "name_en": "Energy use per unit of GDP"}
    assert labels.target_name(row, "zh") == "单位GDP能源消费量"
    assert labels.target_name(row) == "Energy use per unit of GDP"
    assert labels.parameter_name(GROWTH) == "GDP growth rate, 2026 value"
    assert labels.parameter_name(GROWTH, "zh") == "GDP增速（2026年取值）"
    assert labels.parameter_name("paths.unknown.values.2026") == "paths.unknown.values.2026"
    assert labels.label("sweep_y", "zh", year=2030) == "2030年前达峰概率（%）"
    with pytest.raises(InputError, match="--lang"):
        labels.label("year", "fr")


# --- files -------------------------------------------------------------------------------------

def test_png_bytes_is_a_png_with_a_drawing(run, tmp_path):
    figure = plots.peak_year_histogram(run["ensemble"], run["info"])
    content = plots.png_bytes(figure, dpi=50)
    assert content.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = mpl_image.imread(io.BytesIO(content), format="png")
    assert pixels.shape[:2] == (int(4.8 * 50), int(8.0 * 50))
    assert pixels[..., :3].min() < 0.5 and pixels[..., :3].std() > 0.05  # not blank
    write = plots.png_writer(figure)
    write(tmp_path / "peak_year.png")
    assert (tmp_path / "peak_year.png").read_bytes() == plots.png_bytes(figure)


def test_charts_made_in_threads_equal_charts_made_one_by_one(run):
    def histogram(_=None):
        return plots.png_bytes(plots.peak_year_histogram(run["ensemble"], run["info"]), dpi=40)

    alone = histogram()
    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(histogram, range(4))) == [alone] * 4


def test_histogram_says_what_its_edge_bars_mean(run):
    """Taiyuan's draws peak in 2022 (falling in every later year) and in 2060 (still rising):
    each edge bar carries its meaning, at its own height."""
    figure = plots.peak_year_histogram(run["ensemble"], run["info"])
    ax = figure.axes[0]
    said = {t.get_text(): t.xy for t in ax.texts}
    years = run["ensemble"]["peak_year"].values
    for year, key in ((2022, "hist_edge_first"), (2060, "hist_edge_last")):
        share = 100.0 * (years == year).mean()
        assert share > 0
        assert said[labels.label(key, year=year)] == pytest.approx((year, share))


def test_a_target_the_central_path_meets_by_calibration_is_marked_so(run):
    """Taiyuan's own lock fits every modelled target: each model value carries the mark and
    the note says it is not a validation; a variant on its parent's lock, whose 2030
    intensity beats the plan, marks nothing."""
    assert all(t["calibrated"] for t in run["info"]["targets"])
    table = plots.target_scorecard(run["info"]).axes[0]
    assert sum(t.get_text().endswith("*") for t in table.texts) == len(run["info"]["targets"])
    variant = simulator.load_scenario(TAIYUAN.parent / "taiyuan_accelerated.yaml")
    projection = project(variant)
    info = summary(projection, variant, simulate(variant, draws=200, seed=SEED))
    assert not any(t["calibrated"] for t in info["targets"])
    by_year = {(t["id"], t["year"]): t["model_value"] for t in info["targets"]}
    assert by_year[("energy_intensity", 2030)] < 0.503 * (1 - 0.005)


def test_histogram_names_the_step_changes_that_bunch_the_peaks(run):
    """Taiyuan's assumed growth steps in 2025 (after the observed 2023-2024), 2031, 2036, 2041
    and 2051, and its intensity decline in 2026; the 2031 intensity key differs from 2026's by
    0.004 points only (rounding, not a step). The chart's foot says so."""
    assert run["info"]["path_steps"] == {"gdp_growth": [2025, 2031, 2036, 2041, 2051],
                                         "energy_intensity_decline": [2026]}
    figure = plots.peak_year_histogram(run["ensemble"], run["info"])
    foot = " ".join(figure._supxlabel.get_text().split())
    assert "GDP growth rate in 2025, 2031, 2036, 2041, 2051" in foot
    assert "energy-intensity decline rate in 2026" in foot
