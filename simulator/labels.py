"""Every string a chart shows, in English and Chinese, and the font that can show them.

Conventions: CO2 is shown in Mt in English and in 万吨 (the plans' own unit) in Chinese; plan
targets keep the plan's unit (吨标准煤/万元, 万千瓦, ...), written the way the printed report
writes it in English (tce/万元, 万kW). Shares are shown in percent. When no installed font has
Chinese characters, English charts write the 万/亿 prefixes as powers of ten instead, so that
they never show missing-glyph boxes.
"""

from __future__ import annotations

import functools
import re

from .errors import InputError
from .report import WAN_T_PER_MT

LANGUAGES = ("en", "zh")

# Families with Chinese glyphs, tried in this order before any other installed font
KNOWN_CJK_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
    "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN",
)
PROBE_CHARACTERS = "碳峰"  # a font that has these has the plans' vocabulary
LATIN_FAMILY = "DejaVu Sans"  # ships with matplotlib
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")

TEXT = {
    "en": {
        "year": "Year",
        "co2_axis": "CO2 emissions ({unit})",
        "fan_title": "{region}: CO2 emissions, scenario {scenario}",
        "median": "median of the draws",
        "band50": "25-75 % of the draws",
        "band90": "5-95 % of the draws",
        "deterministic": "deterministic path (central values)",
        "peak_test_year": "peak test: {year}",
        "target_co2": "plan target: CO2",
        "target_co2_intensity": "CO2 implied by the plan's CO2-intensity target at projected GDP",
        "bands_note": "Bands: quantiles of each year's CO2 over {based_on}.",
        "peak_note": "P(CO2 peaks by {year}) = {p} (95 % interval {low}-{high}), "
                     "{draws:,} draws, seed {seed}.",
        "deterministic_only": "Deterministic projection only: the scenario has no uncertainty "
                              "section.",
        "hist_title": "{region}: year CO2 peaks, {draws:,} draws, scenario {scenario}",
        "hist_x": "Year of peak CO2",
        "hist_y": "Share of draws (%)",
        "peak_by": "peak in or before {year}",
        "peak_after": "peak after {year}",
        "peak_line": "P(CO2 peaks by {year}) = {p}; 95 % interval {low}-{high}",
        "plateau": "counting draws that stay within {tolerance} of their {year} level",
        "card_title": "{region}: plan targets, scenario {scenario}",
        "col_target": "Plan target, year",
        "col_plan": "Plan",
        "col_model": "Model",
        "col_p": "P(met)",
        "card_x": "P(target met) (%)",
        "card_note": "Model: the deterministic (central) path. P(met): share of {draws:,} draws "
                     "at least as good as the plan (within {tolerance}); error bars: 95 % "
                     "interval.",
        "sobol_title": "{region}: which uncertainties move CO2 (Sobol indices, {runs:,} model "
                       "runs), scenario {scenario}",
        "sobol_x": "Share of output variance (%)",
        "total_order": "total order ST (with interactions)",
        "first_order": "first order S1 (alone)",
        "morris_title": "{region}: which uncertainties move CO2 (Morris screening, {runs:,} "
                        "model runs), scenario {scenario}",
        "morris_x": "μ*, mean absolute change across the range ({unit})",
        "raises": "mean effect raises the output",
        "lowers": "mean effect lowers the output",
        "interval_note": "Error bars: 95 % bootstrap intervals.",
        "independence_note": " Correlations between inputs left out: indices assume independent "
                             "inputs.",
        "sweep_title": "{region}: P(CO2 peaks by {year}) over a parameter sweep, scenario "
                       "{scenario}",
        "sweep_y": "P(CO2 peaks by {year}) (%)",
        "wilson": "95 % interval (Wilson)",
        "peak_probability": "P(CO2 peaks by {year})",
        "plan_value": "{name}: plan value {value}",
        "outside_grid": " (outside the grid)",
        "sweep_note": "{draws:,} draws at every point, the same draws everywhere (seed {seed}).",
        "compare_title": "Does CO2 peak by {year}? {count} scenarios, {draws:,} draws each "
                         "(seed {seed})",
        "compare_p": "P(CO2 peaks by {year}) (%), 95 % interval",
        "compare_index": "CO2 (deterministic base-year value = 100)",
        "compare_band": "5-95 % of the draws",
        "percent": "{value:.1f}\u00a0%",  # no line break before %
    },
    "zh": {
        "year": "年份",
        "co2_axis": "二氧化碳排放量（{unit}）",
        "fan_title": "{region}二氧化碳排放（情景 {scenario}）",
        "median": "各次抽样的中位数",
        "band50": "25%-75% 抽样区间",
        "band90": "5%-95% 抽样区间",
        "deterministic": "确定性路径（中心取值）",
        "peak_test_year": "达峰检验年份：{year}年",
        "target_co2": "规划目标：二氧化碳排放量",
        "target_co2_intensity": "规划碳排放强度目标在预测GDP下对应的排放量",
        "bands_note": "阴影：各年二氧化碳排放量的分位区间，基于{based_on}。",
        "peak_note": "{year}年前达峰概率 {p}（95%区间 {low}-{high}），{draws:,} 次抽样，"
                     "随机种子 {seed}。",
        "deterministic_only": "仅确定性预测：情景未设定不确定性。",
        "hist_title": "{region}二氧化碳达峰年份分布（{draws:,} 次抽样，情景 {scenario}）",
        "hist_x": "二氧化碳达峰年份",
        "hist_y": "抽样占比（%）",
        "peak_by": "{year}年及以前达峰",
        "peak_after": "{year}年以后达峰",
        "peak_line": "{year}年前达峰概率 {p}；95%区间 {low}-{high}",
        "plateau": "含此后排放不超过{year}年水平{tolerance}的抽样",
        "card_title": "{region}规划目标达成情况（情景 {scenario}）",
        "col_target": "规划目标（年份）",
        "col_plan": "规划值",
        "col_model": "模型值",
        "col_p": "达成概率",
        "card_x": "目标达成概率（%）",
        "card_note": "模型值：确定性（中心）路径。达成概率：{draws:,} 次抽样中不劣于规划值"
                     "（容差{tolerance}）的占比；误差线：95%区间。",
        "sobol_title": "{region}：哪些不确定性影响排放（Sobol指数，{runs:,} 次模型运行，"
                       "情景 {scenario}）",
        "sobol_x": "占输出方差的比例（%）",
        "total_order": "总效应指数 ST（含交互作用）",
        "first_order": "一阶指数 S1（单独作用）",
        "morris_title": "{region}：哪些不确定性影响排放（Morris筛选，{runs:,} 次模型运行，"
                        "情景 {scenario}）",
        "morris_x": "μ*：参数在其范围内变动引起的平均绝对变化（{unit}）",
        "raises": "平均效应使输出增加",
        "lowers": "平均效应使输出减少",
        "interval_note": "误差线：95% 自助法区间。",
        "independence_note": "未计入输入之间的相关性：指数假定输入相互独立。",
        "sweep_title": "{region}：参数扫描下{year}年前达峰概率（情景 {scenario}）",
        "sweep_y": "{year}年前达峰概率（%）",
        "wilson": "95%区间（Wilson）",
        "peak_probability": "{year}年前达峰概率",
        "plan_value": "{name}：规划值 {value}",
        "outside_grid": "（在扫描范围之外）",
        "sweep_note": "每个点 {draws:,} 次抽样，各点使用相同的抽样（随机种子 {seed}）。",
        "compare_title": "{year}年前能否达峰？{count} 个情景，各 {draws:,} 次抽样"
                         "（随机种子 {seed}）",
        "compare_p": "{year}年前达峰概率（%），含95%区间",
        "compare_index": "二氧化碳排放指数（确定性基年值 = 100）",
        "compare_band": "5%-95% 抽样区间",
        "percent": "{value:.1f}%",
    },
}

