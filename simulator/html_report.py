"""``report.html``: one self-contained page with a run's answer, for a planner to read or email.

``render_html(info, charts, scenario, ensemble, command, lang)`` returns the page as text. In
order, it shows:

1. the answer in one sentence, with the number (P(CO2 peaks by 2030) and its 95 % interval in
   IPCC likelihood words, and the central path's peak), and the key figures behind it;
2. the charts, embedded as ``data:image/png;base64`` with captions and alt text;
3. the plan's targets: names as the plan writes them, plan and model values with units,
   P(met) with its interval, and the plan's own words with their source;
4. the uncertainty ranges (distribution in words and numbers, the 5-95 % range actually
   drawn, the source note from the scenario file) and the numbers labelled as assumptions;
5. what reproduces the run: command, seed, draws, sampling, files and their SHA-256, version.

The page loads nothing: no scripts, fonts, stylesheets or remote images; its CSS is inline.
Every text from data is escaped with ``html.escape``; numbers that are missing or not finite
are written as a dash, never as NaN or None.
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
import struct
from pathlib import Path

import numpy as np
import xarray as xr

from .ensemble import TARGET_TOLERANCE
from .errors import ScenarioError
from .labels import (
    UNITS, check_language, co2_unit, parameter_name, region_name,
)
from .lock import lock_path
from .parameters import is_driver_path, parameter_field
from .peak import TARGET_PEAK_YEAR
from .provenance import Note, field_notes
from .report import likelihood
from .run import has_uncertainty
from .scenario import Scenario
from .schema import FIELDS_BY_PATH, Field

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DASH = "–"

TEXT = {
    "en": {
        "title": "{region}: does CO2 peak by {year}? Scenario {scenario}",
        "plan_clause": "If {region} delivers its plan's targets",
        "scenario_clause": "In scenario {scenario} ({region})",
        "answer": "{clause}, CO2 peaks by {year}{plateau} in {p} of {draws:,} simulated futures "
                  "(95\u00a0% interval {low}-{high}): {words}.",
        "plateau": " (or stays within {tolerance} of its {year} level)",
        "central_peaks": "On the central path CO2 peaks in {peak}.",
        "central_rises": "On the central path CO2 keeps rising until {peak}.",
        "deterministic": "{clause}, CO2 on the central path {verdict}. {why}",
        "why_no_uncertainty": "The scenario declares no uncertainty, so this answer is "
                              "deterministic only.",
        "why_no_draws": "No draws were made for this report, so this answer is deterministic "
                        "only.",
        "verdict_peaks": "peaks in {peak}, by {year}",
        "verdict_rises": "does not peak by {year}: it keeps rising until {peak}",
        "fact_central": "Central path: CO2 {base} in {base_year}, {at} in {year}, peak {peak} "
                        "in {peak_year}.",
        "fact_years": "Peak year over the draws: median {median} (5-95\u00a0%: {low}-{high}).",
        "fact_levels": "Peak CO2 over the draws: median {median} (5-95\u00a0%: {low}-{high}).",
        "fact_bounds": "Bounds: {clamped:,} draws had a driver value outside its bounds, "
                       "clamped; in {rescaled:,} draws the fuel mix was adjusted in some years "
                       "(coal and oil scaled down where non-fossil supply left no room for gas, "
                       "imported coal power limited to the coal in the mix).",
        "fact_words": "Likelihood words (IPCC): virtually certain ≥ 99\u00a0%, very likely "
                      "≥ 90\u00a0%, likely ≥ 66\u00a0%, about as likely as not 33-66\u00a0%, "
                      "unlikely ≤ 33\u00a0%, very unlikely ≤ 10\u00a0%, exceptionally unlikely "
                      "≤ 1\u00a0%.",
        "h_charts": "Charts",
        "h_targets": "Plan targets",
        "h_uncertainty": "Assumptions and uncertainty ranges",
        "h_assumptions": "Numbers labelled as assumptions",
        "h_reproduce": "Reproduce this report",
        "fan_chart.png": "CO2 emissions: central path and the spread of the draws",
        "peak_year.png": "Year in which CO2 peaks, over the draws",
        "targets.png": "Plan targets: chance of meeting each",
        "col_target": "Target (as the plan writes it / in English)",
        "col_year": "Year",
        "col_unit": "Unit",
        "col_plan": "Plan value",
        "col_model": "Model, central path",
        "col_p": "P(met), % [95\u00a0% interval]",
        "col_quote": "The plan's words and source",
        "decline_since": " (decline)",
        "increase_since": " (increase)",
        "targets_note": "Met: at least as good as the plan, within {tolerance}. P(met): share "
                        "of the {draws:,} draws that meet the target. Units are the plan's own.",
        "no_targets": "No plan targets are compared: {reason}",
        "no_targets_draws": "no draws were made.",
        "no_targets_file": "the scenario names no plan target file.",
        "sampling": "Each of the {draws:,} draws samples every entry below ({sampling} "
                    "sampling, seed {seed}); shocks vary year by year within a draw.",
        "no_draws": "No draws were made for this report.",
        "no_uncertainty": "The scenario declares no uncertain parameters or shocks.",
        "col_parameter": "Parameter",
        "col_central": "Central value",
        "col_distribution": "Distribution",
        "col_drawn": "Drawn, 5-95\u00a0%",
        "col_driver": "Yearly shock on",
        "col_applied": "Applied as",
        "col_sd": "Standard deviation",
        "col_rho": "Year-to-year correlation ρ",
        "col_field": "Number",
        "col_value": "Value used",
        "note": "Source note",
        "no_note": "(no comment in the scenario file)",
        "whole_path": "whole path, every key moved together: {keys}",
        "every_year": "{low} to {high}, on every year of the path",
        "not_drawn": "not drawn",
        "correlations": "Correlations between entries (Gaussian copula):",
        "no_correlations": "Correlations: none; the entries are drawn independently.",
        "assumptions_note": "Every number whose comment in the scenario file says it is an "
                            "assumption, with the value the run used (calibrated values "
                            "included).",
        "no_assumptions": "No number of the scenario is labelled as an assumption.",
        "r_command": "Command",
        "r_python": "Python",
        "r_seed": "Seed",
        "r_draws": "Draws",
        "r_sampling": "Sampling",
        "r_scenario": "Scenario file",
        "r_digest": "Scenario content SHA-256 (the file, its parents and calibration locks, "
                    "as resolved)",
        "r_files": "Files read, with the SHA-256 of each",
        "r_locks": "Calibration locks",
        "r_version": "Simulator version",
        "none": "none",
        "apply": {"add": "added to the value", "multiply": "multiplies the value",
                  "set": "replaces the value"},
        "shock_apply": {"add": "added: driver + e", "multiply": "relative: driver × (1 + e)"},
        "params": {"mean": "mean", "sd": "sd", "median": "median", "sigma": "sigma (log)",
                   "low": "low", "high": "high", "mode": "mode"},
        "kinds": {"assumption": "assumption", "computed": "computed", "plan": "plan",
                  "reference": "reference data", "other": "note"},
        "pp": "pp",
        "to": "to",
    },
    "zh": {
        "title": "{region}：二氧化碳能否在{year}年前达峰？情景 {scenario}",
        "plan_clause": "若{region}实现规划各项目标",
        "scenario_clause": "在情景 {scenario}（{region}）下",
        "answer": "{clause}，在{draws:,}次模拟中，二氧化碳在{year}年前达峰{plateau}的占{p}"
                  "（95%区间 {low}-{high}）：{words}。",
        "plateau": "（或此后不超过{year}年水平的{tolerance}）",
        "central_peaks": "在中心路径上，二氧化碳于{peak}年达峰。",
        "central_rises": "在中心路径上，二氧化碳持续上升至{peak}年。",
        "deterministic": "{clause}，中心路径上的二氧化碳{verdict}。{why}",
        "why_no_uncertainty": "情景未设定不确定性，此结论仅为确定性结果。",
        "why_no_draws": "本报告未进行抽样，此结论仅为确定性结果。",
        "verdict_peaks": "于{peak}年达峰，即在{year}年前达峰",
        "verdict_rises": "未能在{year}年前达峰，持续上升至{peak}年",
        "fact_central": "中心路径：{base_year}年排放 {base}，{year}年 {at}，{peak_year}年达峰，"
                        "峰值 {peak}。",
        "fact_years": "各次抽样的达峰年份：中位数 {median}年（5%-95%：{low}-{high}年）。",
        "fact_levels": "各次抽样的峰值排放：中位数 {median}（5%-95%：{low}-{high}）。",
        "fact_bounds": "边界：{clamped:,}次抽样有驱动因素超出范围而被截断；{rescaled:,}次抽样"
                       "在某些年份调整了能源结构（非化石能源供应挤占天然气空间时按比例下调煤炭和石油占比；"
                       "调入煤电以能源结构中的煤炭为限）。",
        "fact_words": "可能性用语（IPCC）：几乎确定 ≥99%，很可能 ≥90%，可能 ≥66%，或许可能 "
                      "33%-66%，不太可能 ≤33%，很不可能 ≤10%，几乎不可能 ≤1%。",
        "h_charts": "图表",
        "h_targets": "规划目标",
        "h_uncertainty": "假设与不确定性范围",
        "h_assumptions": "标为假设的数值",
        "h_reproduce": "复现本报告",
        "fan_chart.png": "二氧化碳排放：中心路径与抽样分布",
        "peak_year.png": "各次抽样的二氧化碳达峰年份",
        "targets.png": "规划目标：各项目标的达成概率",
        "col_target": "目标（规划原文 / 英文）",
        "col_year": "年份",
        "col_unit": "单位",
        "col_plan": "规划值",
        "col_model": "模型值（中心路径）",
        "col_p": "达成概率，%［95%区间］",
        "col_quote": "规划原文及出处",
        "decline_since": "（下降）",
        "increase_since": "（增长）",
        "targets_note": "达成：不劣于规划值（容差{tolerance}）。达成概率：{draws:,}次抽样中"
                        "达成该目标的占比。单位为规划原文单位。",
        "no_targets": "未对照规划目标：{reason}",
        "no_targets_draws": "未进行抽样。",
        "no_targets_file": "情景未指定规划目标文件。",
        "sampling": "{draws:,}次抽样中，每次都对下列各项取值（抽样方法 {sampling}，随机种子 "
                    "{seed}）；随机冲击在每次抽样内逐年变化。",
        "no_draws": "本报告未进行抽样。",
        "no_uncertainty": "情景未设定不确定参数或随机冲击。",
        "col_parameter": "参数",
        "col_central": "中心取值",
        "col_distribution": "分布",
        "col_drawn": "实际抽样 5%-95%",
        "col_driver": "逐年冲击对象",
        "col_applied": "作用方式",
        "col_sd": "标准差",
        "col_rho": "年际相关系数 ρ",
        "col_field": "数值",
        "col_value": "采用值",
        "note": "来源注释（情景文件原文）",
        "no_note": "（情景文件中无注释）",
        "whole_path": "整条路径，各关键年份一同变动：{keys}",
        "every_year": "{low} 至 {high}，作用于路径上的每一年",
        "not_drawn": "未抽样",
        "correlations": "各项之间的相关性（高斯copula）：",
        "no_correlations": "相关性：无；各项相互独立抽样。",
        "assumptions_note": "情景文件注释中注明为假设的全部数值，以及本次运行采用的值"
                            "（含校准值）。",
        "no_assumptions": "情景中没有标为假设的数值。",
        "r_command": "命令",
        "r_python": "Python",
        "r_seed": "随机种子",
        "r_draws": "抽样次数",
        "r_sampling": "抽样方法",
        "r_scenario": "情景文件",
        "r_digest": "情景内容 SHA-256（解析后的文件、父情景及校准锁定文件）",
        "r_files": "读取的文件及各自的 SHA-256",
        "r_locks": "校准锁定文件",
        "r_version": "模拟器版本",
        "none": "无",
        "apply": {"add": "与取值相加", "multiply": "与取值相乘", "set": "替代取值"},
        "shock_apply": {"add": "相加：驱动因素 + e", "multiply": "相对：驱动因素 × (1 + e)"},
        "params": {"mean": "均值", "sd": "标准差", "median": "中位数", "sigma": "对数标准差",
                   "low": "下限", "high": "上限", "mode": "众数"},
        "kinds": {"assumption": "假设", "computed": "计算值", "plan": "规划", "reference":
                  "参考数据", "other": "注释"},
        "pp": "个百分点",
        "to": "至",
    },
}

# the IPCC likelihood terms in Chinese ("unlikely" as 不太可能, which no reader takes for
# "impossible"); the page states each term's range
LIKELIHOOD_ZH = {"virtually certain": "几乎确定", "very likely": "很可能", "likely": "可能",
                 "about as likely as not": "或许可能", "unlikely": "不太可能",
                 "very unlikely": "很不可能", "exceptionally unlikely": "几乎不可能"}
DISTRIBUTIONS_ZH = {"normal": "正态分布", "lognormal": "对数正态分布", "uniform": "均匀分布",
                    "triangular": "三角分布", "truncated_normal": "截断正态分布"}
SENTENCE_GAP = {"en": " ", "zh": ""}
PERCENT_GAP = {"en": "\u00a0", "zh": ""}  # English keeps "3 %" on one line; Chinese writes "3%"

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC",
  "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", sans-serif; color: #1b1b1b;
  max-width: 62rem; margin: 0 auto; padding: 1.5rem; line-height: 1.5; background: #fff; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; border-bottom: 2px solid #d5d5d5; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
.answer { font-size: 1.3rem; line-height: 1.45; margin: 0 0 .8rem; padding: .7rem 1rem;
  border-left: 6px solid #b4462b; background: #fbf1ec; }
.facts { margin: 0 0 1rem; padding-left: 1.2rem; }
.description { color: #444; }
figure { margin: 1rem 0 1.6rem; }
figure img { max-width: 100%; height: auto; border: 1px solid #e3e3e3; }
figcaption { font-size: .9rem; color: #444; margin-top: .3rem; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; margin: .4rem 0 .8rem; }
th, td { border: 1px solid #cfcfcf; padding: .3rem .45rem; text-align: left;
  vertical-align: top; }
th { background: #f1f1f1; font-weight: 600; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.unit { white-space: nowrap; }
tr.note td { background: #fafafa; color: #333; font-size: .84rem; border-top: none; }
tr.head td { border-bottom: none; }
blockquote { margin: 0 0 .2rem; padding-left: .5rem; border-left: 3px solid #b8b8b8; }
.source { font-size: .8rem; color: #555; }
.kind { display: inline-block; font-size: .75rem; padding: 0 .35rem; margin-right: .35rem;
  border-radius: 3px; background: #e8e8e8; }
.kind-assumption { background: #fde2c8; }
.kind-plan { background: #d6ecd2; }
.kind-reference { background: #d5e5f5; }
.kind-computed { background: #e6ddf3; }
code { font-size: .85em; overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f5f5f5; padding: .4rem;
  margin: 0; }
tr.head td:first-child { width: 26%; }
table.reproduce th { width: 14rem; }
.small { font-size: .85rem; color: #444; }
@media print { body { max-width: none; padding: 0; } figure, tr { break-inside: avoid; } }
"""


