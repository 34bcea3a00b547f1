"""What a chart, the page and the summary show, beyond their sentences: region, target,
parameter, output and unit names, CO2 in the language's unit, and the fonts that can show them.
The words come from the text catalogues (``simulator.text``); this module decides which.

Conventions: CO2 is shown in Mt in English and in 万吨 (the plans' own unit) in Chinese; plan
targets keep the plan's unit (吨标准煤/万元, 万千瓦, ...), written the way the printed report
writes it in English (tce/万元, 万kW). Shares are shown in percent. When no installed font has
Chinese characters, English charts write the 万/亿 prefixes as powers of ten instead, so that
they never show missing-glyph boxes.
"""

from __future__ import annotations

import re

from simulator.report.fonts import LATIN_FAMILY, chinese_font, has_chinese_font
from simulator.errors import check_language
from simulator.text import known, text

WAN_T_PER_MT = 100.0  # 1 Mt = 100 万t

CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")

# CO2 as shown: the factor from the data's 万t into the unit ``co2.unit`` names
CO2_FACTORS = {"en": 1.0 / WAN_T_PER_MT, "zh": 1.0}
# units of fractions: the data hold 0.02, charts and Chinese tables show 2 %
SHARE_UNITS = ("1", "1/yr")
# the 万/亿 prefixes for fonts without Chinese characters
POWERS_OF_TEN = (("万元", "10⁴ yuan"), ("亿元", "10⁸ yuan"), ("万", "×10⁴ "), ("亿", "×10⁸ "))


def label(key: str, lang: str = "en", **values) -> str:
    """The chart string ``key`` in ``lang``, with ``values`` in its placeholders.

    Parameters
    ----------
    key : str
        An entry of the catalogues' ``[chart]`` table, e.g. ``"fan_title"``.
    lang : {"en", "zh"}
    **values
        The placeholders' values (``region``, ``year``, ...).
    """
    return text(f"chart.{key}", check_language(lang), **values)


def percent(share: float, lang: str = "en") -> str:
    """A share (fraction) as a percentage for a chart, one decimal."""
    return label("percent", lang, value=100.0 * share)


def region_name(region: str, lang: str = "en") -> str:
    """A region's name in ``lang``; regions the catalogues do not name stay as given."""
    return _named("region", region, lang, region)


def target_name(row: dict, lang: str = "en") -> str:
    """A plan target's name: as the plan writes it (``name_zh``) or in English."""
    return row["name_zh"] if check_language(lang) == "zh" else row["name_en"]


def output_name(output: str, lang: str = "en", fallback: str | None = None) -> str:
    """A sensitivity output's name (``peak_year``, ``peak_co2``, ...)."""
    return _named("output", output, lang, fallback or output)


def parameter_name(path: str, lang: str = "en") -> str:
    """A scenario parameter path as words: ``paths.gdp_growth.values.2026`` ->
    "GDP growth rate, 2026 value"; unknown paths stay as given."""
    parts = path.split(".")
    driver = parts[1] if len(parts) > 1 else parts[0]
    if not known(f"driver.{driver}") or (len(parts) > 2 and parts[2:3] != ["values"]):
        return path
    name = text(f"driver.{driver}", lang)
    if parts[0] == "base":
        name = text("parameter.base", lang, name=name)
    if len(parts) == 4:
        name = text("parameter.key_year", lang, name=name, year=parts[3])
    return name


def unit_text(unit: str | None, lang: str = "en") -> str:
    """A plan or model unit as ``lang`` writes it; shares ("1") become "%"."""
    return _named("unit", unit or "", lang, unit or "")


def draws_basis(used: int, draws: int, lang: str = "en") -> str:
    """What quantile bands rest on: "all draws", or "the first 2,000 of the 20,000 draws"."""
    return label("all_draws", lang) if used == draws else \
        label("first_draws", lang, used=used, draws=draws)


def unit_name(unit: str | None, lang: str = "en") -> str:
    """A unit as a chart in ``lang`` writes it: ``unit_text``, with the 万/亿 prefixes as
    powers of ten when no font can draw them."""
    shown = unit_text(unit, lang)
    if lang == "en" and CJK.search(shown) and not has_chinese_font():
        for prefix, power in POWERS_OF_TEN:
            shown = shown.replace(prefix, power)
    return shown


def with_unit(number: str, unit: str, lang: str = "en") -> str:
    """A number and its unit as ``lang`` writes them: "10 %" in English, "10%" in Chinese."""
    if unit == "%":
        return text("number.with_percent", lang, number=number)
    return text("number.with_unit", lang, number=number, unit=unit)


def co2_unit(lang: str = "en") -> tuple[str, float]:
    """CO2 as charts, the page and the summary show it: the unit and the factor from the
    data's 万t."""
    return text("co2.unit", lang), CO2_FACTORS[lang]


def _named(table: str, name: str, lang: str, fallback: str) -> str:
    """The catalogue's word for ``name`` in ``table`` (region, unit, ...), else ``fallback``."""
    check_language(lang)
    key = f"{table}.{name}"
    return text(key, lang) if known(key) else fallback


def font_families(lang: str = "en") -> list[str]:
    """The font families a chart in ``lang`` uses, in order of fallback: Chinese charts need a
    font with Chinese characters (``chinese_font`` raises without one); English charts use one
    for the 万/亿 of units when there is one."""
    if check_language(lang) == "zh":
        return [chinese_font(), LATIN_FAMILY]
    return [LATIN_FAMILY, chinese_font()] if has_chinese_font() else [LATIN_FAMILY]
