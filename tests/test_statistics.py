"""The regional statistics file: every figure with its source, every gap recorded as one."""

from __future__ import annotations

import csv

import pytest

import simulator
from simulator.model.statistics import COLUMNS, GRADES, PROVINCE_OF, read_statistics

from conftest import SCENARIOS


@pytest.fixture(scope="module")
def rows():
    return read_statistics()


def test_every_row_is_sourced_or_a_recorded_gap(rows):
    assert len(rows) > 500
    for row in rows:
        assert row["grade"] in GRADES
        if row["grade"] == "GAP":
            assert row["value"] is None and row["note"].strip(), row  # says what was searched
        else:
            assert row["address"].startswith("http") and row["quote"].strip(), row


def test_every_shipped_region_has_its_statistics(rows):
    """Rows for the shipped regions and, as context, the provinces of its cities only."""
    regions = {simulator.load_scenario(path).region for path in SCENARIOS.glob("*_base.yaml")}
    provinces = {PROVINCE_OF[region] for region in regions if region in PROVINCE_OF}
    assert {row["region"] for row in rows} <= regions | provinces
    for region in regions:
        assert any(row["region"] == region and row["grade"] != "GAP" for row in rows), region


def test_one_source_gives_one_figure_once(rows):
    keys = [(r["region"], r["year"], r["indicator"], r["address"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_the_power_exports_the_scenario_holds_flat_are_sourced(rows):
    """Shanxi's net power exports, 2023, as the provincial statistics bureau gave them."""
    found = [r for r in rows if (r["region"], r["year"], r["indicator"]) ==
             ("Shanxi", 2023, "net_power_exports") and "tyrbw.com" in r["address"]]
    assert [(r["value"], r["unit"], r["grade"]) for r in found] == [(1576.0, "亿kWh", "B")]
    assert "1576亿千瓦时" in found[0]["quote"]


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


GOOD = {"region": "Testland", "year": "2023", "indicator": "generation_total", "value": "10",
        "unit": "亿kWh", "grade": "B", "publisher": "a bureau", "document": "a bulletin",
        "address": "http://example.org/a", "quote": "发电量10亿千瓦时", "note": ""}


@pytest.mark.parametrize(("change", "field", "said"), [
    ({"grade": "D"}, "line 2.grade", "unknown grade"),
    ({"value": "ten"}, "line 2.value", "not a finite number"),
    ({"value": "nan"}, "line 2.value", "not a finite number"),
    ({"quote": " "}, "line 2.quote", "needs its unit, publisher, address"),
    ({"address": ""}, "line 2.address", "needs its unit, publisher, address"),
    ({"unit": "TWh"}, "line 2.unit", "unknown unit"),
    ({"grade": "GAP"}, "line 2.value", "a GAP row has no value"),
    ({"year": "23"}, None, None),  # a short year is still digits: allowed
    ({"year": "2023a"}, "line 2.year", "not a year"),
])
def test_a_statistic_without_its_source_cannot_get_in(tmp_path, change, field, said):
    path = write(tmp_path / "statistics.csv", [GOOD, {**GOOD, **change}][1:])
    if field is None:
        assert read_statistics(path)[0]["year"] == 23
        return
    with pytest.raises(simulator.InputError) as caught:
        read_statistics(path)
    assert caught.value.field == field and said in str(caught.value)
    assert "statistics.csv" in str(caught.value) and caught.value.message("zh") != str(caught.value)


def test_a_file_with_other_columns_is_refused(tmp_path):
    path = tmp_path / "statistics.csv"
    path.write_text("region,year,value\nTestland,2023,1\n", encoding="utf-8")
    with pytest.raises(simulator.InputError, match="columns"):
        read_statistics(path)