def render_html(info: dict, charts: list, scenario: Scenario, ensemble: xr.Dataset | None,
                command: str, lang: str = "en") -> str:
    """The report of one run as a self-contained HTML page.

    Parameters
    ----------
    info : dict
        The ``summary.json`` content (``simulator.report.summary``); without an ensemble it
        has no ``draws``, ``peak`` or ``targets`` and the page is deterministic only.
    charts : list of (str, bytes)
        (caption, PNG bytes) in display order. A caption that is a known chart file name
        (``fan_chart.png``, ``peak_year.png``, ``targets.png``) is replaced by its words.
    scenario : Scenario
        The scenario run; its files are read again for their comments (``provenance``).
    ensemble : xarray.Dataset or None
        The Monte Carlo draws (for the ranges actually drawn), or None.
    command : str
        The command line that produced the run, shown so that it can be repeated.
    lang : {"en", "zh"}
        Language of headings and sentences; quotes and source notes stay as written.

    Returns
    -------
    str
        The page (UTF-8 text, ``<meta charset="utf-8">``).
    """
    text = TEXT[check_language(lang)]
    notes = field_notes(scenario)
    year = info.get("peak", {}).get("by_year", TARGET_PEAK_YEAR)
    title = text["title"].format(region=region_name(info["region"], lang), year=year,
                                 scenario=info["scenario"])
    sections = [
        f"<h1>{_e(title)}</h1>",
        _answer_section(info, scenario, lang),
        _chart_section(charts, lang),
        _target_section(info, lang),
        _uncertainty_section(info, scenario, ensemble, notes, lang),
        _assumption_section(scenario, notes, lang),
        _reproduce_section(info, scenario, command, lang),
    ]
    return _page(title, "\n".join(s for s in sections if s), lang)


