"""Checks every part of the scenario reader shares: known field names (with did-you-mean), the
keys of a list entry, finite numbers, repeated names."""

from __future__ import annotations

import difflib
import math
from collections import Counter
from pathlib import Path

from simulator.errors import ScenarioError
from simulator.model.schema import FIELDS
from simulator.text import Message


def check_known(key, known: list[str], file: Path, parent: str) -> None:
    if key in known:
        return
    path = f"{parent}.{key}" if parent else str(key)
    close = difflib.get_close_matches(str(key), known, n=3, cutoff=0.6)
    elsewhere = [f.path for f in FIELDS if f.path.endswith("." + str(key)) and f.path != path]
    problem = Message("error.check.unknown_in", parent=parent) if parent else \
        Message("error.check.unknown_top")
    names = close or elsewhere
    if names:
        problem = Message("error.check.with_hint", problem=problem,
                          hint=Message("error.check.did_you_mean", names=either(names)))
    raise ScenarioError(file, path, problem, allowed=", ".join(known))


def check_entry_keys(entry: dict, allowed: tuple, required: tuple, file: Path,
                     where: str) -> None:
    """One list entry's keys: each known (did-you-mean otherwise), every ``required`` one given."""
    for key in entry:
        check_known(key, list(allowed), file, parent=where)
    for key in required:
        if key not in entry:
            raise ScenarioError(file, f"{where}.{key}", Message("error.check.missing"),
                                allowed=", ".join(allowed))


def either(names: list[str]):
    """``'a' or 'b' or 'c'`` (each name as ``repr`` writes it), in the reader's language."""
    if len(names) == 1:
        return repr(names[0])
    return Message("error.check.either", first=repr(names[0]), rest=either(names[1:]))


def is_finite(number) -> bool:
    """Whether a number is finite as a float (an integer too large for one is not)."""
    try:
        return math.isfinite(number)
    except OverflowError:
        return False


def repeated(names: list) -> list:
    """The names that occur more than once, sorted (in linear time: lists may be long)."""
    return sorted(name for name, count in Counter(names).items() if count > 1)
