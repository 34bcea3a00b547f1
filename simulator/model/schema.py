"""The one declarative scenario schema, and the metadata of every output variable.

Everything else reads these tables: the loader validates against ``FIELDS``, the field reference
of the docs (``docs/scenario_format.md``) is generated from them as the docs are built, and the
xarray ``units``/``long_name`` attrs come from ``OUTPUT_VARIABLES``. Units are the plans' own (DESIGN §3): GDP in 亿元 (10^8 yuan) at
constant base-year prices, energy in 万tce, CO2 in 万t, capacity in 万kW, generation in 亿kWh.
Shares and rates are fractions (0.04, never 4).

``python -m simulator.model.schema_doc`` prints that reference; nothing needs regenerating by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from simulator.text import Message


YEAR_DIM = "year"
DRAW_DIM = "draw"

REPORT_YEARS = (2022, 2025, 2030, 2035, 2040, 2050, 2060)  # years shown and kept per draw
FORMAT_VERSION = 1
REQUIRED = object()  # marks a field without a default
FILLS = ("step", "linear")
SAMPLINGS = ("random", "latin_hypercube", "sobol")  # designs of the uncertainty section

INF = math.inf


@dataclass(frozen=True)
class DriverPath:
    """The value of a ``path`` field: key years and values, filled for every year by ``fill``
    (see ``simulator.model.drivers``)."""

    fill: str
    years: tuple[int, ...]
    values: tuple[float, ...]


@dataclass(frozen=True)
class Field:
    """One scenario field: where it lives, what it holds and what is allowed.

    ``kind`` is one of ``str``, ``int``, ``float``, ``choice``, ``params`` (a list of parameter
    paths, see ``simulator.model.parameters``) or ``path`` (a driver path keyed by year). A ``path`` with an ``anchor`` is a level whose base-year value is the anchor field; a
    ``path`` without one is a rate that applies from the first projected year on.
    """

    path: str
    kind: str
    unit: str
    description: str
    default: object = REQUIRED
    bounds: tuple[float, float] = (-INF, INF)
    share: bool = False
    choices: tuple = ()
    fill: str = "linear"
    anchor: str | None = None

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def allowed(self) -> Message:
        """Plain-words statement of what the field accepts (``str()`` of it is the English the
        docs' field reference shows)."""
        if self.kind == "choice":
            return Message("error.schema.one_of", choices=", ".join(repr(c) for c in self.choices))
        if self.kind == "str":
            return Message("error.schema.text")
        if self.kind in LIST_KINDS:
            return Message(LIST_KINDS[self.kind])
        if self.kind == "params":
            return Message("error.schema.params")
        if self.kind == "path":
            return Message("error.schema.path", range=_range_words(self))
        what = "error.schema.whole_number" if self.kind == "int" else "error.schema.number"
        return Message(what, range=_range_words(self))


LIST_KINDS = {"distributions": "error.schema.list_distributions",
              "correlations": "error.schema.list_correlations",
              "shocks": "error.schema.list_shocks"}


def _range_words(f: Field) -> Message:
    lo, hi = f.bounds
    unit = "" if f.unit in ("1", "") else f.unit
    if f.share:
        return Message("error.schema.share", lo=lo, hi=hi)
    if lo == -INF and hi == INF:
        return Message("error.schema.any_unit", unit=unit) if unit else \
            Message("error.schema.any")
    if hi == INF:
        return Message("error.schema.at_least_unit", lo=lo, unit=unit) if unit else \
            Message("error.schema.at_least", lo=lo)
    return Message("error.schema.within_unit", lo=lo, hi=hi, unit=unit) if unit else \
        Message("error.schema.within", lo=lo, hi=hi)


# The largest level any field takes, in the plans' units: hundreds of times the world's GDP
# (about 10^6 亿元), energy use (2 x 10^6 万tce), CO2 (4 x 10^6 万t), generation (3 x 10^5
# 亿kWh) and capacity (10^6 万kW), yet finite, so that no valid scenario, and no draw clamped
# to these bounds, overflows: over the longest horizon (210 years at growth and intensity
# change of +-50 %/yr) GDP and intensity each move by at most a factor 1.5^210 (about 10^37).
LARGEST = 1e9
SHARE = dict(unit="1", bounds=(0.0, 1.0), share=True)
RATE = dict(unit="1/yr", bounds=(-0.5, 0.5), share=True, fill="step")

_BASE_LEVELS = (
    Field("base.gdp", "float", "亿元", "GDP in the base year, at constant base-year prices.",
          bounds=(1e-6, LARGEST)),
    Field("base.energy_intensity", "float", "tce/万元",
          "Energy use per unit GDP (单位GDP能源消费量) in the base year.", bounds=(1e-6, 20.0)),
    Field("base.coal_share", "float", description="Coal share of total energy use.", **SHARE),
    Field("base.oil_share", "float", description="Oil share of total energy use.", **SHARE),
    Field("base.renewable_capacity", "float", "万kW",
          "Installed renewable generating capacity (可再生能源发电装机容量).",
          bounds=(0.0, LARGEST)),
    Field("base.full_load_hours", "float", "h/yr",
          "Full-load hours of the renewable fleet (capacity-weighted).", bounds=(0.0, 8760.0)),
    Field("base.coal_equivalent_rate", "float", "gce/kWh",
          "Coal equivalent of one kWh of non-fossil power: about 300 under 发电煤耗法 "
          "(coal-substitution), 122.9 under 电热当量法 (calorific equivalent). Must match the "
          "method behind the plan's non-fossil share.", bounds=(100.0, 450.0)),
    Field("base.other_non_fossil_energy", "float", "万tce",
          "Non-fossil energy not from the renewable fleet above: hydro, nuclear, imported green "
          "power, biomass heat.", default=0.0, bounds=(0.0, LARGEST)),
    Field("base.process_emissions", "float", "万t CO2",
          "Industrial process CO2 (e.g. cement clinker).", default=0.0, bounds=(0.0, LARGEST)),
    Field("base.ccus", "float", "万t CO2", "CO2 captured and stored.", default=0.0,
          bounds=(0.0, LARGEST)),
    Field("base.net_electricity_exports", "float", "亿kWh",
          "Net electricity sent out of the region (negative for net imports).", default=0.0,
          bounds=(-LARGEST, LARGEST)),
)


def _level_path(base: Field) -> Field:
    name = base.path.split(".", 1)[1]
    return Field(f"paths.{name}", "path", base.unit,
                 f"Path of {name.replace('_', ' ')} after the base year; holds the base-year "
                 "value where no key is given.", default=None, bounds=base.bounds,
                 share=base.share, fill="linear", anchor=base.path)


FIELDS: tuple[Field, ...] = (
    Field("format", "choice", "", "Scenario format version.", default=FORMAT_VERSION,
          choices=(FORMAT_VERSION,)),
    Field("name", "str", "", "Scenario name: letters, digits, '_' or '-'; names the output "
          "folder results/<name>/. Never inherited through extends."),
    Field("region", "str", "", "Region the scenario describes (e.g. Taiyuan)."),
    Field("description", "str", "", "Free text: what the scenario assumes.", default=""),
    Field("extends", "str", "", "Parent scenario file, relative to this file. This file then "
          "stores only its differences: sections merge field by field, and a driver path given "
          "here replaces the parent's path of the same name whole.", default=None),
    Field("base_year", "int", "yr", "First year of the projection; the base-year state "
          "applies to it.", bounds=(1990, 2100)),
    Field("end_year", "int", "yr", "Last projected year.", bounds=(1991, 2200)),
    Field("accounting", "choice", "", "CO2 accounting: 'territorial' adds the emissions of net "
          "exported electricity (net_electricity_exports x emission_factors.electricity_export);"
          " 'consumption' leaves them out.", default="territorial",
          choices=("territorial", "consumption")),
    *_BASE_LEVELS,
    Field("paths.gdp_growth", "path", description="Real GDP growth rate g_t: GDP_t = GDP_{t-1} "
          "(1 + g_t). The first key must be the first projected year.", **RATE),
    Field("paths.energy_intensity_decline", "path", description="Energy-intensity decline rate d_t: "
          "EI_t = EI_{t-1} (1 - d_t). The first key must be the first projected year.", **RATE),
    *(_level_path(f) for f in _BASE_LEVELS if f.path not in ("base.gdp", "base.energy_intensity")),
    Field("emission_factors.coal", "float", "tCO2/tce", "CO2 per tce of coal.",
          bounds=(0.0, 5.0)),
    Field("emission_factors.oil", "float", "tCO2/tce", "CO2 per tce of oil.", bounds=(0.0, 5.0)),
    Field("emission_factors.gas", "float", "tCO2/tce", "CO2 per tce of natural gas.",
          bounds=(0.0, 5.0)),
    Field("emission_factors.electricity_export", "float", "tCO2/MWh",
          "CO2 per MWh of net exported electricity (used under territorial accounting).",
          default=0.0, bounds=(0.0, 2.0)),
    Field("reference.ceads_series", "str", "", "Region name of the CEADs CO2 series "
          "(calibration/data/ceads_co2_mt.csv) the base-year CO2 is checked against; none where "
          "CEADs has no series for the region.", default=None),
    Field("reference.ceads_band", "float", "1", "Allowed relative distance of base-year CO2 "
          "from the CEADs linear trend (fitted to 2010-2019, or to all years the series has) "
          "extrapolated to the base year. State why in a comment.", default=0.15,
          bounds=(0.0, 1.0), share=True),
    Field("uncertainty.sampling", "choice", "", "How draws are sampled: 'random', "
          "'latin_hypercube' or 'sobol' (Latin hypercube strata from keyed permutations of "
          "the draws; Sobol points from scipy.stats.qmc; per-year shocks are always random).",
          default="latin_hypercube", choices=SAMPLINGS),
    Field("uncertainty.parameters", "distributions", "", "Uncertain parameters: a list of "
          "{parameter, apply, distribution, ...} entries (see the table below).", default=()),
    Field("uncertainty.correlations", "correlations", "", "Correlations between parameter "
          "entries through a Gaussian copula: a list of {between: [a, b], rho}.", default=()),
    Field("uncertainty.shocks", "shocks", "", "Per-year AR(1) shocks on drivers: a list of "
          "{driver, apply: add or multiply, sd, rho}; sd is the stationary standard deviation.",
          default=()),
    Field("calibration.targets", "str", "", "Plan target file the scenario is calibrated to, "
          "relative to this file (e.g. ../calibration/targets/taiyuan.yaml).", default=None),
    Field("calibration.free", "params", "", "Parameters `simulate calibrate` fits to the "
          "targets, by parameter path: a scalar field (base.coal_share) or one key of a driver "
          "path (paths.coal_share.values.2025). The fitted values are kept in <scenario>.lock.yaml "
          "beside the file and used by every later run.", default=()),
)

FIELDS_BY_PATH = {f.path: f for f in FIELDS}
SECTIONS = sorted({f.path.split(".")[0] for f in FIELDS if "." in f.path})
MODEL_SECTIONS = ("base", "paths", "emission_factors")  # what the model reads; the others
# tell calibration and the checks around it what to do


@dataclass(frozen=True)
class OutputVariable:
    name: str
    units: str
    long_name: str
    attrs: dict = field(default_factory=dict)


OUTPUT_VARIABLES: tuple[OutputVariable, ...] = (
    OutputVariable("gdp", "亿元", "GDP at constant base-year prices"),
    OutputVariable("energy_intensity", "tce/万元", "energy use per unit GDP"),
    OutputVariable("energy", "万tce", "total energy use"),
    OutputVariable("coal_share", "1", "coal share of total energy use"),
    OutputVariable("oil_share", "1", "oil share of total energy use"),
    OutputVariable("gas_share", "1", "natural gas share of total energy use"),
    OutputVariable("non_fossil_share", "1", "non-fossil share of total energy use"),
    OutputVariable("renewable_capacity", "万kW", "installed renewable generating capacity"),
    OutputVariable("renewable_generation", "亿kWh", "renewable generation"),
    OutputVariable("co2", "万t", "CO2 emissions"),
    OutputVariable("co2_intensity", "t/万元", "CO2 emissions per unit GDP"),
)