def _page(title: str, body: str, lang: str) -> str:
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n"
            f"</body>\n</html>\n")


# -- 1. the answer -----------------------------------------------------------------------------


def answer_sentence(info: dict, scenario: Scenario, lang: str = "en") -> str:
    """The answer in one or two sentences with the number (plain text, not escaped)."""
    text = TEXT[check_language(lang)]
    own_lock = lock_path(scenario.source) in scenario.locks  # calibrated to the plan itself
    clause = text["plan_clause" if own_lock else "scenario_clause"].format(
        region=region_name(info["region"], lang), scenario=info["scenario"])
    peak = info["deterministic"]["peak_year"]
    if "peak" not in info:
        verdict = text["verdict_peaks" if peak <= TARGET_PEAK_YEAR else "verdict_rises"]
        why = text["why_no_draws" if has_uncertainty(scenario) else "why_no_uncertainty"]
        return text["deterministic"].format(clause=clause, why=why, verdict=verdict.format(
            peak=peak, year=TARGET_PEAK_YEAR))
    p = info["peak"]
    words = likelihood(p["probability"])
    plateau = "" if p["plateau_tolerance"] is None else text["plateau"].format(
        tolerance=_percent(p["plateau_tolerance"], lang), year=p["by_year"])
    low, high = _percent_range(*p["ci95"], lang)
    answer = text["answer"].format(
        clause=clause, year=p["by_year"], plateau=plateau, p=_percent(p["probability"], lang),
        draws=info["draws"], low=low, high=high,
        words=LIKELIHOOD_ZH[words] if lang == "zh" else words)
    central = text["central_peaks" if peak <= p["by_year"] else "central_rises"]
    return answer + SENTENCE_GAP[lang] + central.format(peak=peak)


