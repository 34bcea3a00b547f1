"""The numba Monte Carlo kernel: many draws of the model of ``kernel.py``, summaries per draw.

Plain arrays in, preallocated arrays out. Draws are split into tiles of ``TILE`` for ``prange``,
and a tile steps through the years together: each year's drivers, shocks, model and summaries
are short loops over the tile's draws ("lanes", the last axis of every scratch array), written
with selects rather than branches where possible so the compiler can vectorise them; the
year's CO2 loop keeps only CO2 (the energy balance of ``kernel.py``, which closes by
construction: no lane is redone), and the other outputs are computed only in years that record
them. Scratch arrays are made once per tile. Each draw
writes only its own rows, and every random number of draw g comes from the counter stream at
positions fixed by g (see ``rng``), so results do not depend on the thread count or on how
draws are chunked.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import int64, njit, prange

from simulator.model.kernel import (
    EI0, EI_DECLINE, FASTMATH, GDP0, GDP_GROWTH, N_DRIVERS, OUTPUT_NAMES, S_EF_COAL, S_EF_GAS,
    S_EF_OIL, S_TERRITORIAL, store_year, year_co2,
)
from simulator.montecarlo.rng import flag_scratch, normals_into
from simulator.montecarlo.sampling_kernel import ADD, MULTIPLY, coefficients

TILE = 256
LEVEL, DECLINE_SINCE, INCREASE_SINCE = range(3)       # comparison measures
RECORD_CO2, RECORD_VALUE, RECORD_SINCE = range(3)     # per-year events


@njit(inline="always")
def _clamp(value, low, high):
    """The value within [low, high], and 1 if it had to be moved, else 0 (selects, not
    branches, so loops of it vectorise; NaN passes through uncounted)."""
    below, above = value < low, value > high
    return low if below else (high if above else value), below | above


@njit(inline="always", fastmath=FASTMATH)
def _start_scalars(scalar, scalars, rows, pattern_add, pattern_scale, coef_a, coef_b, lower,
                   upper, clamped):
    """Each lane's base-year GDP, intensity and emission factors, clamped to their bounds
    (counted in ``clamped``). Rows >= N_DRIVERS of ``rows`` are these scalars."""
    for i in range(scalars.shape[0]):
        scalar[i, :] = scalars[i]
    for p in range(rows.shape[0]):
        if rows[p] >= N_DRIVERS:
            row, a, b = rows[p] - N_DRIVERS, pattern_add[p, 0], pattern_scale[p, 0]
            for j in range(scalar.shape[1]):
                scalar[row, j] += coef_a[p, j] * a + coef_b[p, j] * b
    for i in range(scalar.shape[0]):
        for j in range(scalar.shape[1]):
            scalar[i, j], moved = _clamp(scalar[i, j], lower[i], upper[i])
            clamped[j] += moved


@njit(inline="always", fastmath=FASTMATH)
def _year_drivers(local, t, drivers, rows, applies, pattern_add, pattern_scale, coef_a, coef_b):
    """Each lane's drivers of year t before shocks: nominal + parameter moves. An added
    parameter's coefficient of B is zero and a multiplied one's of A (``coefficients``), so
    each moves by one product; a parameter whose patterns are zero this year, not at all."""
    for r in range(N_DRIVERS):
        local[r, :] = drivers[r, t]
    for p in range(rows.shape[0]):
        a, b = pattern_add[p, t], pattern_scale[p, t]
        if rows[p] >= N_DRIVERS or (a == 0.0 and b == 0.0):
            continue
        moved, by_a, by_b = local[rows[p]], coef_a[p], coef_b[p]
        if applies[p] == ADD:
            for j in range(moved.shape[0]):
                moved[j] += by_a[j] * a
        elif applies[p] == MULTIPLY:
            for j in range(moved.shape[0]):
                moved[j] += by_b[j] * b
        else:
            for j in range(moved.shape[0]):
                moved[j] += by_a[j] * a + by_b[j] * b


@njit(inline="always", fastmath=FASTMATH)
def _year_shocks(local, state, z, words, outside, found, first_draw, t, n_years, shocks):
    """Advance each lane's AR(1) shocks to year t >= 1 (stationary from year 1: ``state``
    starts at zero and rho is 0 in year 1) and apply them, except to a driver observed in
    year t (whose state carries on as drawn). Shock s of draw g in year t is normal number
    (g S + s) T + t of the shock stream."""
    shock_key, shock_rows, shock_multiply, shock_sd, shock_rho, shock_fixed = shocks
    n_shocks = shock_rows.shape[0]
    for s in range(n_shocks):
        normals_into(z, words, outside, found, shock_key, (first_draw * n_shocks + s) * n_years + t,
                     n_shocks * n_years)
        rho = 0.0 if t == 1 else shock_rho[s]
        innovation = shock_sd[s] * math.sqrt(1.0 - rho * rho)
        for j in range(z.shape[0]):
            state[s, j] = rho * state[s, j] + innovation * z[j]
        if shock_fixed[s, t]:
            continue
        row = shock_rows[s]
        if shock_multiply[s]:
            for j in range(z.shape[0]):
                local[row, j] *= 1.0 + state[s, j]
        else:
            for j in range(z.shape[0]):
                local[row, j] += state[s, j]


@njit(inline="always")
def _clamp_touched(local, touched, lower, upper, clamped):
    """Clamp the rows a draw can move (``touched``) to their bounds, counting each value.
    A row is first only read to see whether any lane left the bounds (rarely), and
    rewritten only then."""
    for r in touched:
        row, low, high = local[r], lower[r], upper[r]
        outside = False
        for j in range(row.shape[0]):
            outside |= (row[j] < low) | (row[j] > high)
        if outside:
            for j in range(row.shape[0]):
                row[j], moved = _clamp(row[j], low, high)
                clamped[j] += moved


@njit(inline="always", fastmath=FASTMATH)
def _year_co2(co2, t, local, scalar, gdp, intensity, unbalanced, curtailed):
    """Advance GDP and intensity to year t and compute every lane's CO2 from the energy
    balance (``kernel.year_co2``), counting the lane's unbalanced and curtailed years. Only
    CO2 is kept here; ``_year_outputs`` gives the rest when a year needs it."""
    if t > 0:
        for j in range(co2.shape[0]):
            gdp[j] *= 1.0 + local[GDP_GROWTH, j]
            intensity[j] *= 1.0 - local[EI_DECLINE, j]
    for j in range(co2.shape[0]):
        co2[j], off, cut = year_co2(gdp[j] * intensity[j], local, j, scalar[S_EF_COAL, j],
                                    scalar[S_EF_OIL, j], scalar[S_EF_GAS, j],
                                    scalar[S_TERRITORIAL, j])
        unbalanced[j] += off
        curtailed[j] += cut


@njit(inline="always", fastmath=FASTMATH)
def _year_outputs(now, co2, local, gdp, intensity):
    """Every output of the year for every lane, into ``now[OUTPUT, lane]``; CO2 is taken
    from ``_year_co2`` so that trajectories and summaries agree to the bit."""
    for j in range(now.shape[1]):
        store_year(now, j, gdp[j], intensity[j], local, j, co2[j])


@njit(inline="always", fastmath=FASTMATH)
def _track_peak(co2, t, target_t, best, best_t, total, after):
    """Running maximum (and its year, a float in ``best_t``), sum, and maximum after the
    target year of CO2. The year moves by arithmetic rather than a select, which the
    compiler would make a masked load (slow on AMD); the loops vectorise."""
    for j in range(co2.shape[0]):
        best_t[j] += (t - best_t[j]) * (co2[j] > best[j])
        best[j] = max(best[j], co2[j])
        total[j] += co2[j]
    if t > target_t:
        for j in range(co2.shape[0]):
            after[j] = max(after[j], co2[j])


@njit(inline="always")
def _needs_outputs(t, event_start, event_kind):
    """Whether an event of year t reads an output other than CO2."""
    for e in range(event_start[t], event_start[t + 1]):
        if event_kind[e] != RECORD_CO2:
            return True
    return False


@njit(inline="always")
def _record_events(co2, now, t, first, event_start, event_kind, event_index, cmp_row, co2_at,
                   value_at, value_since):
    """Year t's events: CO2 into ``co2_at``, a comparison's value or its 'since' value."""
    for e in range(event_start[t], event_start[t + 1]):
        i = event_index[e]
        if event_kind[e] == RECORD_CO2:
            co2_at[first:first + co2.shape[0], i] = co2
        elif event_kind[e] == RECORD_VALUE:
            value_at[i] = now[cmp_row[i]]
        else:
            value_since[i] = now[cmp_row[i]]


@njit(inline="always", fastmath=FASTMATH)
def _record_hits(hits, first, value_at, value_since, cmp_measure, cmp_low, cmp_high, measured):
    """Whether each lane met each comparison: its quantity (the level, the decline since a
    year, or the increase), chosen once per comparison so that the lane loops vectorise,
    within [low, high]. ``measured`` is lane scratch."""
    for c in range(value_at.shape[0]):
        at, since = value_at[c], value_since[c]
        if cmp_measure[c] == DECLINE_SINCE:
            for j in range(at.shape[0]):
                measured[j] = 1.0 - at[j] / since[j]
        elif cmp_measure[c] == INCREASE_SINCE:
            for j in range(at.shape[0]):
                measured[j] = at[j] - since[j]
        else:
            measured[:] = at
        low, high = cmp_low[c], cmp_high[c]
        for j in range(at.shape[0]):
            hits[first + j, c] = (low <= measured[j]) & (measured[j] <= high)


class Nominal(NamedTuple):
    """The scenario's own path, which every draw starts from, and the bounds it is clamped to."""

    drivers: np.ndarray       # [driver, year], rows in ``kernel.DRIVER_NAMES`` order
    lower: np.ndarray         # [driver], the schema's bounds of each driver
    upper: np.ndarray
    scalars: np.ndarray       # [scalar]: base-year GDP and intensity, then the emission factors
    scalar_lower: np.ndarray  # [scalar]
    scalar_upper: np.ndarray


