"""The numba Monte Carlo kernel: many draws of the model of ``kernel.py``, summaries per draw.

Plain arrays in, preallocated arrays out. Draws are split into tiles of ``TILE`` for ``prange``
(scratch arrays are made once per tile, not per draw); each draw writes only its own rows, and
every random number of draw g comes from the counter stream at positions fixed by g (see
``rng``), so results do not depend on the thread count or on how draws are chunked.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange, uint64

from .kernel import (
    CAPACITY, CCUS, COAL_RATE, COAL_SHARE, EI0, EI_DECLINE, EXPORTS, FASTMATH, GDP0,
    GDP_GROWTH, HOURS, N_DRIVERS, OIL_SHARE, OTHER_NON_FOSSIL, OUTPUT_NAMES, PROCESS, S_EF_COAL,
    S_EF_EXPORT, S_EF_GAS, S_EF_OIL, _co2, _energy_balance, _store,
)
from .rng import normal

TILE = 256
LEVEL, DECLINE_SINCE, INCREASE_SINCE = range(3)       # comparison measures
RECORD_CO2, RECORD_VALUE, RECORD_SINCE = range(3)     # per-year events


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


@njit(inline="always")
def _measure(measure, value, since_value):
    """A comparison's quantity: the level, the decline since a year, or the increase."""
    if measure == DECLINE_SINCE:
        return 1.0 - value / since_value
    if measure == INCREASE_SINCE:
        return value - since_value
    return value


@njit(inline="always", fastmath=FASTMATH)
def _draw_scalars(scalar, scalars, d, rows, pattern_add, pattern_scale, coef_add, coef_scale,
                  lower, upper):
    """Draw d's base-year GDP, intensity and emission factors into ``scalar``; returns the
    number clamped to their bounds."""
    clamped = 0
    for i in range(scalars.shape[0]):
        scalar[i] = scalars[i]
    for p in range(rows.shape[0]):
        if rows[p] >= N_DRIVERS:
            scalar[rows[p] - N_DRIVERS] += (coef_add[d, p] * pattern_add[p, 0]
                                            + coef_scale[d, p] * pattern_scale[p, 0])
    for i in range(scalar.shape[0]):
        scalar[i], moved = _clamp(scalar[i], lower[i], upper[i])
        clamped += moved
    return clamped


@njit(inline="always", fastmath=FASTMATH)
def _draw_paths(paths, d, drivers, rows, pattern_add, pattern_scale, coef_add, coef_scale):
    """Draw d's driver paths before shocks: nominal + parameter moves, whole years at a time
    (contiguous loops over years, which the compiler vectorises)."""
    paths[:, :] = drivers
    for p in range(rows.shape[0]):
        row = rows[p]
        if row < N_DRIVERS:
            a = coef_add[d, p]
            b = coef_scale[d, p]
            for t in range(paths.shape[1]):
                paths[row, t] += a * pattern_add[p, t] + b * pattern_scale[p, t]


@njit(inline="always", fastmath=FASTMATH)
def _drivers_of_year(local, paths, shock_state, g, t, lower, upper, touched, shock_key,
                     shock_rows, shock_multiply, shock_sd, shock_rho):
    """Draw g's drivers in year t into ``local``: its paths plus AR(1) shocks, with the
    ``touched`` rows (those a parameter or shock can move) clamped to their bounds. Returns how
    many values were clamped."""
    n_years = paths.shape[1]
    for r in range(N_DRIVERS):
        local[r] = paths[r, t]
    if t > 0:
        for s in range(shock_rows.shape[0]):
            z = normal(shock_key, uint64((g * shock_rows.shape[0] + s) * n_years + t))
            if t == 1:  # the stationary start
                shock_state[s] = shock_sd[s] * z
            else:
                rho = shock_rho[s]
                innovation = shock_sd[s] * math.sqrt(1.0 - rho * rho)
                shock_state[s] = rho * shock_state[s] + innovation * z
            if shock_multiply[s]:
                local[shock_rows[s]] *= 1.0 + shock_state[s]
            else:
                local[shock_rows[s]] += shock_state[s]
    clamped = 0
    for r in touched:
        local[r], moved = _clamp(local[r], lower[r], upper[r])
        clamped += moved
    return clamped


