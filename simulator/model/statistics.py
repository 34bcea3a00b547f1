"""Public statistics of the five regions: the power sector around the base year and the years
observed after it (``calibration/data/regional_statistics.csv``), which a scenario's ``observed``
entries name by row.

One row per region, year and indicator as one source gives it, with that source: publisher,
document, address, the words that carry the number (``quote``) and a grade (``A`` official,
``B`` secondary, ``C`` computed, formula in ``note``). A value no source gave is a ``GAP`` row
that says what was searched; it has no value. Two sources for one figure are two rows. The
reader checks every row, so a statistic without its source cannot get in.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

from simulator.errors import InputError
from simulator.text import Message

# beside the plans' targets, in the calibration package's data (installed with it, as a
# sibling of this package; read as a file, so nothing of calibration's code is imported)
STATISTICS_FILE = (Path(__file__).parents[2] / "calibration" / "data"
                   / "regional_statistics.csv")
COLUMNS = ("region", "year", "indicator", "value", "unit", "grade", "publisher", "document",
           "address", "quote", "note")
GRADES = ("A", "B", "C", "GAP")
UNITS = ("万kW", "亿kWh", "%", "pp", "Mt", "亿元", "万tce", "tce/万元", "gce/kWh", "万t", "h")
SOURCED = ("unit", "publisher", "address", "quote")  # what a row with a value must name
# the province of each city, whose statistics give the city's context where its own are gaps
PROVINCE_OF = {"Taiyuan": "Shanxi", "Lvliang": "Shanxi", "Qingdao": "Shandong",
               "Yongzhou": "Hunan"}


def read_statistics(path: Path = STATISTICS_FILE) -> list[dict]:
    """Every row of the statistics file, checked: {column: text}, with ``year`` an int and
    ``value`` a float (None in a GAP row). ``InputError`` naming the row and column otherwise."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise InputError(path, None, Message("error.statistics.columns"),
                             value=reader.fieldnames, allowed=", ".join(COLUMNS))
        return [_checked(row, path, line) for line, row in enumerate(reader, start=2)]


def _checked(row: dict, path: Path, line: int) -> dict:
    def refuse(column: str, problem: str, allowed=None):
        raise InputError(path, f"line {line}.{column}", Message(f"error.statistics.{problem}"),
                         value=row[column], allowed=allowed)

    if row["grade"] not in GRADES:
        refuse("grade", "grade", ", ".join(GRADES))
    if not row["year"].isdigit():
        refuse("year", "year")
    if row["grade"] == "GAP":
        if row["value"]:
            refuse("value", "gap_with_value")
        return {**row, "year": int(row["year"]), "value": None}
    try:
        value = float(row["value"])
    except ValueError:
        refuse("value", "not_a_number")
    if not math.isfinite(value):
        refuse("value", "not_a_number")
    for column in SOURCED:
        if not row[column].strip():
            refuse(column, "unsourced")
    if row["unit"] not in UNITS:
        refuse("unit", "unit", ", ".join(UNITS))
    return {**row, "year": int(row["year"]), "value": value}


def in_model_unit(row: dict, driver: str) -> float:
    """A row's value as ``driver``'s value: a percentage as a fraction, other units as given
    (the statistics and the model share 万kW, 亿kWh, h, 万tce); a change (a fall is negative,
    ``*_change``) of a driver stated as a decline (``*_decline``) with its sign turned."""
    value = row["value"] / 100.0 if row["unit"] == "%" else row["value"]
    turned = driver.endswith("_decline") and row["indicator"].endswith("_change")
    return -value if turned else value


def observation_rows(region: str, observation, rows: list[dict] | None = None) -> list[dict]:
    """The rows of the statistics file that give an ``observed`` entry of a scenario for
    ``region``: same year and indicator, and the same value in the model's unit (to the
    figure's last digit). Empty when the file has no such row."""
    rows = read_statistics() if rows is None else rows
    return [row for row in rows
            if (row["region"], row["year"], row["indicator"]) ==
            (region, observation.year, observation.statistic)
            and row["value"] is not None
            and math.isclose(in_model_unit(row, observation.driver), observation.value,
                             rel_tol=1e-9, abs_tol=1e-12)]
