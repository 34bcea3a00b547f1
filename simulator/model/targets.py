"""Plan target files (``calibration/targets/<region>.yaml``) -> comparisons with the model.

Used by calibration (to fit) and by the Monte Carlo run (to count how often each target is met).

A target file lists every target of one plan, each with its exact quote from the seed. A
``Comparison`` is one plan number the model can be held to: a variable's level in a year, its
cumulative decline since a year, or its increase since a year, with the sense the plan's hedge
words give it (``以上``: at least; ``以下``: at most; a range: between).
"""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from simulator.errors import ScenarioError
from simulator.model.scenario import read_mapping
from simulator.text import Message

# plan unit -> factor into the model's unit (shares as fractions, capacity in 万kW, CO2 in 万t)
UNIT_TO_MODEL = {
    "%": 0.01, "百分点": 0.01, "万千瓦": 1.0, "亿千瓦": 1e4, "吨标准煤/万元": 1.0, "吨/万元": 1.0,
    "万吨标准煤": 1.0, "亿吨标准煤": 1e4, "亿千瓦时": 1.0, "万吨": 1.0, "亿吨": 1e4, "亿元": 1.0,
    "克标准煤/千瓦时": 1.0, "克/千瓦时": 1.0,
}
MODEL_UNITS = {
    "energy_intensity": "tce/万元", "co2_intensity": "t/万元", "non_fossil_share": "1",
    "coal_share": "1", "oil_share": "1", "gas_share": "1", "renewable_capacity": "万kW",
    "renewable_generation": "亿kWh", "energy": "万tce", "co2": "万t", "gdp": "亿元",
    "electricity_share_final": "1", "clean_capacity_share": "1", "clean_generation_share": "1",
    "coal_power_supply_rate": "gce/kWh", "net_electricity_exports": "亿kWh",
    "generation": "亿kWh", "electricity_demand": "亿kWh", "total_capacity": "万kW",
}
MEASURES = ("level", "decline_since", "increase_since")
LOWER_IS_BETTER = ("energy_intensity", "co2_intensity", "co2", "energy", "coal_share", "oil_share",
                   "coal_power_supply_rate")
AT_LEAST = ("以上", "不低于", "至少", "超过")
AT_MOST = ("以下", "不超过", "以内", "控制在")
ABOUT = ("左右", "约")  # "about": met within ABOUT_TOLERANCE either way
# Assumption: the plans hedge a number with 左右 or 约 ("about") without saying how far; a value
# within 5 % of it either way is read as meeting it (10 times the 0.5 % of a plain target, whose
# better side counts as met however far). A labelled reading, not a sourced one.
ABOUT_TOLERANCE = 0.05
FILE_REQUIRED = ("region", "plan", "seed", "targets")
REQUIRED_KEYS = ("id", "name_zh", "name_en", "kind", "targets", "numeric", "quote")


@dataclass(frozen=True)
class Key:
    """One key of a target file, as its reference describes it (the docs render these tables
    with ``simulator.model.schema_doc.targets_markdown``). The reader below does the checking;
    ``tests/test_targets.py`` keeps the two in step."""

    key: str
    type: str
    allowed: str
    required: bool
    meaning: str