def _answer_section(info: dict, scenario: Scenario, lang: str) -> str:
    facts = [_central_fact(info, lang)]
    if "peak" in info:
        facts += _draw_facts(info, lang)
    description = scenario["description"]
    parts = [f'<p class="answer" id="answer">{_e(answer_sentence(info, scenario, lang))}</p>',
             "<ul class=\"facts\">" + "".join(f"<li>{_e(f)}</li>" for f in facts) + "</ul>"]
    if description:
        parts.append(f'<p class="description">{_e(description)}</p>')
    return "\n".join(parts)


def _central_fact(info: dict, lang: str) -> str:
    det = info["deterministic"]
    co2 = det["co2"]
    year = str(TARGET_PEAK_YEAR) if str(TARGET_PEAK_YEAR) in co2 else str(info["end_year"])
    return TEXT[lang]["fact_central"].format(
        base=_co2(co2.get(str(info["base_year"])), lang), base_year=info["base_year"],
        at=_co2(co2.get(year), lang), year=year, peak=_co2(det["peak_co2"], lang),
        peak_year=det["peak_year"])


def _draw_facts(info: dict, lang: str) -> list[str]:
    text, peak = TEXT[lang], info["peak"]
    years, levels = peak["year_quantiles"], peak["value_quantiles"]
    facts = [text["fact_years"].format(median=years["50"], low=years["5"], high=years["95"]),
             text["fact_levels"].format(median=_co2(levels["50"], lang),
                                        low=_co2(levels["5"], lang, unit=False),
                                        high=_co2(levels["95"], lang))]
    clamping = info.get("clamping")
    if clamping:
        facts.append(text["fact_bounds"].format(clamped=clamping["draws_clamped"],
                                                rescaled=clamping["draws_fuel_mix_rescaled"]))
    return facts + [text["fact_words"]]