REGIONS_ZH = {"Taiyuan": "太原", "Shanxi": "山西", "Qingdao": "青岛", "Yongzhou": "永州",
              "Lvliang": "吕梁", "Lüliang": "吕梁"}

# CO2 as shown: (unit, factor from the data's 万t)
CO2_UNITS = {"en": ("Mt", 1.0 / WAN_T_PER_MT), "zh": ("万吨", 1.0)}

# plan and model units as each language writes them; shares ("1") are shown in percent
UNITS = {
    "en": {"吨标准煤/万元": "tce/万元", "吨/万元": "t/万元", "万千瓦": "万kW", "亿千瓦": "亿kW",
           "万吨": "万t", "亿吨": "亿t", "万吨标准煤": "万tce", "亿吨标准煤": "亿tce",
           "亿千瓦时": "亿kWh", "百分点": "percentage points", "yr": "years", "1": "%",
           "1/yr": "%/yr"},
    "zh": {"tce/万元": "吨标准煤/万元", "t/万元": "吨/万元", "万kW": "万千瓦", "亿kW": "亿千瓦",
           "万t": "万吨", "万t CO2": "万吨二氧化碳", "万tce": "万吨标准煤", "亿kWh": "亿千瓦时",
           "亿元": "亿元", "yr": "年", "h/yr": "小时/年", "gce/kWh": "克标准煤/千瓦时",
           "tCO2/tce": "吨二氧化碳/吨标准煤", "tCO2/MWh": "吨二氧化碳/兆瓦时", "1": "%",
           "1/yr": "%/年"},
}
# the 万/亿 prefixes for fonts without Chinese characters
POWERS_OF_TEN = (("万元", "10⁴ yuan"), ("亿元", "10⁸ yuan"), ("万", "×10⁴ "), ("亿", "×10⁸ "))