# error_model="numpy": no per-division zero check in the hot loop (validated inputs keep energy
# and GDP positive; a division by zero would give inf/NaN, which summary.json refuses to write)
@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def simulate_into(first_draw, drivers, lower, upper, touched, scalars, scalar_lower, scalar_upper,
                  rows, pattern_add, pattern_scale, coef_add, coef_scale,
                  shock_key, shock_rows, shock_multiply, shock_sd, shock_rho,
                  event_start, event_kind, event_index, target_t,
                  cmp_row, cmp_measure, cmp_low, cmp_high,
                  peak_t, peak_co2, co2_at, cumulative_co2, max_after_target, hits, clamps,
                  rescales, full, keep_full):
    """Run the draws of a block (global indices ``first_draw`` + 0..n-1) and keep summaries.

    Per draw: drivers = nominal + parameter moves (``coef_add[d] * pattern_add`` and
    ``coef_scale[d] * pattern_scale`` on row ``rows[p]``; rows >= N_DRIVERS are the scalars)
    + AR(1) shocks; the ``touched`` rows (the only ones a draw can move) are clamped to
    [``lower``, ``upper``]; then the model year by year. Events of
    year t (``event_start[t]`` to ``event_start[t + 1]``) record CO2 into ``co2_at`` or a
    comparison's value. Outputs: peak year index and value, cumulative CO2, the largest CO2
    after ``target_t``, each comparison met (``cmp_low <= value <= cmp_high``), clamped values,
    fuel-mix rescales, and with ``keep_full`` every output into ``full[d, output, year]``.
    """
    n_draws = coef_add.shape[0]
    n_years = drivers.shape[1]
    for tile in prange((n_draws + TILE - 1) // TILE):
        scalar = np.empty(scalars.shape[0])
        local = np.empty(N_DRIVERS)
        paths = np.empty((N_DRIVERS, n_years))
        now = np.empty(len(OUTPUT_NAMES))
        value_at = np.zeros(cmp_row.shape[0])
        value_since = np.zeros(cmp_row.shape[0])
        shock_state = np.zeros(shock_rows.shape[0])
        for d in range(tile * TILE, min((tile + 1) * TILE, n_draws)):
            g = first_draw + d
            _draw_paths(paths, d, drivers, rows, pattern_add, pattern_scale, coef_add,
                        coef_scale)
            n_clamped = _draw_scalars(scalar, scalars, d, rows, pattern_add, pattern_scale,
                                      coef_add, coef_scale, scalar_lower, scalar_upper)
            n_rescaled = 0
            gdp = scalar[GDP0]
            energy_intensity = scalar[EI0]
            best = -np.inf
            best_t = 0
            total = 0.0
            after = -np.inf
            for t in range(n_years):
                n_clamped += _drivers_of_year(
                    local, paths, shock_state, g, t, lower, upper, touched, shock_key,
                    shock_rows, shock_multiply, shock_sd, shock_rho)
                if t > 0:
                    gdp *= 1.0 + local[GDP_GROWTH]
                    energy_intensity *= 1.0 - local[EI_DECLINE]
                energy, generation, non_fossil = _energy_balance(
                    gdp, energy_intensity, local[CAPACITY], local[HOURS], local[COAL_RATE],
                    local[OTHER_NON_FOSSIL])
                coal, oil, gas, non_fossil, rescaled = _fit_fuel_mix(
                    local[COAL_SHARE], local[OIL_SHARE], non_fossil)
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
                for e in range(event_start[t], event_start[t + 1]):
                    i = event_index[e]
                    if event_kind[e] == RECORD_CO2:
                        co2_at[d, i] = co2
                    elif event_kind[e] == RECORD_VALUE:
                        value_at[i] = now[cmp_row[i]]
                    else:
                        value_since[i] = now[cmp_row[i]]
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