class Moves(NamedTuple):
    """How each uncertain parameter p moves the nominal path: its sampled value's coefficients
    (``coefficients``) applied as ``applies[p]`` times ``pattern_add[p]`` and
    ``pattern_scale[p]`` (over years) on row ``rows[p]``; rows >= N_DRIVERS are the scalars.
    ``touched`` lists the driver rows any parameter or shock can move (the only ones clamped)."""

    rows: np.ndarray           # [parameter]
    applies: np.ndarray        # [parameter], ADD, MULTIPLY or both (``sampling_kernel``)
    pattern_add: np.ndarray    # [parameter, year]
    pattern_scale: np.ndarray  # [parameter, year]
    touched: np.ndarray        # [row]


class Shocks(NamedTuple):
    """The yearly AR(1) shocks: shock s moves driver ``rows[s]`` (times 1 + shock where
    ``multiply[s]``, else plus), stationary with standard deviation ``sd[s]`` and lag-one
    correlation ``rho[s]``; its normals come from the counter stream ``key``. It does not apply
    in a year its driver is observed (``fixed[s, year]``)."""

    key: np.uint64
    rows: np.ndarray      # [shock]
    multiply: np.ndarray  # [shock], bool
    sd: np.ndarray        # [shock]
    rho: np.ndarray       # [shock]
    fixed: np.ndarray     # [shock, year], bool


