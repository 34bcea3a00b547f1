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
    ``path`` without one is a rate that applies from the first projected year on. What the
    field means, in words, is in the text catalogues' ``[field]`` table (``description``,
    ``meaning()``), with every other word a user reads.
    """

    path: str
    kind: str
    unit: str
    default: object = REQUIRED
    bounds: tuple[float, float] = (-INF, INF)
    share: bool = False
    choices: tuple = ()
    fill: str = "linear"
    anchor: str | None = None

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def description(self) -> str:
        """What the field means, in English: the entry of the catalogues' ``[field]`` table."""
        return str(self.meaning())

    def meaning(self) -> Message:
        """What the field means, in any language (``[field]`` of the catalogues)."""
        return Message(f"field.{self.path}")

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
              "shocks": "error.schema.list_shocks",
              "observations": "error.schema.list_observations"}


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
    Field("base.gdp", "float", "亿元",
          bounds=(1e-6, LARGEST)),
    Field("base.energy_intensity", "float", "tce/万元", bounds=(1e-6, 20.0)),
    # electricity demand = energy use x final-energy share x electricity share of final energy
    Field("base.final_energy_share", "float", "1", bounds=(1e-3, 1.0), share=True),
    Field("base.electricity_share_final", "float", "1", bounds=(1e-3, 1.0), share=True),
    Field("base.net_electricity_exports", "float", "亿kWh", default=0.0,
          bounds=(-LARGEST, LARGEST)),
    # local generation by source
    Field("base.renewable_capacity", "float", "万kW",
          bounds=(0.0, LARGEST)),
    Field("base.full_load_hours", "float", "h/yr", bounds=(0.0, 8760.0)),
    Field("base.other_non_fossil_generation", "float", "亿kWh", default=0.0,
          bounds=(0.0, LARGEST)),
    Field("base.gas_power_share", "float", **SHARE),
    Field("base.coal_power_supply_rate", "float", "gce/kWh", bounds=(150.0, 600.0)),
    Field("base.gas_power_supply_rate", "float", "gce/kWh", bounds=(100.0, 600.0)),
    Field("base.coal_equivalent_rate", "float", "gce/kWh", bounds=(100.0, 450.0)),
    Field("base.other_non_fossil_energy", "float", "万tce", default=0.0, bounds=(0.0, LARGEST)),
    # direct fossil use (outside power generation): oil and gas shares, coal the rest
    Field("base.direct_oil_share", "float", **SHARE),
    Field("base.direct_gas_share", "float", **SHARE),
    # installed capacity besides the renewable fleet above
    Field("base.coal_power_capacity", "float", "万kW", bounds=(0.0, LARGEST)),
    Field("base.other_capacity", "float", "万kW", default=0.0, bounds=(0.0, LARGEST)),
    Field("base.process_emissions", "float", "万t CO2", default=0.0, bounds=(0.0, LARGEST)),
    Field("base.ccus", "float", "万t CO2", default=0.0,
          bounds=(0.0, LARGEST)),
)


def _level_path(base: Field) -> Field:
    name = base.path.split(".", 1)[1]
    return Field(f"paths.{name}", "path", base.unit, default=None, bounds=base.bounds,
                 share=base.share, fill="linear", anchor=base.path)


FIELDS: tuple[Field, ...] = (
    Field("format", "choice", "", default=FORMAT_VERSION,
          choices=(FORMAT_VERSION,)),
    Field("name", "str", ""),
    Field("region", "str", ""),
    Field("description", "str", "", default=""),
    Field("extends", "str", "", default=None),
    Field("base_year", "int", "yr", bounds=(1990, 2100)),
    Field("end_year", "int", "yr", bounds=(1991, 2200)),
    Field("accounting", "choice", "", default="territorial",
          choices=("territorial", "consumption")),
    *_BASE_LEVELS,
    Field("paths.gdp_growth", "path", **RATE),
    Field("paths.energy_intensity_decline", "path", **RATE),
    *(_level_path(f) for f in _BASE_LEVELS if f.path not in ("base.gdp", "base.energy_intensity")),
    Field("emission_factors.coal", "float", "tCO2/tce",
          bounds=(0.0, 5.0)),
    Field("emission_factors.oil", "float", "tCO2/tce", bounds=(0.0, 5.0)),
    Field("emission_factors.gas", "float", "tCO2/tce",
          bounds=(0.0, 5.0)),
    Field("observed", "observations", "", default=()),
    Field("reference.ceads_series", "str", "", default=None),
    Field("reference.ceads_band", "float", "1", default=0.15,
          bounds=(0.0, 1.0), share=True),
    Field("uncertainty.sampling", "choice", "",
          default="latin_hypercube", choices=SAMPLINGS),
    Field("uncertainty.parameters", "distributions", "", default=()),
    Field("uncertainty.correlations", "correlations", "", default=()),
    Field("uncertainty.shocks", "shocks", "",
          default=()),
    Field("calibration.targets", "str", "", default=None),
    Field("calibration.free", "params", "", default=()),
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
    OutputVariable("electricity_demand", "亿kWh", "electricity consumption (全社会用电量)"),
    OutputVariable("generation", "亿kWh", "local power generation"),
    OutputVariable("net_electricity_exports", "亿kWh", "net electricity exports (imports < 0)"),
    OutputVariable("coal_power_generation", "亿kWh", "coal power generation"),
    OutputVariable("gas_power_generation", "亿kWh", "gas power generation"),
    OutputVariable("non_fossil_generation", "亿kWh", "non-fossil generation used"),
    OutputVariable("curtailed_generation", "亿kWh",
                   "non-fossil generation curtailed (beyond local generation)"),
    OutputVariable("curtailed_non_fossil_energy", "万tce",
                   "other non-fossil energy not used (beyond the room the balance leaves)"),
    OutputVariable("coal_power_supply_rate", "gce/kWh", "coal burnt per kWh of coal power supplied"),
    OutputVariable("coal_power_fuel", "万tce", "coal burnt for power"),
    OutputVariable("direct_fossil", "万tce", "fossil energy used outside power generation"),
    OutputVariable("electricity_share_final", "1", "electricity share of final energy use"),
    OutputVariable("total_capacity", "万kW", "total installed generating capacity"),
    OutputVariable("clean_capacity_share", "1",
                   "share of installed capacity other than coal power (new and clean energy)"),
    OutputVariable("clean_generation_share", "1",
                   "share of generation other than coal power (new and clean energy)"),
)
