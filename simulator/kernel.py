"""The numba core of the model (DESIGN §3): plain float64 arrays in, preallocated arrays out.

Row layouts are fixed here so that every caller (the orchestration, the reference
implementations in ``benchmarks/``) packs and unpacks the same way:

- ``drivers[DRIVER, year]``: rows in ``DRIVER_NAMES`` order;
- ``factors``: emission factors in ``FACTOR_NAMES`` order, the last one already multiplied by
  the accounting weight (1 for territorial, 0 for consumption accounting);
- ``out[OUTPUT, year]``: rows in ``OUTPUT_NAMES`` order.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

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


N_DRIVERS = len(DRIVER_NAMES)
# per-draw scalars: base-year GDP and intensity, then the emission factors
SCALAR_NAMES = ("gdp0", "energy_intensity0", "ef_coal", "ef_oil", "ef_gas", "ef_export")
GDP0, EI0, S_EF_COAL, S_EF_OIL, S_EF_GAS, S_EF_EXPORT = range(len(SCALAR_NAMES))
LEVEL, DECLINE_SINCE, INCREASE_SINCE = range(3)  # comparison measures


@njit(inline="always", fastmath=FASTMATH)
def _energy_balance(gdp, energy_intensity, capacity, hours, coal_rate, other_non_fossil):
    """Energy (万tce), renewable generation (亿kWh) and the non-fossil share of one year."""
    energy = gdp * energy_intensity
    generation = capacity * hours * HOURS_TO_YI_KWH
    non_fossil = (generation * coal_rate * GCE_TO_WAN_TCE + other_non_fossil) / energy
    return energy, generation, non_fossil


@njit(inline="always", fastmath=FASTMATH)
def _co2(energy, coal, oil, gas, ef_coal, ef_oil, ef_gas, process, ccus, exports, ef_export):
    """CO2 of one year (万t): fuel use times factors, plus the optional terms."""
    fuel = energy * (coal * ef_coal + oil * ef_oil + gas * ef_gas)
    return fuel + process - ccus + exports * ef_export * MWH_PER_YI_KWH_TO_WAN_T


@njit(inline="always", fastmath=FASTMATH)
def _store(dest, gdp, energy_intensity, energy, coal, oil, gas, non_fossil, capacity, generation,
           co2):
    """One year's outputs into ``dest`` (rows in ``OUTPUT_NAMES`` order)."""
    dest[GDP] = gdp
    dest[ENERGY_INTENSITY] = energy_intensity
    dest[ENERGY] = energy
    dest[OUT_COAL] = coal
    dest[OUT_OIL] = oil
    dest[GAS_SHARE] = gas
    dest[NON_FOSSIL_SHARE] = non_fossil
    dest[OUT_CAPACITY] = capacity
    dest[GENERATION] = generation
    dest[CO2] = co2
    dest[CO2_INTENSITY] = co2 / gdp


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
        gas_share = 1.0 - non_fossil_share - coal_share - oil_share
        co2 = _co2(energy, coal_share, oil_share, gas_share, factors[EF_COAL], factors[EF_OIL],
                   factors[EF_GAS], drivers[PROCESS, t], drivers[CCUS, t], drivers[EXPORTS, t],
                   factors[EF_EXPORT])
        _store(out[:, t], gdp, energy_intensity, energy, coal_share, oil_share, gas_share,
               non_fossil_share, drivers[CAPACITY, t], generation, co2)


@njit(inline="always")
def _clamp(value, low, high):
    """The value within [low, high], and 1 if it had to be moved, else 0."""
    if value < low:
        return low, 1
    if value > high:
        return high, 1
    return value, 0


@njit(inline="always", fastmath=FASTMATH)
def _fit_fuel_mix(coal, oil, non_fossil):
    """Fuel shares that sum to one: where coal + oil + non-fossil exceed one, coal and oil are
    scaled down until gas is zero (non-fossil itself capped at one). Returns the shares and 1
    if anything was changed."""
    gas = 1.0 - non_fossil - coal - oil
    if gas >= 0.0:
        return coal, oil, gas, non_fossil, 0
    if non_fossil >= 1.0:
        return 0.0, 0.0, 0.0, 1.0, 1
    scale = (1.0 - non_fossil) / (coal + oil)
    return coal * scale, oil * scale, 0.0, non_fossil, 1


@njit(inline="always", fastmath=FASTMATH)
def _drivers_of_year(local, d, t, drivers, lower, upper, rows, pattern_add, pattern_scale,
                     coef_add, coef_scale, shock_rows, shock_multiply, shocks):
    """Draw d's drivers in year t into ``local``: nominal + parameter moves + shocks, clamped
    to their bounds. Returns how many were clamped."""
    for r in range(N_DRIVERS):
        local[r] = drivers[r, t]
    for p in range(rows.shape[0]):
        if rows[p] < N_DRIVERS:
            local[rows[p]] += (coef_add[d, p] * pattern_add[p, t]
                               + coef_scale[d, p] * pattern_scale[p, t])
    for s in range(shock_rows.shape[0]):
        if shock_multiply[s]:
            local[shock_rows[s]] *= 1.0 + shocks[s, d, t]
        else:
            local[shock_rows[s]] += shocks[s, d, t]
    clamped = 0
    for r in range(N_DRIVERS):
        local[r], moved = _clamp(local[r], lower[r], upper[r])
        clamped += moved
    return clamped


