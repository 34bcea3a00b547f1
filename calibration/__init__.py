"""Plan targets (``calibration/targets/<region>.yaml``) and fitting scenarios to them.

Empty until the calibration work lands; the package exists so the distribution layout is fixed.
"""