# -- 2. the charts -----------------------------------------------------------------------------


def _chart_section(charts: list, lang: str) -> str:
    if not charts:
        return ""
    figures = [_figure(i + 1, caption, png, lang) for i, (caption, png) in enumerate(charts)]
    return f"<h2>{_e(TEXT[lang]['h_charts'])}</h2>\n" + "\n".join(figures)


def _figure(number: int, caption: str, png: bytes, lang: str) -> str:
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError(f"chart {caption!r} is not a PNG image")
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk: size in pixels
    words = TEXT[lang].get(caption, caption) if caption.endswith(".png") else caption
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{_e(words)}" '
            f'width="{width}" height="{height}">'
            f"<figcaption>{number}. {_e(words)}</figcaption></figure>")


# -- 3. the plan's targets ---------------------------------------------------------------------


def _target_section(info: dict, lang: str) -> str:
    text = TEXT[lang]
    heading = f"<h2>{_e(text['h_targets'])}</h2>"
    if "targets" not in info or not info["targets"]:
        reason = text["no_targets_draws" if "targets" not in info else "no_targets_file"]
        return f"{heading}\n<p>{_e(text['no_targets'].format(reason=reason))}</p>"
    header = _header_row([text[k] for k in ("col_target", "col_year", "col_unit", "col_plan",
                                            "col_model", "col_p", "col_quote")])
    rows = [_target_row(target, span, lang) for target, span in _spans(info["targets"])]
    note = text["targets_note"].format(tolerance=_percent(TARGET_TOLERANCE, lang),
                                       draws=info["draws"])
    return (f"{heading}\n<table class=\"targets\">\n{header}\n" + "\n".join(rows)
            + f"\n</table>\n<p class=\"small\">{_e(note)}</p>")


def _spans(targets: list) -> list[tuple[dict, int]]:
    """(row, how many rows its name and quote cells span; 0 inside a span): consecutive
    targets with the same name and quote (one indicator in several years) share those cells."""
    same = lambda a, b: all(a[k] == b[k] for k in ("name_zh", "name_en", "quote", "source"))  # noqa: E731
    spans = []
    for i, target in enumerate(targets):
        if i and same(targets[i - 1], target):
            spans.append((target, 0))
            continue
        length = 1
        while i + length < len(targets) and same(target, targets[i + length]):
            length += 1
        spans.append((target, length))
    return spans


def _target_row(target: dict, span: int, lang: str) -> str:
    low, high = target["ci95"]
    hedge = ("（" + "、".join(target["hedge"]) + "）" if lang == "zh"
             else f" ({', '.join(target['hedge'])})") if target.get("hedge") else ""
    plan = _plan_value(target["plan_value"]) + TEXT[lang].get(target["measure"], "") + hedge
    chance = f"{_number(100 * target['probability_met'], '.1f')} " \
             f"[{_number(100 * low, '.1f')}–{_number(100 * high, '.1f')}]"
    cells = [f"<td class=\"num\">{_e(target['year'])}</td>",
             f"<td class=\"unit\">{_e(_unit(target['unit'], lang))}</td>",
             f"<td class=\"num\">{_e(plan)}</td>",
             f"<td class=\"num\">{_e(_number(target['model_value'], '.4g'))}</td>",
             f"<td class=\"num\">{_e(chance)}</td>"]
    if span:
        rowspan = f" rowspan=\"{span}\"" if span > 1 else ""
        cells = [f"<td{rowspan}>{_target_name(target, lang)}</td>", *cells,
                 f"<td{rowspan}>{_target_quote(target, lang)}</td>"]
    return "<tr>" + "".join(cells) + "</tr>"


