"""Calibration lock files: fitted parameter values kept beside a scenario file.

``simulate calibrate x.yaml`` writes ``x.lock.yaml``; every later load of ``x.yaml`` (or of a
variant that extends it) applies the locked values, so a plain run uses the calibrated scenario
without refitting. The lock records a digest of everything the fit read (the scenario file, its
``extends`` parents with their locks, and the target file); when any of them changes, the lock
is stale and loading stops with an error that says how to refresh it, rather than run on
outdated values.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import yaml

from simulator.errors import ScenarioError
from simulator.text import Message

LOCK_SUFFIX = ".lock.yaml"


def lock_path(scenario_file: Path) -> Path:
    return scenario_file.with_name(scenario_file.stem + LOCK_SUFFIX)


def is_file(path: Path) -> bool:
    """``path.is_file()``, but False rather than an error for a name the system refuses
    (longer than a file name can be)."""
    try:
        return path.is_file()
    except OSError:
        return False


def inputs_digest(files: list[Path]) -> str:
    """SHA-256 over the bytes of the files a calibration read, in order."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(Path(file).read_bytes())
    return digest.hexdigest()


def fit_inputs(chain: list[Path], targets: list[Path]) -> list[Path]:
    """What a fit of ``chain[0]`` read: the file, each parent and the parent's own lock (its
    calibrated values are the child's starting point), and the target files."""
    parents = [f for parent in chain[1:] for f in (parent, lock_path(parent)) if is_file(f)]
    return [chain[0], *parents, *targets]


def read_lock(scenario_file: Path, chain: list[Path], read_mapping) -> dict | None:
    """The locked parameter values for ``scenario_file``, or None if it has no lock.

    ``chain`` is the scenario file followed by its ``extends`` parents.
    """
    path = lock_path(scenario_file)
    if not is_file(path):
        return None
    lock = read_mapping(path)
    names = _lock_entry(lock, "targets", list, path, scenario_file, default=[])
    targets = [scenario_file.parent / t for t in names if t]
    missing = [t for t in targets if not is_file(t)]
    if missing or lock.get("inputs_sha256") != inputs_digest(fit_inputs(chain, targets)):
        raise ScenarioError(path, "inputs_sha256", Message("error.lock.stale"),
                            allowed=Message("error.lock.refresh", scenario=str(scenario_file)))
    return _lock_entry(lock, "values", dict, path, scenario_file)


def _lock_entry(lock: dict, key: str, kind: type, path: Path, scenario_file: Path,
                default=None):
    """``lock[key]`` as ``write_lock`` writes it: a list of file names (``kind`` list) or a
    mapping from parameter paths (dict)."""
    entry = lock.get(key, default)
    if not isinstance(entry, kind) or not all(isinstance(name, str) for name in entry):
        what = "error.lock.not_file_names" if kind is list else "error.lock.not_values"
        raise ScenarioError(path, key, Message(what), value=entry,
                            allowed=Message("error.lock.rewrite", scenario=str(scenario_file)))
    return entry


def write_lock(scenario_file: Path, chain: list[Path], targets: list[Path], content: dict) -> Path:
    """Write the lock atomically; ``content`` holds values, residuals and the date."""
    path = lock_path(scenario_file)
    relative = [os.path.relpath(t, scenario_file.parent) for t in targets]
    header = {"scenario": scenario_file.name, "targets": relative,
              "inputs_sha256": inputs_digest(fit_inputs(chain, targets))}
    text = ("# Written by `simulate calibrate`; do not edit. Delete it to run uncalibrated.\n"
            + yaml.safe_dump({**header, **content}, allow_unicode=True, sort_keys=False))
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_text(text, encoding="utf-8")
    staging.replace(path)
    return path
