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

# fastmath without 'nnan'/'ninf', so NaN and infinity checks keep working (STYLE 3)
FASTMATH = {"contract", "arcp", "nsz", "reassoc"}

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


@njit(cache=True, fastmath=FASTMATH)
def project_into(gdp0, energy_intensity0, factors, drivers, out):
    """Fill ``out[:, t]`` for every year t of ``drivers`` (year 0 is the base year)."""
    gdp = gdp0
    energy_intensity = energy_intensity0
    for t in range(drivers.shape[1]):
        if t > 0:
            gdp *= 1.0 + drivers[GDP_GROWTH, t]
            energy_intensity *= 1.0 - drivers[EI_DECLINE, t]
        energy = gdp * energy_intensity
        generation = drivers[CAPACITY, t] * drivers[HOURS, t] * HOURS_TO_YI_KWH
        non_fossil_energy = (generation * drivers[COAL_RATE, t] * GCE_TO_WAN_TCE
                             + drivers[OTHER_NON_FOSSIL, t])
        non_fossil_share = non_fossil_energy / energy
        coal_share = drivers[COAL_SHARE, t]
        oil_share = drivers[OIL_SHARE, t]
        gas_share = 1.0 - non_fossil_share - coal_share - oil_share
        fuel_co2 = energy * (coal_share * factors[EF_COAL] + oil_share * factors[EF_OIL]
                             + gas_share * factors[EF_GAS])
        export_co2 = drivers[EXPORTS, t] * factors[EF_EXPORT] * MWH_PER_YI_KWH_TO_WAN_T
        co2 = fuel_co2 + drivers[PROCESS, t] - drivers[CCUS, t] + export_co2
        out[GDP, t] = gdp
        out[ENERGY_INTENSITY, t] = energy_intensity
        out[ENERGY, t] = energy
        out[OUT_COAL, t] = coal_share
        out[OUT_OIL, t] = oil_share
        out[GAS_SHARE, t] = gas_share
        out[NON_FOSSIL_SHARE, t] = non_fossil_share
        out[OUT_CAPACITY, t] = drivers[CAPACITY, t]
        out[GENERATION, t] = generation
        out[CO2, t] = co2
        out[CO2_INTENSITY, t] = co2 / gdp
