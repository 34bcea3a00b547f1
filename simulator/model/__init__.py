"""The model: a scenario file read and validated against its schema, its driver paths made
dense, and the deterministic projection (``projection.project``) through the numba kernel
(``kernel``). Imports nothing from the layers above (montecarlo, report, analysis, cli)."""