class Records(NamedTuple):
    """What the kernel keeps besides the peak: the events of year t (``event_start[t]`` to
    ``event_start[t + 1]``, each a ``RECORD_*`` kind and an index) and the plan comparisons
    (output row, ``LEVEL``/``DECLINE_SINCE``/``INCREASE_SINCE``, and the met bounds). CO2
    after year index ``target_t`` gives ``max_after_target``."""

    event_start: np.ndarray  # [year + 1]
    event_kind: np.ndarray   # [event]
    event_index: np.ndarray  # [event]
    target_t: int
    cmp_row: np.ndarray      # [comparison]
    cmp_measure: np.ndarray  # [comparison]
    cmp_low: np.ndarray      # [comparison]
    cmp_high: np.ndarray     # [comparison]


class Summaries(NamedTuple):
    """The kernel's per-draw outputs, preallocated by the caller: row d is draw d of the block.
    ``full`` is [draw, output, year] when trajectories are kept, else a (1, 1, 1) placeholder."""

    peak_t: np.ndarray            # [draw], int64 year index of the peak
    peak_co2: np.ndarray          # [draw], 万t
    co2_at: np.ndarray            # [draw, report year], 万t
    cumulative_co2: np.ndarray    # [draw], 万t
    max_after_target: np.ndarray  # [draw], 万t
    hits: np.ndarray              # [draw, comparison], bool
    clamps: np.ndarray            # [draw], int64 values clamped to their bounds
    unbalanced: np.ndarray        # [draw], int64 years the energy balance could not close
    curtailed: np.ndarray         # [draw], int64 years with curtailed non-fossil generation
    full: np.ndarray

    def rows(self, a: int, b: int, keep_full: bool) -> Summaries:
        """Rows a..b-1 of every summary (views, so the kernel writes into this one)."""
        return Summaries(*(x[a:b] for x in self[:-1]), self.full[a:b] if keep_full else self.full)