@njit(inline="always")
def _measure(measure, value, since_value):
    """A comparison's quantity: the level, the decline since a year, or the increase."""
    if measure == DECLINE_SINCE:
        return 1.0 - value / since_value
    if measure == INCREASE_SINCE:
        return value - since_value
    return value


@njit(parallel=True, cache=True, fastmath=FASTMATH)
def simulate_into(drivers, lower, upper, scalars, scalar_lower, scalar_upper,
                  rows, pattern_add, pattern_scale, coef_add, coef_scale,
                  shock_rows, shock_multiply, shocks,
                  report_t, target_t, cmp_row, cmp_t, cmp_since, cmp_measure, cmp_low, cmp_high,
                  peak_t, peak_co2, co2_at, cumulative_co2, max_after_target, hits, clamps,
                  rescales, full, keep_full):
    """Run every draw of a block through the model and keep per-draw summaries.

    Per draw d (``prange``; each iteration writes only row d of the outputs):
    drivers = nominal ``drivers`` + parameter moves (``coef_add[d] @ pattern_add`` and
    ``coef_scale[d] @ pattern_scale`` on rows ``rows < N_DRIVERS``; scalars on the rows above)
    + shocks, each clamped to [``lower``, ``upper``]; then the model year by year. Outputs:
    peak year index and value, CO2 in ``report_t`` years, cumulative CO2, the largest CO2 after
    ``target_t``, whether each comparison holds (``cmp_low <= value <= cmp_high``), the number
    of driver values clamped to their bounds, the number of years whose fuel mix had to be
    rescaled (non-fossil supply left no room for gas), and, if ``keep_full``,
    ``full[d, output, year]``.
    """
    n_years = drivers.shape[1]
    for d in prange(coef_add.shape[0]):
        scalar = scalars.copy()
        for p in range(rows.shape[0]):
            if rows[p] >= N_DRIVERS:
                scalar[rows[p] - N_DRIVERS] += (coef_add[d, p] * pattern_add[p, 0]
                                                + coef_scale[d, p] * pattern_scale[p, 0])
        n_clamped = 0
        n_rescaled = 0
        for i in range(scalar.shape[0]):
            scalar[i], moved = _clamp(scalar[i], scalar_lower[i], scalar_upper[i])
            n_clamped += moved
        local = np.empty(N_DRIVERS)
        now = np.empty(len(OUTPUT_NAMES))
        value_at = np.zeros(cmp_row.shape[0])
        value_since = np.zeros(cmp_row.shape[0])
        gdp = scalar[GDP0]
        energy_intensity = scalar[EI0]
        best = -np.inf
        best_t = 0
        total = 0.0
        after = -np.inf
        for t in range(n_years):
            n_clamped += _drivers_of_year(local, d, t, drivers, lower, upper, rows,
                                          pattern_add, pattern_scale, coef_add, coef_scale,
                                          shock_rows, shock_multiply, shocks)
            if t > 0:
                gdp *= 1.0 + local[GDP_GROWTH]
                energy_intensity *= 1.0 - local[EI_DECLINE]
            energy, generation, non_fossil = _energy_balance(
                gdp, energy_intensity, local[CAPACITY], local[HOURS], local[COAL_RATE],
                local[OTHER_NON_FOSSIL])
            coal, oil, gas, non_fossil, rescaled = _fit_fuel_mix(local[COAL_SHARE],
                                                                 local[OIL_SHARE], non_fossil)
            n_rescaled += rescaled
            co2 = _co2(energy, coal, oil, gas, scalar[S_EF_COAL], scalar[S_EF_OIL],
                       scalar[S_EF_GAS], local[PROCESS], local[CCUS], local[EXPORTS],
                       scalar[S_EF_EXPORT])
            _store(now, gdp, energy_intensity, energy, coal, oil, gas, non_fossil,
                   local[CAPACITY], generation, co2)
            if co2 > best:
                best = co2
                best_t = t
            total += co2
            if t > target_t and co2 > after:
                after = co2
            for j in range(report_t.shape[0]):
                if report_t[j] == t:
                    co2_at[d, j] = co2
            for c in range(cmp_row.shape[0]):
                if cmp_t[c] == t:
                    value_at[c] = now[cmp_row[c]]
                if cmp_since[c] == t:
                    value_since[c] = now[cmp_row[c]]
            if keep_full:
                for v in range(now.shape[0]):
                    full[d, v, t] = now[v]
        peak_t[d] = best_t
        peak_co2[d] = best
        cumulative_co2[d] = total
        max_after_target[d] = after
        clamps[d] = n_clamped
        rescales[d] = n_rescaled
        for c in range(cmp_row.shape[0]):
            value = _measure(cmp_measure[c], value_at[c], value_since[c])
            hits[d, c] = cmp_low[c] <= value <= cmp_high[c]
