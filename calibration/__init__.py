"""Plan targets (``calibration/targets/<region>.yaml``) and fitting scenarios to them.

    from calibration import calibrate
    result, lock_file = calibrate("scenarios/taiyuan_base.yaml")
"""

from __future__ import annotations

from pathlib import Path

from simulator.model.lock import write_lock
from simulator.model.projection import project
from simulator.model.scenario import load_scenario

from .fit import Calibration, fit, target_file
from .report import format_calibration, lock_content
from simulator.model.targets import Comparison, Target, TargetFile, comparisons, load_targets

__all__ = [
    "Calibration", "Comparison", "Target", "TargetFile", "calibrate", "comparisons", "fit",
    "format_calibration", "load_targets",
]


def calibrate(path) -> tuple[Calibration, Path]:
    """Fit the scenario file's free parameters and keep them in its lock file.

    The fit starts from the file's own values (an existing lock is ignored and replaced). The
    fitted scenario is projected once more before the lock is written, so a fit that leaves an
    impossible fuel mix is an error, not a lock.
    """
    path = Path(path)
    scenario = load_scenario(path, apply_own_lock=False)
    result = fit(scenario)
    project(result.scenario)
    lock = write_lock(path, list(scenario.files), [target_file(scenario)], lock_content(result))
    return result, lock
