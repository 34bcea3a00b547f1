"""Plan target files: every quote is the plan's own text, every number is in its quote."""

import math
import unicodedata

import pytest

from simulator.model.targets import (
    ABOUT_TOLERANCE, UNIT_TO_MODEL, Comparison, _plan_and_sense, comparisons, load_targets,
)

from conftest import REPO

TARGETS = REPO / "calibration" / "targets"
SEEDS = REPO / "calibration" / "seeds"
SHARED_SEEDS = REPO.parent / "shared" / "seeds"
REGIONS = ["taiyuan", "shanxi", "lvliang", "qingdao", "yongzhou"]


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _all_targets():
    for region in REGIONS:
        target_file = load_targets(TARGETS / f"{region}.yaml")
        for target in target_file.targets:
            yield pytest.param(target_file, target, id=f"{region}-{target.id}")


ALL_TARGETS = list(_all_targets())


def test_every_region_has_a_target_file_with_numeric_modelled_targets():
    for region in REGIONS:
        targets = load_targets(TARGETS / f"{region}.yaml").targets
        assert any(comparisons(t) for t in targets), region
        assert any(t.kind == "peak" for t in targets), f"{region}: the CO2 peak target"


@pytest.mark.parametrize("target_file, target", ALL_TARGETS)
def test_quote_is_an_exact_substring_of_the_seed(target_file, target):
    seed = nfkc((SEEDS / target_file.seed).read_text(encoding="utf-8"))
    for quote in (target.quote, target.extra.get("quote_body")):
        if quote is not None:
            assert nfkc(quote) in seed, f"not in {target_file.seed}: {quote!r}"


@pytest.mark.parametrize("target_file, target", ALL_TARGETS)
def test_each_numeric_value_appears_in_its_quote(target_file, target):
    quotes = nfkc(target.quote + " " + target.extra.get("quote_body", ""))
    values = [target.baseline["value"]] if target.baseline else []
    values += list(target.targets.values())
    for value in values:
        for number in value if isinstance(value, list) else [value]:
            if isinstance(number, (int, float)) and not isinstance(number, bool):
                written = f"{number:g}" if isinstance(number, float) else str(number)
                assert written in quotes, f"{number} not in {quotes!r}"


@pytest.mark.parametrize("target_file, target", ALL_TARGETS)
def test_numeric_targets_say_how_or_why_not_they_are_modelled(target_file, target):
    if not target.numeric:
        return
    if target.modelled:
        assert target.unit in UNIT_TO_MODEL and target.model
    else:
        assert target.why_not_modelled


def test_seed_copies_are_the_shared_plans_verbatim():
    if not SHARED_SEEDS.is_dir():
        pytest.skip("the shared seeds are not beside this checkout")
    for shared in SHARED_SEEDS.glob("*.txt"):
        assert (SEEDS / shared.name).read_bytes() == shared.read_bytes(), shared.name


def test_hedges_set_the_sense_of_a_comparison(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("""
region: X
plan: P
seed: s.txt
targets:
  - {id: a, name_zh: 甲, name_en: a, unit: "%", kind: floor, targets: {2030: 60}, hedge: [以上],
     numeric: true, modelled: true, model: {variable: non_fossil_share}, quote: 60%以上}
  - {id: b, name_zh: 乙, name_en: b, unit: "%", kind: share, targets: {2025: [3, 5]}, hedge: [],
     numeric: true, modelled: true, model: {variable: coal_share}, quote: 3-5}
  - {id: c, name_zh: 丙, name_en: c, unit: "%", kind: five_year_cumulative_decline,
     targets: {"2021-2025": 14.5}, numeric: true, modelled: true,
     model: {variable: energy_intensity, measure: decline_since, since: 2020}, quote: "14.5"}
""", encoding="utf-8")
    a, b, c = (comparisons(t)[0] for t in load_targets(path).targets)
    assert (a.sense, a.year, a.plan) == ("ge", 2030, 60.0)
    assert (b.sense, b.plan) == ("between", (3.0, 5.0))
    assert (c.year, c.since, c.measure, c.first_year()) == (2025, 2020, "decline_since", 2020)


def test_a_target_file_changed_since_it_was_read_is_read_again(tmp_path):
    # load_targets keeps files it has parsed; an edit must still show on the next read
    copy = tmp_path / "taiyuan.yaml"
    original = (TARGETS / "taiyuan.yaml").read_text(encoding="utf-8")
    copy.write_text(original, encoding="utf-8")
    first = load_targets(copy)
    assert load_targets(copy) is first  # unchanged: not parsed again
    copy.write_text(original.replace(f"plan: {first.plan}", "plan: an edited plan name", 1),
                    encoding="utf-8")
    assert load_targets(copy).plan == "an edited plan name"


def test_the_key_tables_describe_what_the_reader_accepts():
    """The target-file reference (``FILE_KEYS``, ``TARGET_KEYS``, ``MODEL_KEYS``, rendered in the
    docs) names every key the reader requires or knows, and every key the five files use."""
    from simulator.model.targets import FILE_KEYS, MODEL_KEYS, REQUIRED_KEYS, TARGET_KEYS, Target

    required = {k.key for k in TARGET_KEYS if k.required}
    assert set(REQUIRED_KEYS) <= required
    assert {k.key for k in FILE_KEYS if k.required} == {"region", "plan", "seed", "targets"}
    known = {f for f in Target.__dataclass_fields__ if f != "extra"}
    described = {k.key for k in TARGET_KEYS}
    assert known <= described
    used, used_model = set(), set()
    for region in REGIONS:
        for target in load_targets(TARGETS / f"{region}.yaml").targets:
            used |= {f for f in known if getattr(target, f) not in (None, (), False)} | \
                set(target.extra)
            used_model |= set(target.model or {})
    assert used <= described, used - described
    assert used_model <= {k.key for k in MODEL_KEYS}


def test_a_target_hedged_about_is_met_within_five_percent_either_way():
    """左右 and 约 read as "about": met within ABOUT_TOLERANCE above or below, unlike a plain
    target (its better side always counts); 以上 and 以下 still set a side."""
    assert _plan_and_sense(300, ("力争", "左右")) == (300.0, "about")
    assert _plan_and_sense(500, ("约", "左右")) == (500.0, "about")
    assert _plan_and_sense(300, ("力争", "以下", "左右")) == (300.0, "le")
    about = Comparison("renewable_capacity", 2030, 300.0, "万千瓦", "renewable_capacity",
                       sense="about")
    assert about.met_bounds(0.005) == pytest.approx((285.0, 315.0))
    assert ABOUT_TOLERANCE == 0.05
    plain = Comparison("renewable_capacity", 2030, 300.0, "万千瓦", "renewable_capacity")
    assert plain.met_bounds(0.005) == (pytest.approx(298.5), math.inf)
