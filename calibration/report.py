"""What ``simulate calibrate`` prints, and what it keeps in the lock file."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

from simulator.report.summary import text_table

from .fit import Calibration
from .reference import check_base_year

FITTED = ("met", "missed", "conflicting")


def format_calibration(c: Calibration, lock_file) -> str:
    """The calibration report: modelled targets, fitted parameters, the rest in short."""
    s = c.scenario
    lines = [f"Calibration of {s.name} ({s.region}) to {c.targets.path}",
             f"  plan: {c.targets.plan} ({c.targets.seed})", "",
             "Targets the model represents (residual = (model - plan) / plan):"]
    table = [["target", "year", "plan", "model", "residual", "status"]]
    table += [[r.target_id, r.year, r.plan, r.model, _percent(r.residual), r.status]
              for r in c.rows if r.status in FITTED or r.note.startswith("needs")]
    lines += ["  " + line for line in text_table(table, left=1)]
    lines += ["", *_notes(c), "", "Fitted parameters (start -> fitted):"]
    lines += [f"  {name}: {start:.6g} -> {end:.6g}" for name, (start, end) in c.fitted.items()]
    check = check_base_year(s)
    lines += ["", *_not_modelled(c), "",
              check.describe() if check else "No CEADs series for this region: base-year CO2 "
              "is not checked against an inventory.",
              _verdict(c), f"Written: {lock_file}"]
    return "\n".join(lines)


def lock_content(c: Calibration) -> dict:
    """The fitted values with the residuals and the date, for ``simulator.model.lock.write_lock``."""
    return {
        "calibrated": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "values": {name: float(end) for name, (_, end) in c.fitted.items()},
        "start_values": {name: float(start) for name, (start, _) in c.fitted.items()},
        "residuals": [{"id": r.target_id, "year": r.year, "plan": r.plan, "model": r.model,
                       "residual": r.residual, "status": r.status}
                      for r in c.rows if r.status in FITTED],
    }


def _percent(residual: float | None) -> str:
    return "" if residual is None else f"{residual * 100:+.2f} %"


def _notes(c: Calibration) -> list[str]:
    notes = [f"  {r.target_id}: {r.note}" for r in c.rows if r.status in FITTED and r.note]
    if c.conflicts:
        notes.append("Conflicting targets: no admissible parameter set meets them together "
                     "(each can be met alone):")
        notes += [f"  {r.target_id} {r.year}: plan {r.plan}, model {r.model}, gap "
                  f"{_percent(r.residual)}" for r in c.conflicts]
    if c.missed:
        notes.append("Missed targets: not reachable with the free parameters even alone:")
        notes += [f"  {r.target_id} {r.year}: plan {r.plan}, model {r.model}" for r in c.missed]
    return notes


def _not_modelled(c: Calibration) -> list[str]:
    skipped = [r for r in c.rows if r.status == "not modelled" and not r.note.startswith("needs")]
    qualitative = [r.target_id for r in c.rows if r.status == "qualitative"]
    lines = [f"Not modelled ({len(skipped)}): the plan's number is kept, the model has no such "
             "quantity:"]
    lines += [f"  {r.target_id}: {r.note}" for r in skipped]
    lines.append(f"Qualitative ({len(qualitative)}): {', '.join(qualitative)}")
    return lines


def _verdict(c: Calibration) -> str:
    counts = Counter(r.status for r in c.rows if not r.peak_test)
    peaks = [f" CO2 {r.plan}: {r.status} ({r.model})." for r in c.rows if r.peak_test]
    return (f"Result: {counts['met']} met, {counts['conflicting']} conflicting, "
            f"{counts['missed']} missed, {counts['not modelled']} not modelled, "
            f"{counts['qualitative']} qualitative." + "".join(peaks))
