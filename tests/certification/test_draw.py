"""Drawing papers: right counts and points, no item twice, one paper per seed, type groups kept
together, and a clear error when the pool is too small. No database."""
from __future__ import annotations

import copy
from collections import Counter
from decimal import Decimal

import pytest

from app.certification.blueprint import load_blueprint
from app.certification.draw import DrawError, DrawnItem, PoolItem, as_pool_item, draw_paper
from tests.certification.test_blueprint import EXAMS, bank_pool, raw


@pytest.fixture(scope="module")
def pool():
    return bank_pool()


@pytest.fixture(scope="module")
def chinese():
    return load_blueprint(EXAMS / "level3-chinese.yaml")


def test_paper_a_counts_points_and_groups(chinese, pool):
    by_code = {p["code"]: p for p in pool}
    paper = draw_paper(chinese, "A", pool, rng_seed=7)
    assert len(paper) == 45 and len({d.code for d in paper}) == 45
    assert [d.position for d in paper] == list(range(1, 46))
    types = [by_code[d.code]["type"] for d in paper]
    assert types == ["single"] * 20 + ["truefalse"] * 20 + ["multiple"] * 5
    assert {by_code[d.code]["language_group"] for d in paper} <= {"chinese", "all"}
    assert sum(d.points for d in paper) == 100
    assert all(d.points == (4 if t == "multiple" else 2) for d, t in zip(paper, types))
    assert all(d.partial_credit is None for d in paper)


def test_paper_b_draws_original_tasks(chinese, pool):
    paper = draw_paper(chinese, "B", pool, rng_seed=7)
    assert len(paper) == 5 and all(d.code.startswith("cn-orig-") for d in paper)
    assert all(d.points == Decimal(20) for d in paper)
    western = draw_paper(load_blueprint(EXAMS / "level3-western.yaml"), "B", pool, rng_seed=7)
    assert sorted(d.code for d in western) == [f"en-orig-0{i}" for i in range(1, 6)]


def test_same_seed_same_paper_whatever_the_pool_order(chinese, pool):
    first = draw_paper(chinese, "A", pool, rng_seed=12345)
    assert draw_paper(chinese, "A", list(reversed(pool)), rng_seed=12345) == first
    assert draw_paper(chinese, "A", pool, rng_seed="12345") == first  # str(seed) is the key


def test_different_seeds_differ(chinese, pool):
    papers = {tuple(d.code for d in draw_paper(chinese, "A", pool, seed)) for seed in range(20)}
    assert len(papers) == 20
    orders = {tuple(d.code for d in draw_paper(chinese, "B", pool, seed)) for seed in range(20)}
    assert len(orders) > 1


def test_every_eligible_item_can_be_drawn(chinese, pool):
    seen = Counter(d.code for seed in range(200) for d in draw_paper(chinese, "B", pool, seed))
    assert set(seen) == {f"cn-orig-0{i}" for i in range(1, 9)}


def test_unsatisfiable_draw_is_a_clear_error(chinese, pool):
    small = [p for p in pool if p["type"] != "multiple"]
    with pytest.raises(DrawError) as caught:
        draw_paper(chinese, "A", small, rng_seed=1)
    assert caught.value.problems == [
        "section A, draw 3 (multiple language_groups=chinese/all): needs 5 items, the pool has 0"]
    with pytest.raises(KeyError):
        draw_paper(chinese, "C", pool, rng_seed=1)


def test_exclude_keeps_items_out(chinese, pool):
    excluded = ["cn-orig-01", "cn-orig-02", "cn-orig-03"]
    paper = draw_paper(chinese, "B", pool, rng_seed=3, exclude=excluded)
    assert sorted(d.code for d in paper) == [f"cn-orig-0{i}" for i in range(4, 9)]
    with pytest.raises(DrawError, match="needs 5 items, the pool has 4"):
        draw_paper(chinese, "B", pool, rng_seed=3, exclude=excluded + ["cn-orig-04"])


def _items(n: int, **kw) -> list[PoolItem]:
    base = dict(type="single", category="cnmarc", language_group="chinese", difficulty=1)
    return [PoolItem(code=f"q{i:02d}", **{**base, **kw}) for i in range(n)]


def test_overlapping_draws_never_repeat_and_always_fit():
    """Draw 1 accepts any single; draw 2 only cnmarc ones: draw 1 must leave enough for draw 2."""
    data = copy.deepcopy(raw())
    data["sections"] = [{"code": "A", "title": {"zh": "甲", "en": "A"}, "time_limit_minutes": 10,
                         "draws": [{"types": ["single"], "count": 6, "points": 1},
                                   {"types": ["single"], "categories": ["cnmarc"], "count": 4,
                                    "points": 2}]}]
    bp = load_blueprint(data)
    pool = _items(4) + [PoolItem(f"r{i}", "single", "rules", "chinese", 1) for i in range(6)]
    for seed in range(30):
        paper = draw_paper(bp, "A", pool, seed)
        assert len({d.code for d in paper}) == 10
        assert {d.code for d in paper if d.draw_index == 1} == {"q00", "q01", "q02", "q03"}
        assert all(d.points == 2 for d in paper if d.code.startswith("q"))


def test_partial_credit_override_and_mixed_types():
    data = copy.deepcopy(raw())
    data["sections"] = [{"code": "A", "title": {"zh": "甲", "en": "A"}, "time_limit_minutes": 10,
                         "draws": [{"types": ["multiple", "truefalse"], "count": 4, "points": 3,
                                    "partial_credit": "all_or_nothing"}]}]
    bp = load_blueprint(data)
    pool = _items(2, type="multiple") + [PoolItem(f"t{i}", "truefalse", "rules", "all", 2)
                                         for i in range(2)]
    paper = draw_paper(bp, "A", pool, 1)
    assert [d.code[0] for d in paper] == ["q", "q", "t", "t"]   # first-named type first
    assert [d.partial_credit for d in paper] == ["all_or_nothing"] * 2 + [None] * 2


def test_as_pool_item_accepts_objects_and_dicts():
    class Row:
        code, type, category, language_group, difficulty, tags = "x", "single", "rules", "all", 2, ["a"]
    assert as_pool_item(Row()) == PoolItem("x", "single", "rules", "all", 2, ("a",), None)
    assert as_pool_item({"code": "x", "type": "single", "category": "rules",
                         "language_group": "all", "difficulty": 2, "tags": ["a"]}) == as_pool_item(Row())
    assert isinstance(DrawnItem("x", Decimal(2), 1, None), DrawnItem)