DRIVERS = {
    "gdp": ("GDP", "GDP"),
    "gdp_growth": ("GDP growth rate", "GDP增速"),
    "energy_intensity": ("energy intensity", "能耗强度"),
    "energy_intensity_decline": ("energy-intensity decline rate", "能耗强度下降率"),
    "coal_share": ("coal share", "煤炭占比"),
    "oil_share": ("oil share", "石油占比"),
    "renewable_capacity": ("renewable capacity", "可再生能源装机"),
    "full_load_hours": ("full-load hours", "满负荷小时数"),
    "coal_equivalent_rate": ("coal equivalent of power", "发电煤耗"),
    "other_non_fossil_energy": ("other non-fossil energy", "其他非化石能源"),
    "process_emissions": ("process emissions", "工业过程排放"),
    "ccus": ("CCUS", "CCUS"),
    "net_electricity_exports": ("net electricity exports", "净外送电量"),
    "coal": ("emission factor of coal", "煤炭排放因子"),
    "oil": ("emission factor of oil", "石油排放因子"),
    "gas": ("emission factor of gas", "天然气排放因子"),
    "electricity_export": ("emission factor of exported power", "外送电排放因子"),
    "shocks": ("yearly shocks (all together)", "逐年随机冲击（合计）"),
}
OUTPUTS = {
    "peak_year": ("year of peak CO2", "达峰年份"),
    "peak_co2": ("peak CO2", "峰值排放量"),
    "co2_2030": ("CO2 in 2030", "2030年排放量"),
    "cumulative_co2": ("cumulative CO2 over the horizon", "预测期累计排放量"),
}


def check_language(lang: str) -> str:
    """``lang`` if it is one of ``LANGUAGES``, else ``InputError`` naming ``--lang``."""
    if lang not in LANGUAGES:
        raise InputError("--lang", None, "unknown chart language", value=lang,
                         allowed=", ".join(LANGUAGES))
    return lang


def label(key: str, lang: str = "en", **values) -> str:
    """The chart string ``key`` in ``lang``, with ``values`` in its placeholders.

    Parameters
    ----------
    key : str
        A key of ``TEXT[lang]``, e.g. ``"fan_title"``.
    lang : {"en", "zh"}
    **values
        The placeholders' values (``region``, ``year``, ...).
    """
    return TEXT[check_language(lang)][key].format(**values)


def percent(share: float, lang: str = "en") -> str:
    """A share (fraction) as a percentage for a chart, one decimal."""
    return label("percent", lang, value=100.0 * share)


def region_name(region: str, lang: str = "en") -> str:
    """A region's name in ``lang``; regions without a Chinese name stay as given."""
    return REGIONS_ZH.get(region, region) if check_language(lang) == "zh" else region