FILE_KEYS = (
    Key("region", "str", "any", True, "The region, as its scenarios name it (`Taiyuan`)."),
    Key("plan", "str", "any", True, "The plan's title as written, with its document number."),
    Key("seed", "str", "a file name in `calibration/seeds/`", True,
        "The plan's text, verbatim: every quote is an exact substring of it."),
    Key("targets", "list of mappings", "the keys of the next table", True,
        "Every target of the plan, quantitative or not, in the plan's order."),
)
TARGET_KEYS = (
    Key("id", "str", "unique in the file", True,
        "Names the target in results: `energy_intensity@2025` is its 2025 value."),
    Key("name_zh", "str", "any", True, "The indicator's name as the plan writes it."),
    Key("name_en", "str", "any", True, "An English name."),
    Key("unit", "str", "the plan's unit, `\"\"` for none; a modelled target's: one of the units "
        "the model converts (below)", True,
        "Plan values are written in it; a modelled target's values are converted from it."),
    Key("kind", "str", "any word; `peak` marks the CO2 peak target", True,
        "What sort of target it is (level, share, floor, cap, five_year_cumulative_decline, "
        "qualitative, ...), as written."),
    Key("targets", "mapping", "year or period (`2021-2025`) -> number, `[low, high]` or text",
        True, "The plan's values; a period is compared in its last year, text is a "
        "qualitative year of the target."),
    Key("numeric", "bool", "true, false", True,
        "Whether the plan gives a number the model could be held to."),
    Key("quote", "str", "an exact substring of the seed", True,
        "The plan's own words for the target (a test checks it, and every number in it)."),
    Key("hedge", "list of str", "the plan's words: " + ", ".join(AT_LEAST + AT_MOST + ABOUT)
        + " set the sense; others (力争, ...) are kept", False,
        "At least (以上), at most (以下), about (左右, 约: within 5 % either way), or as "
        "written; a range is always between."),
    Key("baseline", "mapping", "`{year: int, value: number}`", False,
        "The plan's base-year value, compared as a level in that year."),
    Key("modelled", "bool", "true, false (default)", False,
        "Whether the model represents the target; only modelled numeric targets are compared."),
    Key("model", "mapping", "the keys of the model table", False,
        "How the model represents it (required when modelled and numeric; the peak target "
        "has `{measure: peak_by}`)."),
    Key("why_not_modelled", "str", "any", False,
        "Why a numeric target is not modelled (a test requires it then)."),
    Key("quote_body", "str", "an exact substring of the seed", False,
        "A second quote, where the plan's body text restates a table row."),
)
MODEL_KEYS = (
    Key("variable", "str", ", ".join(f"`{v}`" for v in MODEL_UNITS), True,
        "The model variable compared, in its unit (shares as fractions)."),
    Key("measure", "str", ", ".join(f"`{m}`" for m in MEASURES)
        + "; `peak_by` for the peak target", False,
        "The variable's level in the target year (default), its decline or its increase "
        "since `since`."),
    Key("since", "int", "a year of the horizon", False,
        "The start year of `decline_since` and `increase_since`."),
)


@dataclass(frozen=True)
class Target:
    """One plan target as written; ``model`` says how the simulator represents it."""

    id: str
    name_zh: str
    name_en: str
    unit: str | None
    kind: str
    targets: dict
    numeric: bool
    quote: str
    hedge: tuple[str, ...] = ()
    baseline: dict | None = None
    modelled: bool = False
    model: dict | None = None
    why_not_modelled: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Comparison:
    """One plan number against one model quantity, both in the model's units."""

    target_id: str
    year: int
    plan: float | tuple[float, float]   # as written, in the plan's unit
    unit: str
    variable: str
    measure: str = "level"
    since: int | None = None
    sense: str = "eq"                   # eq, ge, le, between or about
    baseline: bool = False              # the plan's base-year statistic, not a target

    @property
    def scale(self) -> float:
        return UNIT_TO_MODEL[self.unit]

    def model_value(self, series) -> float:
        """The compared quantity from ``series(variable, year)``, in the model's units."""
        value = series(self.variable, self.year)
        if self.measure == "decline_since":
            return 1.0 - value / series(self.variable, self.since)
        if self.measure == "increase_since":
            return value - series(self.variable, self.since)
        return value

    def first_year(self) -> int:
        return self.year if self.since is None else min(self.year, self.since)

    def plan_bounds(self, tolerance: float) -> tuple[float, float]:
        """The plan's value (or range) in model units, widened by ``tolerance`` relative on both
        sides: where a model value is the plan's, either way."""
        low, high = self.plan if isinstance(self.plan, tuple) else (self.plan, self.plan)
        low, high = low * self.scale, high * self.scale
        return low - tolerance * abs(low), high + tolerance * abs(high)

    def met_bounds(self, tolerance: float) -> tuple[float, float]:
        """Model values (in model units) that count as meeting the target: at least as good as
        the plan, give or take ``tolerance`` relative. A plain target is read in the direction
        that helps the climate (lower intensities and CO2, higher non-fossil share and
        capacity, larger declines); hedged targets keep their own sense: at least, at most,
        between, or about (within ``ABOUT_TOLERANCE`` either way)."""
        if self.sense == "about":
            return self.plan_bounds(ABOUT_TOLERANCE)
        if self.sense == "between":
            return self.plan_bounds(tolerance)
        plan = self.plan * self.scale
        slack = tolerance * abs(plan)
        lower_is_better = self.variable in LOWER_IS_BETTER and self.measure != "decline_since"
        if self.sense == "le" or (self.sense == "eq" and lower_is_better):
            return -math.inf, plan + slack
        return plan - slack, math.inf

    @property
    def label(self) -> str:
        return f"{self.target_id}@{self.year}"


