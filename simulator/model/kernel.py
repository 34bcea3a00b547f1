"""The numba core of the model (DESIGN §3, model v2): plain float64 arrays in, preallocated
arrays out.

One year of one region, in the statistics' own frame (energy use on the consumption basis that
the plans' intensity and share targets use):

1. Energy use E = GDP x energy intensity (万tce).
2. Electricity demand D = E x final-energy share x electricity share of final energy / 1.229
   (亿kWh; 1 亿kWh is 1.229 万tce at electricity's calorific value, 0.1229 kgce/kWh).
3. Local generation G = D + net exports X (imports are negative exports).
4. Non-fossil generation = renewable capacity x full-load hours + other non-fossil generation.
   Where it exceeds G, the surplus is curtailed (``curtailed_generation``); fossil generation
   is what is left, G - non-fossil, split into gas power (a share) and coal power.
5. Power-sector fuel = generation x supply rate (gce/kWh), for coal and for gas power.
6. Net exports carry the local generation mix: the share D / G of every source's generation
   (and fuel) is used here, the rest leaves. Net imports are counted as coal power at the
   coal-equivalent rate, as energy statistics count purchased power.
7. E holds non-fossil energy (the local share of non-fossil generation x the coal-equivalent
   rate, + other non-fossil energy), the local share of the power sector's fuel, imports, and
   direct fossil use (industry, heat, buildings, transport) as the remainder. Direct fossil
   use is split by the scenario's oil and gas shares of it; coal takes the rest. So the fuel
   shares of E sum to one by construction. Where other non-fossil energy exceeds the room the
   rest of the balance leaves, the surplus is not used (``curtailed_non_fossil_energy``).
   A year with either kind of curtailment is counted (``curtailed_years``).
8. CO2 on the consumption basis is that fuel use times the emission factors; territorial CO2
   adds the fuel of exported power and takes out the coal of imports. Process emissions are
   added and CCUS taken out under both.

A year is *unbalanced* where the inputs leave no room for that closure: direct fossil use or
its coal (oil and gas shares above one) would be negative, or imports exceed demand. The
deterministic projection refuses such a scenario (``projection.project``); a Monte Carlo draw
counts the years (``unbalanced_years``).

Row layouts are fixed here so that every caller (the orchestration, the reference
implementations in ``benchmarks/``) packs and unpacks the same way:

- ``drivers[DRIVER, year]``: rows in ``DRIVER_NAMES`` order;
- ``factors``: emission factors in ``FACTOR_NAMES`` order, then the accounting weight (1 for
  territorial, 0 for consumption accounting);
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
    "gdp_growth", "energy_intensity_decline", "final_energy_share", "electricity_share_final",
    "net_electricity_exports", "renewable_capacity", "full_load_hours",
    "other_non_fossil_generation", "gas_power_share", "coal_power_supply_rate",
    "gas_power_supply_rate", "coal_equivalent_rate", "other_non_fossil_energy",
    "direct_oil_share", "direct_gas_share", "coal_power_capacity", "other_capacity",
    "process_emissions", "ccus",
)
(GDP_GROWTH, EI_DECLINE, FINAL_SHARE, ELECTRICITY_SHARE, EXPORTS, CAPACITY, HOURS,
 OTHER_GENERATION, GAS_POWER_SHARE, COAL_POWER_RATE, GAS_POWER_RATE, COAL_RATE,
 OTHER_NON_FOSSIL, DIRECT_OIL, DIRECT_GAS, COAL_CAPACITY, OTHER_CAPACITY, PROCESS,
 CCUS) = range(len(DRIVER_NAMES))

FACTOR_NAMES = ("coal", "oil", "gas", "territorial")
EF_COAL, EF_OIL, EF_GAS, TERRITORIAL = range(len(FACTOR_NAMES))

OUTPUT_NAMES = (
    "gdp", "energy_intensity", "energy", "coal_share", "oil_share", "gas_share",
    "non_fossil_share", "renewable_capacity", "renewable_generation", "co2", "co2_intensity",
    "electricity_demand", "generation", "net_electricity_exports", "coal_power_generation",
    "gas_power_generation", "non_fossil_generation", "curtailed_generation",
    "curtailed_non_fossil_energy",
    "coal_power_supply_rate", "coal_power_fuel", "direct_fossil", "electricity_share_final",
    "total_capacity", "clean_capacity_share", "clean_generation_share",
)
(GDP, ENERGY_INTENSITY, ENERGY, OUT_COAL, OUT_OIL, GAS_SHARE, NON_FOSSIL_SHARE, OUT_CAPACITY,
 GENERATION, CO2, CO2_INTENSITY, DEMAND, TOTAL_GENERATION, OUT_EXPORTS, COAL_GENERATION,
 GAS_GENERATION, NON_FOSSIL_GENERATION, CURTAILED, CURTAILED_ENERGY, OUT_COAL_POWER_RATE,
 COAL_POWER_FUEL,
 DIRECT_FOSSIL, OUT_ELECTRICITY_SHARE, TOTAL_CAPACITY, CLEAN_CAPACITY_SHARE,
 CLEAN_GENERATION_SHARE) = range(len(OUTPUT_NAMES))

HOURS_TO_YI_KWH = 1e-4       # 万kW x h = 10^4 kWh = 10^-4 亿kWh
GCE_TO_WAN_TCE = 1e-2        # 亿kWh x gce/kWh = 10^8 g = 100 t = 10^-2 万tce
WAN_TCE_PER_YI_KWH = 1.229   # electricity's calorific value: 0.1229 kgce/kWh (GB/T 2589)

N_DRIVERS = len(DRIVER_NAMES)
# per-draw scalars: base-year GDP and intensity, the emission factors, the accounting weight
SCALAR_NAMES = ("gdp0", "energy_intensity0", "ef_coal", "ef_oil", "ef_gas", "territorial")
GDP0, EI0, S_EF_COAL, S_EF_OIL, S_EF_GAS, S_TERRITORIAL = range(len(SCALAR_NAMES))


@njit(inline="always", fastmath=FASTMATH)
def _power(energy, v, c):
    """The power sector of one year from the drivers in column ``c`` of ``v``: demand,
    generation, renewable, non-fossil (used), curtailed, gas-power and coal-power generation
    (亿kWh)."""
    demand = energy * v[FINAL_SHARE, c] * v[ELECTRICITY_SHARE, c] / WAN_TCE_PER_YI_KWH
    generation = demand + v[EXPORTS, c]
    renewable = v[CAPACITY, c] * v[HOURS, c] * HOURS_TO_YI_KWH
    non_fossil = renewable + v[OTHER_GENERATION, c]
    used = min(non_fossil, generation)  # the rest is curtailed; fossil generation exactly 0 then
    fossil = generation - used
    gas = fossil * v[GAS_POWER_SHARE, c]
    return demand, generation, renewable, used, non_fossil - used, gas, fossil - gas


@njit(inline="always", fastmath=FASTMATH)
def _balance(energy, v, c):
    """One year's energy balance (see the module docstring), in 万tce unless named: the power
    sector (亿kWh, as ``_power``), coal-power fuel, direct fossil use, the fuels on the
    statistics' basis (coal, oil, gas, non-fossil: they sum to ``energy``), the coal and gas
    that territorial accounting adds to them (exported power's fuel less imports), and whether
    the year is unbalanced."""
    demand, generation, renewable, non_fossil_gen, curtailed, gas_gen, coal_gen = \
        _power(energy, v, c)
    rate = v[COAL_RATE, c] * GCE_TO_WAN_TCE
    local = demand / generation if generation > demand else 1.0  # used here; exports the rest
    imported = max(-v[EXPORTS, c], 0.0) * rate
    coal_power = coal_gen * v[COAL_POWER_RATE, c] * GCE_TO_WAN_TCE
    gas_power = gas_gen * v[GAS_POWER_RATE, c] * GCE_TO_WAN_TCE
    room = energy - local * non_fossil_gen * rate - local * coal_power - local * gas_power \
        - imported
    # other non-fossil energy beyond the room left is not used (curtailed, counted); where it
    # fills the room, direct fossil use is exactly zero
    used = min(v[OTHER_NON_FOSSIL, c], max(room, 0.0))
    spilled = v[OTHER_NON_FOSSIL, c] - used
    non_fossil = local * non_fossil_gen * rate + used
    direct = room - used
    direct_oil = direct * v[DIRECT_OIL, c]
    direct_gas = direct * v[DIRECT_GAS, c]
    direct_coal = direct - direct_oil - direct_gas
    coal = direct_coal + local * coal_power + imported
    gas = direct_gas + local * gas_power
    traded_coal = (1.0 - local) * coal_power - imported
    traded_gas = (1.0 - local) * gas_power
    unbalanced = (direct < 0.0) | (direct_coal < 0.0) | (generation <= 0.0)
    return (demand, generation, renewable, non_fossil_gen, curtailed, gas_gen, coal_gen,
            coal_power, direct, coal, direct_oil, gas, non_fossil, traded_coal, traded_gas,
            unbalanced, spilled)


@njit(inline="always", fastmath=FASTMATH)
def _co2(coal, oil, gas, traded_coal, traded_gas, ef, territorial, process, ccus):
    """CO2 of one year (万t): fuel use on the statistics' basis times the factors ``ef``
    (coal, oil, gas), the traded fuel added under territorial accounting, plus process
    emissions, less CCUS."""
    fuel = (coal + territorial * traded_coal) * ef[0] + oil * ef[1] \
        + (gas + territorial * traded_gas) * ef[2]
    return fuel + process - ccus


@njit(inline="always", fastmath=FASTMATH)
def year_co2(energy, v, c, ef_coal, ef_oil, ef_gas, territorial):
    """CO2 of one year (万t), whether the year is unbalanced, and whether generation was
    curtailed."""
    (_, _, _, _, curtailed, _, _, _, _, coal, oil, gas, _, traded_coal, traded_gas, unbalanced,
     spilled) = _balance(energy, v, c)
    co2 = _co2(coal, oil, gas, traded_coal, traded_gas, (ef_coal, ef_oil, ef_gas), territorial,
               v[PROCESS, c], v[CCUS, c])
    return co2, unbalanced, (curtailed > 0.0) | (spilled > 0.0)


@njit(inline="always", fastmath=FASTMATH)
def store_year(dest, col, gdp, energy_intensity, v, c, co2):
    """One year's outputs into column ``col`` of ``dest`` (rows in ``OUTPUT_NAMES`` order),
    from its GDP, intensity, drivers (column ``c`` of ``v``) and CO2."""
    energy = gdp * energy_intensity
    (demand, generation, renewable, non_fossil_gen, curtailed, gas_gen, coal_gen, coal_power,
     direct, coal, oil, gas, non_fossil, _, _, _, spilled) = _balance(energy, v, c)
    capacity = v[CAPACITY, c] + v[COAL_CAPACITY, c] + v[OTHER_CAPACITY, c]
    dest[GDP, col] = gdp
    dest[ENERGY_INTENSITY, col] = energy_intensity
    dest[ENERGY, col] = energy
    dest[OUT_COAL, col] = coal / energy
    dest[OUT_OIL, col] = oil / energy
    dest[GAS_SHARE, col] = gas / energy
    dest[NON_FOSSIL_SHARE, col] = non_fossil / energy
    dest[OUT_CAPACITY, col] = v[CAPACITY, c]
    dest[GENERATION, col] = renewable
    dest[CO2, col] = co2
    dest[CO2_INTENSITY, col] = co2 / gdp
    dest[DEMAND, col] = demand
    dest[TOTAL_GENERATION, col] = generation
    dest[OUT_EXPORTS, col] = v[EXPORTS, c]
    dest[COAL_GENERATION, col] = coal_gen
    dest[GAS_GENERATION, col] = gas_gen
    dest[NON_FOSSIL_GENERATION, col] = non_fossil_gen
    dest[CURTAILED, col] = curtailed
    dest[CURTAILED_ENERGY, col] = spilled
    dest[OUT_COAL_POWER_RATE, col] = v[COAL_POWER_RATE, c]
    dest[COAL_POWER_FUEL, col] = coal_power
    dest[DIRECT_FOSSIL, col] = direct
    dest[OUT_ELECTRICITY_SHARE, col] = v[ELECTRICITY_SHARE, c]
    dest[TOTAL_CAPACITY, col] = capacity
    # nothing installed: no clean capacity either (a select, so no division by zero)
    dest[CLEAN_CAPACITY_SHARE, col] = 1.0 - v[COAL_CAPACITY, c] / capacity if capacity > 0.0 \
        else 0.0
    dest[CLEAN_GENERATION_SHARE, col] = 1.0 - coal_gen / generation


@njit(cache=True, fastmath=FASTMATH)
def project_into(gdp0, energy_intensity0, factors, drivers, out):
    """Fill ``out[:, t]`` for every year t of ``drivers`` (year 0 is the base year)."""
    gdp = gdp0
    energy_intensity = energy_intensity0
    for t in range(drivers.shape[1]):
        if t > 0:
            gdp *= 1.0 + drivers[GDP_GROWTH, t]
            energy_intensity *= 1.0 - drivers[EI_DECLINE, t]
        co2, _, _ = year_co2(gdp * energy_intensity, drivers, t, factors[EF_COAL],
                          factors[EF_OIL], factors[EF_GAS], factors[TERRITORIAL])
        store_year(out, t, gdp, energy_intensity, drivers, t, co2)
