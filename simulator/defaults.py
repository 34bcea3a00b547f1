"""The run defaults, in one place: the CLI and the Python API both read them from here.

Imports nothing, so every layer of the package may use it.
"""

# The year the plans' question is about: does CO2 peak by 2030 (碳达峰 by 2030)?
TARGET_PEAK_YEAR = 2030

# The year a sustained peak is tested in (``--sustained X``: CO2 that year at least X below the
# peak): five years on, the end of the next plan period, a report year that every run keeps
SUSTAINED_YEAR = 2035

# Monte Carlo draws of a plain run (``simulate SCENARIO``, ``simulator.simulate``): a Monte Carlo
# standard error of at most 0.16 percentage points on P(peak by 2030)
DRAWS = 100_000

# Draws per run of the modeller's commands (sweep points, required effort, discovery, compare)
# and of the fan-chart bands: each command runs many of them, and 20,000 draws keep the standard
# error of each probability at most 0.35 points
ANALYSIS_DRAWS = 20_000

# The random seed of every command and API function unless given: with the draws it fixes
# every result
SEED = 2030
