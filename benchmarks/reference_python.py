"""The Monte Carlo model in plain Python: one draw, one year at a time, no NumPy in the loops.

Same inputs and draws as ``simulator.montecarlo.ensemble_kernel.simulate_into``: the parameter values
come from the sampler's block, the shocks from the same counter stream (SplitMix64 on Python
ints, normals by the same 256-layer ziggurat, written out here on its own). The slowest honest
way to run the model, for the benchmark's ratio and as a third independent implementation.
"""

from __future__ import annotations

import math

from simulator.model import kernel as k
from simulator.montecarlo.rng import ZIGGURAT_F, ZIGGURAT_R, ZIGGURAT_X

MASK = (1 << 64) - 1
ATTEMPT = 1 << 56  # attempt a of normal n reads position n + a 2^56


def stream_word(key: int, position: int) -> int:
    z = (key + position * 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def stream_uniform(key: int, position: int) -> float:
    return ((stream_word(key, position) >> 11) + 0.5) * 2.0 ** -53


def ziggurat_normal(key: int, position: int) -> float:
    """Normal number ``position`` of stream ``key``: layer from bits 0-7, sign from bit 8,
    x = u X[layer] from bits 12-63; inside the layer's rectangle it is the answer, else the
    wedge test or (layer 0) Marsaglia's tail, reading later attempts of the same position."""
    attempt = 0
    while True:
        z = stream_word(key, position + attempt * ATTEMPT)
        attempt += 1
        layer, sign = z & 0xFF, -1.0 if (z >> 8) & 1 else 1.0
        x = (z >> 12) * 2.0 ** -52 * ZIGGURAT_X[layer]
        if x < ZIGGURAT_X[layer + 1]:
            return sign * x
        if layer == 0:
            while True:
                a = -math.log(stream_uniform(key, position + attempt * ATTEMPT)) / ZIGGURAT_R
                b = -math.log(stream_uniform(key, position + (attempt + 1) * ATTEMPT))
                attempt += 2
                if b + b > a * a:
                    return sign * (ZIGGURAT_R + a)
        y = ZIGGURAT_F[layer] + stream_uniform(key, position + attempt * ATTEMPT) * (
            ZIGGURAT_F[layer + 1] - ZIGGURAT_F[layer])
        attempt += 1
        if y < math.exp(-0.5 * x * x):
            return sign * x


def coefficients(x: float, apply: str) -> tuple[float, float]:
    """How much of patterns A (adding 1) and B (doubling) a draw x applies."""
    return {"add": (x, 0.0), "multiply": (0.0, x - 1.0), "set": (x, -1.0)}[apply]


SUMMARY_NAMES = ("peak_t", "peak_co2", "co2_at", "cumulative_co2", "max_after_target", "hits",
                 "clamps", "unbalanced", "curtailed")


def simulate_python(inputs, sampler, block, first_draw: int) -> dict:
    """Per-draw summaries as lists, in the kernel's layout."""
    out = {name: [] for name in SUMMARY_NAMES}
    for d in range(len(block)):
        for name, value in zip(SUMMARY_NAMES, _one_draw(inputs, sampler, block, d, first_draw + d),
                               strict=True):
            out[name].append(value)
    return out


def year_outputs(gdp: float, intensity: float, v: list, ef_coal: float, ef_oil: float,
                 ef_gas: float, territorial: float) -> tuple[dict, bool, bool]:
    """One year of the model v2 energy balance from its GDP, intensity and drivers ``v`` (a
    list in ``kernel.DRIVER_NAMES`` order): every output by name, whether the year is
    unbalanced, and whether non-fossil generation or other non-fossil energy was curtailed."""
    energy = gdp * intensity
    # the power sector, 亿kWh (1 亿kWh of electricity is 1.229 万tce at its calorific value)
    demand = energy * v[k.FINAL_SHARE] * v[k.ELECTRICITY_SHARE] / 1.229
    generation = demand + v[k.EXPORTS]
    renewable = v[k.CAPACITY] * v[k.HOURS] / 1e4                   # 万kW x h -> 亿kWh
    available = renewable + v[k.OTHER_GENERATION]
    if available > generation:                                     # curtail the surplus
        used, curtailed, cut = generation, available - generation, True
    else:
        used, curtailed, cut = available, 0.0, False
    gas_generation = (generation - used) * v[k.GAS_POWER_SHARE]
    coal_generation = (generation - used) - gas_generation
    # the energy balance, 万tce (亿kWh x gce/kWh / 100)
    coal_power = coal_generation * v[k.COAL_POWER_RATE] / 100
    gas_power = gas_generation * v[k.GAS_POWER_RATE] / 100
    if v[k.EXPORTS] > 0:  # exports carry the generation mix: D / G of each source stays here
        here, imported = demand / generation, 0.0
    else:                 # imports are counted as coal power at the coal-equivalent rate
        here, imported = 1.0, -v[k.EXPORTS] * v[k.COAL_RATE] / 100
    non_fossil_power = here * used * v[k.COAL_RATE] / 100
    room = energy - non_fossil_power - here * coal_power - here * gas_power - imported
    other = v[k.OTHER_NON_FOSSIL]
    if other > room:  # other non-fossil energy beyond the room the rest leaves is spilled
        other = max(room, 0.0)
    spilled = v[k.OTHER_NON_FOSSIL] - other
    cut = cut or spilled > 0
    non_fossil = non_fossil_power + other
    direct = room - other
    oil = direct * v[k.DIRECT_OIL]
    direct_gas = direct * v[k.DIRECT_GAS]
    direct_coal = direct - oil - direct_gas
    coal = direct_coal + here * coal_power + imported
    gas = direct_gas + here * gas_power
    unbalanced = direct < 0 or direct_coal < 0 or generation <= 0
    if territorial:  # (1 or 0) fuel burnt here: exported power's too, imported coal's not
        coal_burnt = coal + (1 - here) * coal_power - imported
        gas_burnt = gas + (1 - here) * gas_power
    else:
        coal_burnt, gas_burnt = coal, gas
    co2 = (coal_burnt * ef_coal + oil * ef_oil + gas_burnt * ef_gas
           + v[k.PROCESS] - v[k.CCUS])
    capacity = v[k.CAPACITY] + v[k.COAL_CAPACITY] + v[k.OTHER_CAPACITY]
    values = {
        "gdp": gdp, "energy_intensity": intensity, "energy": energy,
        "coal_share": coal / energy, "oil_share": oil / energy, "gas_share": gas / energy,
        "non_fossil_share": non_fossil / energy, "renewable_capacity": v[k.CAPACITY],
        "renewable_generation": renewable, "co2": co2, "co2_intensity": co2 / gdp,
        "electricity_demand": demand, "generation": generation,
        "net_electricity_exports": v[k.EXPORTS], "coal_power_generation": coal_generation,
        "gas_power_generation": gas_generation, "non_fossil_generation": used,
        "curtailed_generation": curtailed, "curtailed_non_fossil_energy": spilled,
        "coal_power_supply_rate": v[k.COAL_POWER_RATE],
        "coal_power_fuel": coal_power, "direct_fossil": direct,
        "electricity_share_final": v[k.ELECTRICITY_SHARE], "total_capacity": capacity,
        "clean_capacity_share": 1 - v[k.COAL_CAPACITY] / capacity if capacity > 0 else 0.0,
        # no local generation (imports meet all demand): 0/0, NaN as in the kernel
        "clean_generation_share": 1 - coal_generation / generation if generation else math.nan,
    }
    return values, unbalanced, cut


def _one_draw(inputs, sampler, block, d: int, g: int) -> tuple:
    scalars, clamped = _scalars(inputs, sampler, block, d)
    gdp, intensity = scalars[k.GDP0], scalars[k.EI0]
    n_years = len(inputs.years)
    state = [0.0] * len(sampler.shock_rows)
    co2_path, values = [], []
    unbalanced = curtailed = 0
    for t in range(n_years):
        local, moved = _drivers(inputs, sampler, block, d, g, t, state)
        clamped += moved
        if t > 0:
            gdp *= 1.0 + local[k.GDP_GROWTH]
            intensity *= 1.0 - local[k.EI_DECLINE]
        year, off, cut = year_outputs(gdp, intensity, local, scalars[k.S_EF_COAL],
                                      scalars[k.S_EF_OIL], scalars[k.S_EF_GAS],
                                      scalars[k.S_TERRITORIAL])
        unbalanced += off
        curtailed += cut
        co2_path.append(year["co2"])
        values.append(year)
    return _summaries(inputs, co2_path, values, clamped, unbalanced, curtailed)


def _scalars(inputs, sampler, block, d: int) -> tuple[list, int]:
    scalars = [float(v) for v in inputs.scalars]
    for p, row in enumerate(sampler.rows):
        if row >= k.N_DRIVERS:
            add, scale = coefficients(float(block[d, p]), sampler.entries[p].apply)
            scalars[row - k.N_DRIVERS] += (add * sampler.pattern_add[p, 0]
                                           + scale * sampler.pattern_scale[p, 0])
    clamped = 0
    for i, value in enumerate(scalars):
        low, high = inputs.scalar_lower[i], inputs.scalar_upper[i]
        clamped += not low <= value <= high
        scalars[i] = min(max(value, low), high)
    return scalars, clamped


def _drivers(inputs, sampler, block, d: int, g: int, t: int, state: list) -> tuple[list, int]:
    local = [float(v) for v in inputs.drivers[:, t]]
    for p, row in enumerate(sampler.rows):
        if row < k.N_DRIVERS:
            add, scale = coefficients(float(block[d, p]), sampler.entries[p].apply)
            local[row] += add * sampler.pattern_add[p, t] + scale * sampler.pattern_scale[p, t]
    n_years, n_shocks = len(inputs.years), len(sampler.shock_rows)
    for s, row in enumerate(sampler.shock_rows):
        if t == 0:
            continue
        z = ziggurat_normal(int(sampler.shock_key), (g * n_shocks + s) * n_years + t)
        sd, rho = sampler.shock_sd[s], sampler.shock_rho[s]
        state[s] = sd * z if t == 1 else rho * state[s] + sd * math.sqrt(1 - rho * rho) * z
        if sampler.shock_fixed[s, t]:
            continue  # the driver is observed this year
        local[row] = local[row] * (1 + state[s]) if sampler.shock_multiply[s] else \
            local[row] + state[s]
    clamped = 0
    for r in range(k.N_DRIVERS):
        low, high = inputs.lower[r], inputs.upper[r]
        clamped += not low <= local[r] <= high
        local[r] = min(max(local[r], low), high)
    return local, clamped


def _summaries(inputs, co2_path: list, values: list, clamped: int, unbalanced: int,
               curtailed: int) -> tuple:
    years = [int(y) for y in inputs.years]
    peak_t = max(range(len(co2_path)), key=lambda t: (co2_path[t], -t))
    after = [c for y, c in zip(years, co2_path, strict=True) if y > 2030]
    hits = []
    for c in inputs.comparisons:
        value = values[c.year - years[0]][c.variable]
        if c.measure == "decline_since":
            value = 1 - value / values[c.since - years[0]][c.variable]
        elif c.measure == "increase_since":
            value -= values[c.since - years[0]][c.variable]
        low, high = c.met_bounds(0.005)
        hits.append(low <= value <= high)
    co2_at = [co2_path[int(y) - years[0]] for y in inputs.report_years]
    return (peak_t, co2_path[peak_t], co2_at, sum(co2_path), max(after, default=-math.inf),
            hits, clamped, unbalanced, curtailed)
