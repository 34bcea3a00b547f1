"""The Monte Carlo peak test: the uncertainty section sampled (``sampling``, ``rng``), the draws
run through the ensemble kernel (``simulate``), and the peak test on them (``peak``, ``bands``);
``tasks`` runs pieces of work locally or on Dask. Imports only from ``simulator.model`` and the
foundation below it."""