def _target_name(target: dict, lang: str) -> str:
    names = {"zh": f"<span lang=\"zh-CN\">{_e(target['name_zh'])}</span>",
             "en": f"<span lang=\"en\">{_e(target['name_en'])}</span>"}
    first, second = (names["zh"], names["en"]) if lang == "zh" else (names["en"], names["zh"])
    return f"{first}<br><span class=\"source\">{second}</span>"


def _target_quote(target: dict, lang: str) -> str:
    source = target["source"]
    return (f"<blockquote lang=\"zh-CN\">「{_e(target['quote'])}」</blockquote>"
            f"<span class=\"source\">{_zh(source['plan'], lang)}; {_e(source['seed'])}</span>")


def _plan_value(value) -> str:
    if isinstance(value, list):  # a range the plan gives
        return "–".join(_number(v, "g") for v in value)
    return _number(value, "g")


# -- 4. uncertainty ranges and assumptions -----------------------------------------------------


def _uncertainty_section(info: dict, scenario: Scenario, ensemble: xr.Dataset | None,
                         notes: dict, lang: str) -> str:
    text = TEXT[lang]
    parts = [f"<h2>{_e(text['h_uncertainty'])}</h2>"]
    entries, shocks = scenario["uncertainty.parameters"], scenario["uncertainty.shocks"]
    if not entries and not shocks:
        return "\n".join(parts + [f"<p>{_e(text['no_uncertainty'])}</p>"])
    intro = text["sampling"].format(draws=info["draws"], sampling=info["sampling"],
                                    seed=info["seed"]) if "draws" in info else text["no_draws"]
    parts.append(f"<p>{_e(intro)}</p>")
    if entries:
        parts.append(_parameter_table(scenario, ensemble, notes, lang))
    if shocks:
        parts.append(_shock_table(shocks, notes, lang))
    parts.append(_correlations(scenario, notes, lang))
    return "\n".join(parts)


def _parameter_table(scenario: Scenario, ensemble, notes: dict, lang: str) -> str:
    text = TEXT[lang]
    header = _header_row([text[k] for k in ("col_parameter", "col_central",
                                            "col_distribution", "col_drawn")])
    rows = []
    for entry in scenario["uncertainty.parameters"]:
        field = parameter_field(scenario.values, entry.parameter, scenario.source) \
            if not is_driver_path(scenario.values, entry.parameter) \
            else FIELDS_BY_PATH[entry.parameter]
        cells = [_parameter_cell(entry.parameter, lang),
                 _e(_central_value(scenario, entry.parameter, field, lang)),
                 _e(_distribution(entry, field, lang)),
                 _e(_drawn(scenario, ensemble, entry, field, lang))]
        rows.append(_row_with_note(cells, notes.get(f"uncertainty.parameters[{entry.parameter}]"),
                                   lang))
    return f"<table>\n{header}\n" + "\n".join(rows) + "\n</table>"


def _shock_table(shocks: tuple, notes: dict, lang: str) -> str:
    text = TEXT[lang]
    header = _header_row([text[k] for k in ("col_driver", "col_applied", "col_sd", "col_rho")])
    rows = []
    for shock in shocks:
        field = FIELDS_BY_PATH[f"paths.{shock.driver}"]
        sd = _amount(shock.sd, "sd", shock.apply, field, lang)
        cells = [_parameter_cell(shock.driver, lang), _e(text["shock_apply"][shock.apply]),
                 _e(sd), _e(_number(shock.rho, "g"))]
        rows.append(_row_with_note(cells, notes.get(f"uncertainty.shocks[{shock.driver}]"), lang))
    return f"<table>\n{header}\n" + "\n".join(rows) + "\n</table>"


def _correlations(scenario: Scenario, notes: dict, lang: str) -> str:
    """The copula's pairs, each with its note; or why there are none."""
    text = TEXT[lang]
    items = []
    for c in scenario["uncertainty.correlations"]:
        pair = f"{c.between[0]} ↔ {c.between[1]}: ρ = {_number(c.rho, 'g')}"
        note = notes.get(f"uncertainty.correlations[{c.between[0]}, {c.between[1]}]")
        items.append(f"<li>{_e(pair)}{_note_text(note, lang, prefix='. ')}</li>")
    if items:
        return (f"<p class=\"small\">{_e(text['correlations'])}</p>\n"
                f"<ul class=\"small\">{''.join(items)}</ul>")
    why = _note_text(notes.get("uncertainty.correlations"), lang, prefix=" ")
    return f"<p class=\"small\">{_e(text['no_correlations'])}{why}</p>"