# error_model="numpy": no per-division zero check in the hot loop (validated inputs keep energy
# and GDP positive; a division by zero would give inf/NaN, which summary.json refuses to write)
@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def simulate_into(first_draw, values, nominal, moves, shocks, records, out, keep_full):
    """Run the draws of a block (global indices ``first_draw`` + 0..n-1) and keep summaries.

    Per draw d: drivers = ``nominal`` + the ``moves`` of its parameter ``values[d, p]`` + AR(1)
    ``shocks``; the touched rows are clamped to the nominal bounds; then the model year by year,
    keeping what ``records`` asks for. Outputs into ``out`` (``Summaries``): peak year index
    and value, cumulative CO2, the largest CO2 after the target year, each comparison met
    (``cmp_low <= value <= cmp_high``), clamped values, unbalanced and curtailed years, and with
    ``keep_full`` every output into ``full[d, output, year]``.
    """
    drivers, lower, upper, scalars, scalar_lower, scalar_upper = nominal
    rows, applies, pattern_add, pattern_scale, touched = moves
    shock_rows = shocks.rows
    event_start, event_kind, event_index, target_t, cmp_row, cmp_measure, cmp_low, cmp_high = \
        records
    (peak_t, peak_co2, co2_at, cumulative_co2, max_after_target, hits, clamps, unbalanced, curtailed,
     full) = out
    n_draws = values.shape[0]
    n_years = drivers.shape[1]
    for tile in prange((n_draws + TILE - 1) // TILE):
        first = tile * TILE
        lanes = min(TILE, n_draws - first)
        coef_a = np.empty((values.shape[1], lanes))
        coef_b = np.empty((values.shape[1], lanes))
        for p in range(values.shape[1]):
            for j in range(lanes):
                coef_a[p, j], coef_b[p, j] = coefficients(values[first + j, p], applies[p])
        scalar = np.empty((scalars.shape[0], lanes))
        local = np.empty((N_DRIVERS, lanes))
        now = np.empty((len(OUTPUT_NAMES), lanes))
        co2, z = np.empty(lanes), np.empty(lanes)
        words, outside = np.empty(lanes, dtype=np.uint64), flag_scratch(lanes)
        found = np.empty(lanes, dtype=np.int64)
        shock_state = np.zeros((shock_rows.shape[0], lanes))
        value_at = np.zeros((cmp_row.shape[0], lanes))
        value_since = np.zeros((cmp_row.shape[0], lanes))
        best, after = np.full(lanes, -np.inf), np.full(lanes, -np.inf)
        total = np.zeros(lanes)
        best_t = np.zeros(lanes)
        clamped = np.zeros(lanes, dtype=np.int64)
        off = np.zeros(lanes, dtype=np.int64)
        cut = np.zeros(lanes, dtype=np.int64)
        _start_scalars(scalar, scalars, rows, pattern_add, pattern_scale, coef_a, coef_b,
                       scalar_lower, scalar_upper, clamped)
        gdp, intensity = scalar[GDP0].copy(), scalar[EI0].copy()
        for t in range(n_years):
            _year_drivers(local, t, drivers, rows, applies, pattern_add, pattern_scale, coef_a,
                          coef_b)
            if t > 0:
                _year_shocks(local, shock_state, z, words, outside, found, first_draw + first,
                             t, n_years, shocks)
            _clamp_touched(local, touched, lower, upper, clamped)
            _year_co2(co2, t, local, scalar, gdp, intensity, off, cut)
            _track_peak(co2, t, target_t, best, best_t, total, after)
            if keep_full or _needs_outputs(t, event_start, event_kind):
                _year_outputs(now, co2, local, gdp, intensity)
            _record_events(co2, now, t, first, event_start, event_kind, event_index, cmp_row,
                           co2_at, value_at, value_since)
            if keep_full:
                full[first:first + lanes, :, t] = now.T
        for j in range(lanes):
            peak_t[first + j] = int64(best_t[j])
        peak_co2[first:first + lanes] = best
        cumulative_co2[first:first + lanes] = total
        max_after_target[first:first + lanes] = after
        clamps[first:first + lanes] = clamped
        unbalanced[first:first + lanes] = off
        curtailed[first:first + lanes] = cut
        _record_hits(hits, first, value_at, value_since, cmp_measure, cmp_low, cmp_high, z)
