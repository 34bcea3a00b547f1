"""The numba core of the model (DESIGN §3): plain float64 arrays in, preallocated arrays out.

Row layouts are fixed here so that every caller (the orchestration, the reference
implementations in ``benchmarks/``) packs and unpacks the same way:

- ``drivers[DRIVER, year]``: rows in ``DRIVER_NAMES`` order;
- ``factors``: emission factors in ``FACTOR_NAMES`` order, the last one already multiplied by
  the accounting weight (1 for territorial, 0 for consumption accounting);
- ``out[OUTPUT, year]``: rows in ``OUTPUT_NAMES`` order.
"""

from __future__ import annotations

from numba import njit

# fastmath limited to 'nsz'. Without 'nnan'/'ninf', NaN and infinity checks keep working
# (STYLE 3); without 'contract' (fused multiply-add) and 'reassoc', the Monte Carlo kernel's
# vectorised loops and their scalar remainders round identically, so a draw's result does not
# depend on its place in a tile, and any split of the draws into chunks gives the same bits.
FASTMATH = {"nsz"}

DRIVER_NAMES = (
    "gdp_growth", "energy_intensity_decline", "coal_share", "oil_share", "renewable_capacity",
    "full_load_hours", "coal_equivalent_rate", "other_non_fossil_energy", "process_emissions",
    "ccus", "net_electricity_exports",
)
(GDP_GROWTH, EI_DECLINE, COAL_SHARE, OIL_SHARE, CAPACITY, HOURS, COAL_RATE, OTHER_NON_FOSSIL,
 PROCESS, CCUS, EXPORTS) = range(len(DRIVER_NAMES))

FACTOR_NAMES = ("coal", "oil", "gas", "electricity_export")
EF_COAL, EF_OIL, EF_GAS, EF_EXPORT = range(len(FACTOR_NAMES))

OUTPUT_NAMES = (
    "gdp", "energy_intensity", "energy", "coal_share", "oil_share", "gas_share",
    "non_fossil_share", "renewable_capacity", "renewable_generation", "co2", "co2_intensity",
)
(GDP, ENERGY_INTENSITY, ENERGY, OUT_COAL, OUT_OIL, GAS_SHARE, NON_FOSSIL_SHARE, OUT_CAPACITY,
 GENERATION, CO2, CO2_INTENSITY) = range(len(OUTPUT_NAMES))

HOURS_TO_YI_KWH = 1e-4     # 万kW x h = 10^4 kWh = 10^-4 亿kWh
GCE_TO_WAN_TCE = 1e-2      # 亿kWh x gce/kWh = 10^8 g = 100 t = 10^-2 万tce
MWH_PER_YI_KWH_TO_WAN_T = 10.0  # 亿kWh x tCO2/MWh = 10^5 t = 10 万t


N_DRIVERS = len(DRIVER_NAMES)
# per-draw scalars: base-year GDP and intensity, then the emission factors
SCALAR_NAMES = ("gdp0", "energy_intensity0", "ef_coal", "ef_oil", "ef_gas", "ef_export")
GDP0, EI0, S_EF_COAL, S_EF_OIL, S_EF_GAS, S_EF_EXPORT = range(len(SCALAR_NAMES))


@njit(inline="always", fastmath=FASTMATH)
def _energy_balance(gdp, energy_intensity, capacity, hours, coal_rate, other_non_fossil):
    """Energy (万tce), renewable generation (亿kWh) and the non-fossil share of one year."""
    energy = gdp * energy_intensity
    generation = capacity * hours * HOURS_TO_YI_KWH
    non_fossil = (generation * coal_rate * GCE_TO_WAN_TCE + other_non_fossil) / energy
    return energy, generation, non_fossil


@njit(inline="always", fastmath=FASTMATH)
def _gas_share(coal, oil, non_fossil):
    """Gas: the share of energy the other fuels leave (negative where they over-fill it)."""
    return 1.0 - non_fossil - coal - oil


@njit(inline="always", fastmath=FASTMATH)
def _co2(energy, coal, oil, gas, ef_coal, ef_oil, ef_gas, process, ccus, exports, ef_export):
    """CO2 of one year (万t): fuel use times factors, plus the optional terms; and whether
    the electricity trade term was limited (see ``_trade_co2``)."""
    fuel = energy * (coal * ef_coal + oil * ef_oil + gas * ef_gas)
    trade, limited = _trade_co2(energy * coal * ef_coal, exports, ef_export)
    return fuel + process - ccus + trade, limited


@njit(inline="always", fastmath=FASTMATH)
def _trade_co2(coal_co2, exports, ef_export):
    """CO2 of net electricity exports (万t) and whether it was limited.

    Exports add the CO2 of power made here and used elsewhere. Imports (negative) take out the
    CO2 of imported coal power, which energy statistics count in the coal share: at most the
    CO2 of all the coal in the mix (``coal_co2``), so that coal burnt here never goes below
    zero. That limit binds only where a drawn fuel mix has less coal than the imports bring
    (``limited`` is then True, and the draw's adjusted years count it); a deterministic path
    where it binds is refused (``simulator.model.projection.project``)."""
    trade = exports * ef_export * MWH_PER_YI_KWH_TO_WAN_T
    return max(trade, -coal_co2), trade < -coal_co2


@njit(inline="always", fastmath=FASTMATH)
def _store(dest, col, gdp, energy_intensity, energy, coal, oil, gas, non_fossil, capacity,
           generation, co2):
    """One year's outputs into column ``col`` of ``dest`` (rows in ``OUTPUT_NAMES`` order)."""
    dest[GDP, col] = gdp
    dest[ENERGY_INTENSITY, col] = energy_intensity
    dest[ENERGY, col] = energy
    dest[OUT_COAL, col] = coal
    dest[OUT_OIL, col] = oil
    dest[GAS_SHARE, col] = gas
    dest[NON_FOSSIL_SHARE, col] = non_fossil
    dest[OUT_CAPACITY, col] = capacity
    dest[GENERATION, col] = generation
    dest[CO2, col] = co2
    dest[CO2_INTENSITY, col] = co2 / gdp


@njit(cache=True, fastmath=FASTMATH)
def project_into(gdp0, energy_intensity0, factors, drivers, out):
    """Fill ``out[:, t]`` for every year t of ``drivers`` (year 0 is the base year)."""
    gdp = gdp0
    energy_intensity = energy_intensity0
    for t in range(drivers.shape[1]):
        if t > 0:
            gdp *= 1.0 + drivers[GDP_GROWTH, t]
            energy_intensity *= 1.0 - drivers[EI_DECLINE, t]
        energy, generation, non_fossil_share = _energy_balance(
            gdp, energy_intensity, drivers[CAPACITY, t], drivers[HOURS, t],
            drivers[COAL_RATE, t], drivers[OTHER_NON_FOSSIL, t])
        coal_share = drivers[COAL_SHARE, t]
        oil_share = drivers[OIL_SHARE, t]
        gas_share = _gas_share(coal_share, oil_share, non_fossil_share)
        co2, _ = _co2(energy, coal_share, oil_share, gas_share, factors[EF_COAL],
                      factors[EF_OIL], factors[EF_GAS], drivers[PROCESS, t], drivers[CCUS, t],
                      drivers[EXPORTS, t], factors[EF_EXPORT])
        _store(out, t, gdp, energy_intensity, energy, coal_share, oil_share, gas_share,
               non_fossil_share, drivers[CAPACITY, t], generation, co2)