def _note_text(note: Note | None, lang: str, prefix: str = "") -> str:
    """A note's escaped text and file, or nothing."""
    if note is None:
        return ""
    return f"{prefix}{_e(note.text)} <span class=\"source\">({_e(note.file.name)})</span>"


def _parameter_cell(path: str, lang: str) -> str:
    name = parameter_name(path, lang)
    code = "<code>" + ".<wbr>".join(_e(part) for part in path.split(".")) + "</code>"
    return f"{_e(name)}<br>{code}" if name != path else code


def _central_value(scenario: Scenario, name: str, field: Field, lang: str) -> str:
    if is_driver_path(scenario.values, name):
        return TEXT[lang]["whole_path"].format(keys=_path_keys(scenario[name], field, lang))
    return _value(scenario.parameter(name), field, lang)


def _path_keys(path, field: Field, lang: str) -> str:
    return "; ".join(f"{year}: {_value(v, field, lang)}"
                     for year, v in zip(path.years, path.values, strict=True))


def _distribution(entry, field: Field, lang: str) -> str:
    text = TEXT[lang]
    name = DISTRIBUTIONS_ZH[entry.distribution] if lang == "zh" \
        else entry.distribution.replace("_", " ")
    comma, colon = ("，", "：") if lang == "zh" else (", ", ": ")
    values = comma.join(f"{text['params'][p]} {_amount(v, p, entry.apply, field, lang)}"
                        for p, v in entry.values)
    return f"{name}{comma}{text['apply'][entry.apply]}{colon}{values}"


def _drawn(scenario: Scenario, ensemble, entry, field: Field, lang: str) -> str:
    """The 5-95 % range of the draws, as drawn and as the value the model used."""
    if ensemble is None or "parameter_value" not in ensemble:
        return TEXT[lang]["not_drawn"]
    draws = ensemble["parameter_value"].sel(parameter=entry.parameter).values
    low, high = np.quantile(draws, [0.05, 0.95])
    drawn = [_amount(v, "mean", entry.apply, field, lang, signed=True) for v in (low, high)]
    if is_driver_path(scenario.values, entry.parameter):
        return TEXT[lang]["every_year"].format(low=drawn[0], high=drawn[1])
    nominal = scenario.parameter(entry.parameter)
    used = [{"add": nominal + v, "multiply": nominal * v}.get(entry.apply, v) for v in (low, high)]
    to = TEXT[lang]["to"]
    return (f"{drawn[0]} {to} {drawn[1]} → {_value(used[0], field, lang, '.4g')} {to} "
            f"{_value(used[1], field, lang, '.4g')}")


def _amount(value: float, parameter: str, apply: str, field: Field, lang: str,
            signed: bool = False) -> str:
    """A distribution parameter or a draw in words: a factor (×0.7, sd 3 %), a shift in
    percentage points or the field's unit, or a value (``set``)."""
    if apply == "multiply":
        if parameter == "sd":
            return f"{_number(100 * value, '.3g')}{PERCENT_GAP[lang]}%"
        return _number(value, "g") if parameter == "sigma" else f"×{_number(value, '.4g')}"
    if apply == "set" or parameter == "sigma":
        return _value(value, field, lang)
    sign = "+" if signed else ""
    if field.share:
        return f"{_number(100 * value, sign + '.3g')} {TEXT[lang]['pp']}"
    return f"{_number(value, sign + '.4g')} {_unit(field.unit, lang)}".rstrip()


def _assumption_section(scenario: Scenario, notes: dict, lang: str) -> str:
    text = TEXT[lang]
    rows = []
    for path, note in notes.items():
        value = _field_value(scenario, path, lang) if note.kind == "assumption" else None
        if value is not None:
            cells = [_parameter_cell(path, lang), _e(value)]
            rows.append(_row_with_note(cells, note, lang, show_kind=False))
    parts = [f"<h3>{_e(text['h_assumptions'])}</h3>"]
    if not rows:
        return "\n".join(parts + [f"<p>{_e(text['no_assumptions'])}</p>"])
    header = _header_row([text["col_field"], text["col_value"]])
    parts += [f"<p class=\"small\">{_e(text['assumptions_note'])}</p>",
              f"<table>\n{header}\n" + "\n".join(rows) + "\n</table>"]
    return "\n".join(parts)


def _field_value(scenario: Scenario, path: str, lang: str) -> str | None:
    """The value a note's field has in the run, in words with its unit; None for what is
    not a number (sections, uncertainty entries, text fields)."""
    field = FIELDS_BY_PATH.get(path)
    if field is not None and field.kind == "path" and scenario.values.get(path) is not None:
        return _path_keys(scenario[path], field, lang)
    try:
        field = parameter_field(scenario.values, path, scenario.source)
    except ScenarioError:
        return None
    return _value(scenario.parameter(path), field, lang)


