"""The modeller's analyses, each many Monte Carlo runs on common random numbers: parameter
sweeps (``sweeps``), the value a target probability requires (``effort``), Sobol and Morris
sensitivity (``sensitivity``), PRIM scenario discovery (``discovery``) and several plans side
by side (``compare``)."""