def target_name(row: dict, lang: str = "en") -> str:
    """A plan target's name: as the plan writes it (``name_zh``) or in English."""
    return row["name_zh"] if check_language(lang) == "zh" else row["name_en"]


def output_name(output: str, lang: str = "en", fallback: str | None = None) -> str:
    """A sensitivity output's name (``peak_year``, ``peak_co2``, ...)."""
    names = OUTPUTS.get(output)
    if names is None:
        return fallback or output
    return names[LANGUAGES.index(check_language(lang))]


def parameter_name(path: str, lang: str = "en") -> str:
    """A scenario parameter path as words: ``paths.gdp_growth.values.2026`` ->
    "GDP growth rate, 2026 value"; unknown paths stay as given."""
    parts = path.split(".")
    driver = parts[1] if len(parts) > 1 else parts[0]
    if driver not in DRIVERS or (len(parts) > 2 and parts[2:3] != ["values"]):
        return path
    name = DRIVERS[driver][LANGUAGES.index(check_language(lang))]
    if parts[0] == "base":
        name = f"base-year {name}" if lang == "en" else f"基年{name}"
    if len(parts) == 4:
        name += f", {parts[3]} value" if lang == "en" else f"（{parts[3]}年取值）"
    return name


def unit_name(unit: str | None, lang: str = "en") -> str:
    """A plan or model unit as ``lang`` writes it; shares ("1") become "%"."""
    text = UNITS[check_language(lang)].get(unit or "", unit or "")
    if lang == "en" and CJK.search(text) and not has_chinese_font():
        for prefix, power in POWERS_OF_TEN:
            text = text.replace(prefix, power)
    return text


def co2_unit(lang: str = "en") -> tuple[str, float]:
    """CO2 as charts show it: the unit and the factor from the data's 万t."""
    return CO2_UNITS[check_language(lang)]


def chinese_font() -> str:
    """The family name of an installed font with Chinese characters.

    Raises
    ------
    InputError
        Naming ``--lang`` when no installed font has Chinese characters.
    """
    family = find_chinese_font()
    if family is None:
        raise InputError("--lang", None, "no installed font has Chinese characters", value="zh",
                         allowed="--lang en, or install a CJK font, e.g. Debian/Ubuntu: apt-get "
                         "install fonts-wqy-microhei; Fedora: dnf install "
                         "google-noto-sans-cjk-fonts; macOS and Windows have one already")
    return family


@functools.cache  # the answer, "none" included: looking costs a scan of every font file
def find_chinese_font() -> str | None:
    """A known Chinese font family if one is installed, else any font that has
    ``PROBE_CHARACTERS``, else None."""
    families = {entry.name: entry.fname for entry in installed_fonts()}
    for family in KNOWN_CJK_FAMILIES:
        if family in families:
            return family
    return next((family for family, path in sorted(families.items())
                 if covers(path, PROBE_CHARACTERS)), None)


def installed_fonts() -> list:
    """The fonts matplotlib knows (``font_manager.FontEntry`` list)."""
    from matplotlib import font_manager  # imported when a chart is made, not with the CLI

    return list(font_manager.fontManager.ttflist)


def covers(path: str, characters: str) -> bool:
    """Does the font file at ``path`` have a glyph for every one of ``characters``?"""
    from matplotlib import ft2font

    try:
        font = ft2font.FT2Font(path)
    except (OSError, RuntimeError, ValueError):
        return False  # an unreadable font file has nothing to offer
    return all(font.get_char_index(ord(ch)) for ch in characters)


def has_chinese_font() -> bool:
    """Whether ``chinese_font`` finds a font."""
    return find_chinese_font() is not None


def font_families(lang: str = "en") -> list[str]:
    """The font families a chart in ``lang`` uses, in order of fallback: Chinese charts need a
    font with Chinese characters (``chinese_font`` raises without one); English charts use one
    for the 万/亿 of units when there is one."""
    if check_language(lang) == "zh":
        return [chinese_font(), LATIN_FAMILY]
    return [LATIN_FAMILY, chinese_font()] if has_chinese_font() else [LATIN_FAMILY]