def _row_with_note(cells: list[str], note: Note | None, lang: str,
                   show_kind: bool = True) -> str:
    """A table row of escaped ``cells`` and, under it, a full-width row with the note."""
    text = TEXT[lang]
    if note is None:
        body = f"<span class=\"source\">{_e(text['no_note'])}</span>"
    else:
        kind = (f"<span class=\"kind kind-{note.kind}\">{_e(text['kinds'][note.kind])}</span>"
                if show_kind else "")
        body = kind + _note_text(note, lang)
    head = "<tr class=\"head\">" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
    return f"{head}\n<tr class=\"note\"><td colspan=\"{len(cells)}\">{body}</td></tr>"


# -- 5. reproduce ------------------------------------------------------------------------------


def _reproduce_section(info: dict, scenario: Scenario, command: str, lang: str) -> str:
    text = TEXT[lang]
    rows = [(text["r_command"], f"<pre>{_e(command)}</pre>")]
    if "draws" in info:
        rows += [(text["r_seed"], _e(info["seed"])), (text["r_draws"], _e(f"{info['draws']:,}")),
                 (text["r_sampling"], _e(info["sampling"])),
                 (text["r_python"], f"<pre>{_e(_python_call(info))}</pre>")]
    locks = info.get("calibration_locks") or [text["none"]]
    rows += [(text["r_scenario"], f"<code>{_e(info['scenario_file'])}</code>"),
             (text["r_digest"], f"<code>{_e(info['scenario_sha256'])}</code>"),
             (text["r_locks"], "<br>".join(f"<code>{_e(lock)}</code>" for lock in locks)),
             (text["r_files"], _file_digests(scenario)),
             (text["r_version"], _e(info["version"]))]
    table = "\n".join(f"<tr><th scope=\"row\">{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<h2>{_e(text['h_reproduce'])}</h2>\n<table class=\"reproduce\">\n{table}\n</table>"


def _python_call(info: dict) -> str:
    return (f"import simulator\nscenario = simulator.load_scenario({info['scenario_file']!r})\n"
            f"ensemble = simulator.simulate(scenario, draws={info['draws']}, "
            f"seed={info['seed']})")


def _file_digests(scenario: Scenario) -> str:
    lines = []
    for file in [*scenario.files, *scenario.locks]:
        path = Path(file)
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else DASH
        lines.append(f"<code>{_e(path)}</code><br><code class=\"small\">{_e(digest)}</code>")
    return "<br>".join(lines)


# -- words and numbers -------------------------------------------------------------------------


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _zh(text: str, lang: str) -> str:
    """Escaped text, marked as Chinese inside an English page (for the browser's font)."""
    return f"<span lang=\"zh-CN\">{_e(text)}</span>" if lang == "en" else _e(text)


def _header_row(names: list[str]) -> str:
    return "<tr>" + "".join(f"<th scope=\"col\">{_e(n)}</th>" for n in names) + "</tr>"


def _number(value, spec: str) -> str:
    """``value`` formatted by ``spec``; a dash for a missing or non-finite number."""
    if value is None or isinstance(value, bool) or not math.isfinite(float(value)):
        return DASH
    return format(float(value), spec)


def _unit(unit: str, lang: str) -> str:
    return UNITS[lang].get(unit, unit)


def _value(value: float, field: Field, lang: str, spec: str = ",.6g") -> str:
    """A field's value with its unit; shares and rates in percent."""
    if field.share:
        return f"{_number(100 * value, '.4g')} {_unit(field.unit, lang)}"
    return f"{_number(value, spec)} {_unit(field.unit, lang)}".rstrip()


def _percent(share: float, lang: str) -> str:
    """A probability in percent, one decimal; never rounds a real chance to 0 or 100."""
    gap = PERCENT_GAP[lang]
    if 0 < share < 0.0005:
        return f"<0.1{gap}%"
    if 0.9995 <= share < 1:
        return f">99.9{gap}%"
    return f"{_number(100 * share, '.1f')}{gap}%"


def _percent_range(low: float, high: float, lang: str) -> tuple[str, str]:
    """An interval's ends: "29.2", "29.8 %" (one percent sign, after the upper end)."""
    return _number(100 * low, ".1f"), _percent(high, lang)


def _co2(value, lang: str, unit: bool = True) -> str:
    """CO2 (data in 万t) as the language shows it: Mt in English, 万吨 in Chinese."""
    name, factor = co2_unit(lang)
    number = DASH if value is None else _number(value * factor, ".1f" if lang == "en" else ",.0f")
    return f"{number} {name}" if unit else number
