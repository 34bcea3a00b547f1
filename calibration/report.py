"""What ``simulate calibrate`` prints, and what it keeps in the lock file."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

from simulator.report.labels import region_name
from simulator.report.summary import text_table
from simulator.text import in_language, text

from .fit import Calibration
from .reference import check_base_year

FITTED = ("met", "exceeded", "missed", "conflicting")


def format_calibration(c: Calibration, lock_file, lang: str = "en") -> str:
    """The calibration report: modelled targets, fitted parameters, the rest in short.

    Parameters
    ----------
    c : Calibration
        From ``calibration.fit``.
    lock_file : str or Path
        Where the fitted values were written.
    lang : {"en", "zh"}
        The report's language; the plan's names, numbers, units and reasons stay as its
        target file writes them.
    """
    s = c.scenario
    lines = [text("console.calibrate.title", lang, scenario=s.name,
                  region=region_name(s.region, lang), file=c.targets.path),
             "  " + text("console.calibrate.plan", lang, plan=c.targets.plan,
                         seed=c.targets.seed), "",
             text("console.calibrate.represents", lang)]
    table = [[text(f"console.calibrate.col_{column}", lang) for column in
              ("target", "year", "plan", "model", "residual", "status")]]
    table += [[r.target_id, r.year, in_language(r.plan, lang), in_language(r.model, lang),
               _percent(r.residual), _status(r.status, lang)]
              for r in c.rows if r.status in FITTED or r.outside_horizon]
    lines += ["  " + line for line in text_table(table, left=1)]
    lines += ["", *_notes(c, lang), "", text("console.calibrate.fitted", lang)]
    lines += [f"  {name}: {start:.6g} -> {end:.6g}" for name, (start, end) in c.fitted.items()]
    check = check_base_year(s)
    lines += ["", *_not_modelled(c, lang), "",
              check.describe(lang) if check else text("console.calibrate.no_reference", lang),
              _verdict(c, lang), text("console.calibrate.written", lang, file=lock_file)]
    return "\n".join(lines)


def lock_content(c: Calibration) -> dict:
    """The fitted values with the residuals and the date, for ``simulator.model.lock.write_lock``."""
    return {
        "calibrated": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "values": {name: float(end) for name, (_, end) in c.fitted.items()},
        "start_values": {name: float(start) for name, (start, _) in c.fitted.items()},
        "residuals": [{"id": r.target_id, "year": r.year, "plan": str(r.plan),
                       "model": str(r.model), "residual": r.residual, "status": r.status}
                      for r in c.rows if r.status in FITTED],
    }


def _percent(residual: float | None) -> str:
    return "" if residual is None else f"{residual * 100:+.2f} %"


def _status(status: str, lang: str) -> str:
    """met, missed, conflicting, not modelled, qualitative in ``lang``."""
    return text(f"console.calibrate.status_{status.replace(' ', '_')}", lang)


def _notes(c: Calibration, lang: str) -> list[str]:
    notes = ["  " + text("console.calibrate.note", lang, target=r.target_id, note=r.note)
             for r in c.rows if r.status in FITTED and r.note]
    if c.conflicts:
        notes.append(text("console.calibrate.conflicting", lang))
        notes += ["  " + text("console.calibrate.conflict", lang, target=r.target_id,
                              year=r.year, plan=r.plan, model=r.model,
                              gap=_percent(r.residual)) for r in c.conflicts]
    if c.missed:
        notes.append(text("console.calibrate.missed", lang))
        notes += ["  " + text("console.calibrate.miss", lang, target=r.target_id, year=r.year,
                              plan=r.plan, model=r.model) for r in c.missed]
    return notes


def _not_modelled(c: Calibration, lang: str) -> list[str]:
    skipped = [r for r in c.rows if r.status == "not modelled" and not r.outside_horizon]
    qualitative = [r.target_id for r in c.rows if r.status == "qualitative"]
    lines = [text("console.calibrate.not_modelled", lang, count=len(skipped))]
    lines += ["  " + text("console.calibrate.note", lang, target=r.target_id, note=r.note)
              for r in skipped]
    lines.append(text("console.calibrate.qualitative", lang, count=len(qualitative),
                      targets=", ".join(qualitative)))
    return lines


def _verdict(c: Calibration, lang: str) -> str:
    counts = Counter(r.status for r in c.rows if not r.peak_test)
    peaks = [text("console.calibrate.result_peak", lang, plan=r.plan,
                  status=_status(r.status, lang), model=r.model)
             for r in c.rows if r.peak_test]
    return text("console.calibrate.result", lang, met=counts["met"],
                exceeded=counts["exceeded"], conflicting=counts["conflicting"],
                missed=counts["missed"],
                not_modelled=counts["not modelled"], qualitative=counts["qualitative"]) + \
        "".join(peaks)
