"""Checks every part of the scenario reader shares: known field names (with did-you-mean),
finite numbers, repeated names."""

from __future__ import annotations

import difflib
import math
from collections import Counter
from pathlib import Path

from simulator.errors import ScenarioError
from simulator.model.schema import FIELDS


def check_known(key, known: list[str], file: Path, parent: str) -> None:
    if key in known:
        return
    path = f"{parent}.{key}" if parent else str(key)
    close = difflib.get_close_matches(str(key), known, n=3, cutoff=0.6)
    elsewhere = [f.path for f in FIELDS if f.path.endswith("." + str(key)) and f.path != path]
    hint = close and f"did you mean {' or '.join(repr(c) for c in close)}?"
    hint = hint or (elsewhere and f"did you mean {' or '.join(repr(e) for e in elsewhere)}?")
    where = f"in '{parent}'" if parent else "at the top level"
    raise ScenarioError(file, path, f"unknown field {where}" + (f"; {hint}" if hint else ""),
                        allowed=", ".join(known))


def is_finite(number) -> bool:
    """Whether a number is finite as a float (an integer too large for one is not)."""
    try:
        return math.isfinite(number)
    except OverflowError:
        return False


def repeated(names: list) -> list:
    """The names that occur more than once, sorted (in linear time: lists may be long)."""
    return sorted(name for name, count in Counter(names).items() if count > 1)