@dataclass(frozen=True)
class TargetFile:
    path: Path
    region: str
    plan: str
    seed: str
    targets: tuple[Target, ...]


def load_targets(path) -> TargetFile:
    """Read and check a target file; ``ScenarioError`` names the file and the target.

    A file read before and unchanged since (same size and modification time) is not parsed
    again: every run of a scenario reads its plan's targets, and the quotes make the files
    long."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return _read_targets(path)  # which names the problem
    return _unchanged_targets(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _unchanged_targets(path: Path, mtime_ns: int, size: int) -> TargetFile:
    return _read_targets(path)


def _read_targets(path: Path) -> TargetFile:
    data = read_mapping(path)
    for key in FILE_REQUIRED:
        if key not in data:
            raise ScenarioError(path, key, Message("error.target.missing"),
                                allowed=", ".join(FILE_REQUIRED))
    targets = tuple(_target(entry, path, i) for i, entry in enumerate(data["targets"]))
    ids = [t.id for t in targets]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ScenarioError(path, f"targets.{repeated[0]}", Message("error.target.id_twice"),
                            allowed=Message("error.target.unique_ids"))
    return TargetFile(path, data["region"], data["plan"], data["seed"], targets)


def _target(entry, path: Path, index: int) -> Target:
    where = f"targets[{index}]"
    if not isinstance(entry, dict):
        raise ScenarioError(path, where, Message("error.target.not_mapping"), value=entry)
    missing = [k for k in REQUIRED_KEYS if k not in entry]
    if missing:
        raise ScenarioError(path, f"{where}.{missing[0]}", Message("error.target.missing"),
                            allowed=", ".join(REQUIRED_KEYS))
    known = {f for f in Target.__dataclass_fields__ if f != "extra"}
    fields = {k: v for k, v in entry.items() if k in known}
    fields["hedge"] = tuple(fields.get("hedge") or ())
    target = Target(**fields, extra={k: v for k, v in entry.items() if k not in known})
    if target.modelled and target.numeric:
        _check_model(target, path)
    return target


def _check_model(target: Target, path: Path) -> None:
    where = f"targets.{target.id}"
    model = target.model or {}
    if model.get("variable") not in MODEL_UNITS:
        raise ScenarioError(path, f"{where}.model.variable", Message("error.target.not_variable"),
                            value=model.get("variable"), allowed=", ".join(MODEL_UNITS))
    if model.get("measure", "level") not in MEASURES:
        raise ScenarioError(path, f"{where}.model.measure", Message("error.target.unknown_measure"),
                            value=model.get("measure"), allowed=", ".join(MEASURES))
    if target.unit not in UNIT_TO_MODEL:
        raise ScenarioError(path, f"{where}.unit", Message("error.target.unknown_unit"),
                            value=target.unit, allowed=", ".join(UNIT_TO_MODEL))


def comparisons(target: Target) -> list[Comparison]:
    """The plan numbers of a modelled numeric target, baseline first."""
    if not (target.numeric and target.modelled):
        return []
    model = target.model
    measure = model.get("measure", "level")
    common = dict(target_id=target.id, unit=target.unit, variable=model["variable"],
                  measure=measure, since=model.get("since"))
    rows = []
    if target.baseline and measure == "level":
        rows.append(Comparison(year=int(target.baseline["year"]),
                               plan=float(target.baseline["value"]), baseline=True, **common))
    for key, value in target.targets.items():
        if isinstance(value, str):
            continue  # a qualitative year of a numeric target, e.g. "完成省下达目标"
        plan, sense = _plan_and_sense(value, target.hedge)
        rows.append(Comparison(year=_end_year(key), plan=plan, sense=sense, **common))
    return rows


def _plan_and_sense(value, hedge) -> tuple:
    if isinstance(value, list):
        return (float(value[0]), float(value[1])), "between"
    if any(word in hedge for word in AT_LEAST):
        return float(value), "ge"
    if any(word in hedge for word in AT_MOST):
        return float(value), "le"
    if any(word in hedge for word in ABOUT):
        return float(value), "about"
    return float(value), "eq"


def _end_year(key) -> int:
    """A target year, or the last year of a period key such as ``2021-2025``."""
    return int(str(key).split("-")[-1])


def scenario_targets_file(scenario) -> Path | None:
    """The target file a scenario names in ``calibration.targets``, resolved against the file
    of the ``extends`` chain that names it; None if it names none."""
    name = scenario["calibration.targets"]
    if name is None:
        return None
    return Path(os.path.normpath(scenario.origin("calibration.targets").parent / name))
