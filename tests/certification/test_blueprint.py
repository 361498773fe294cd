"""Exam blueprints (exams/*.yaml): the shipped ones load, say what the centre's rules say, can be
filled from the shipped bank, and every broken key is reported with its exact path. No database.
"""
from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from app.certification.blueprint import (
    Blueprint, BlueprintError, check_against_pool, evaluate, expert_review_indexes, in_expert_band,
    load_blueprint, load_blueprints)

ROOT = Path(__file__).resolve().parents[2]
EXAMS = ROOT / "exams"
BANK = ROOT / "question_bank"


def bank_pool() -> list[dict]:
    """Item descriptors of the shipped bank, read straight from its YAML files."""
    pool = []
    for path in sorted((BANK / "objective").glob("*.yaml")):
        for q in yaml.safe_load(path.read_text(encoding="utf-8")):
            pool.append({"code": q["id"], "type": q["type"], "category": q["category"],
                         "language_group": q["language_group"], "difficulty": q["difficulty"],
                         "tags": q["tags"]})
    for path in sorted((BANK / "tasks").glob("*/task.yaml")):
        t = yaml.safe_load(path.read_text(encoding="utf-8"))
        pool.append({"code": t["id"], "type": "marc_task", "category": "marc_task",
                     "language_group": t["language_group"], "difficulty": t["difficulty"],
                     "tags": t.get("tags") or [], "kind": t["kind"]})
    return pool


def raw(name: str = "level3-chinese") -> dict:
    return yaml.safe_load((EXAMS / f"{name}.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pool():
    return bank_pool()


@pytest.mark.parametrize("name", ["level3-chinese", "level3-western"])
def test_shipped_blueprints_reproduce_the_level3_exam(name, pool):
    bp = load_blueprint(EXAMS / f"{name}.yaml")
    group = name.split("-")[1]
    assert (bp.code, bp.scope, bp.level) == (name, group, 3)
    assert bp.accepted_bases == ("training_certificate", "admin_approval")
    a, b = bp.section("A"), bp.section("B")
    assert [(d.types, d.count, d.points) for d in a.draws] == [
        (("single",), 20, 2), (("truefalse",), 20, 2), (("multiple",), 5, 4)]
    assert all(d.language_groups == (group, "all") for d in a.draws + b.draws)
    assert (a.time_limit_minutes, a.max_points, a.pass_points) == (90, 100, 60)
    assert [(d.types, d.kinds, d.count, d.points) for d in b.draws] == [
        (("marc_task",), ("original",), 5, 20)]
    assert (b.time_limit_minutes, b.layout, b.max_points, b.pass_points) == (300, "one_per_page", 100, 60)
    assert bp.max_points == 200 and bp.pass_mark is None
    assert check_against_pool(bp, pool) == []


def test_directory_loads_and_round_trips_through_json():
    found = load_blueprints(EXAMS)
    assert {"level3-chinese", "level3-western"} <= set(found)
    for bp in found.values():
        again = load_blueprint(bp.to_dict())
        assert again == bp and again.content_hash() == bp.content_hash()


def test_western_paper_b_uses_every_original_marc21_task(pool):
    originals = [p for p in pool if p.get("kind") == "original" and p["language_group"] == "western"]
    assert len(originals) == load_blueprint(EXAMS / "level3-western.yaml").section("B").item_count


def _set(path, value):
    def mutate(d):
        *parents, last = path
        for key in parents:
            d = d[key]
        d[last] = value
    return mutate


def _delete(path):
    def mutate(d):
        *parents, last = path
        for key in parents:
            d = d[key]
        del d[last]
    return mutate


BROKEN = [
    (_delete(["code"]), "code"),
    (_set(["code"], "Level 3!"), "code"),
    (_set(["extra"], 1), "extra"),
    (_set(["title"], "just a string"), "title"),
    (_delete(["title", "en"]), "title.en"),
    (_set(["scope"], "klingon"), "scope"),
    (_set(["level"], 1), "level"),
    (_set(["level"], "3"), "level"),
    (_set(["eligibility"], "anyone"), "eligibility"),
    (_set(["review"], {"show": "everything"}), "review.show"),
    (_set(["review"], {"show": "per_item", "when": "at_once"}), "review.when"),
    (_set(["pass_mark"], {"points": 60, "percent": 60}), "pass_mark"),
    (_set(["pass_mark"], {"points": 201}), "pass_mark.points"),
    (_set(["pass_mark"], {"percent": 120}), "pass_mark.percent"),
    (_set(["sections"], []), "sections"),
    (_set(["sections", 1, "code"], "A"), "sections[1].code"),
    (_set(["sections", 0, "code"], "a"), "sections[0].code"),
    (_set(["sections", 0, "time_limit_minutes"], 0), "sections[0].time_limit_minutes"),
    (_set(["sections", 0, "time_limit_minutes"], "90"), "sections[0].time_limit_minutes"),
    (_set(["sections", 0, "layout"], "scroll"), "sections[0].layout"),
    (_set(["sections", 0, "pass_mark"], {"points": 101}), "sections[0].pass_mark.points"),
    (_set(["sections", 0, "pass_mark"], {"marks": 60}), "sections[0].pass_mark.marks"),
    (_set(["sections", 0, "draws"], "all"), "sections[0].draws"),
    (_delete(["sections", 0, "draws", 1, "count"]), "sections[0].draws[1].count"),
    (_set(["sections", 0, "draws", 1, "count"], -3), "sections[0].draws[1].count"),
    (_set(["sections", 0, "draws", 1, "count"], 2.5), "sections[0].draws[1].count"),
    (_set(["sections", 0, "draws", 1, "points"], 0), "sections[0].draws[1].points"),
    (_set(["sections", 0, "draws", 1, "points"], "two"), "sections[0].draws[1].points"),
    (_set(["sections", 0, "draws", 1, "points"], 1.333), "sections[0].draws[1].points"),
    (_set(["sections", 0, "draws", 1, "types"], ["essay"]), "sections[0].draws[1].types[0]"),
    (_set(["sections", 0, "draws", 1, "types"], []), "sections[0].draws[1].types"),
    (_set(["sections", 0, "draws", 1, "categories"], ["cnmarc", "music"]),
     "sections[0].draws[1].categories[1]"),
    (_set(["sections", 0, "draws", 1, "language_groups"], ["chinese", "chinese"]),
     "sections[0].draws[1].language_groups"),
    (_set(["sections", 0, "draws", 1, "difficulties"], [4]), "sections[0].draws[1].difficulties[0]"),
    (_set(["sections", 0, "draws", 1, "tags"], "200"), "sections[0].draws[1].tags"),
    (_set(["sections", 0, "draws", 1, "kinds"], ["original"]), "sections[0].draws[1].kinds"),
    (_set(["sections", 0, "draws", 1, "partial_credit"], "each_correct"),
     "sections[0].draws[1].partial_credit"),
    (_set(["sections", 0, "draws", 2, "partial_credit"], "half"), "sections[0].draws[2].partial_credit"),
    (_set(["sections", 0, "draws", 2, "label"], {"zh": "多选"}), "sections[0].draws[2].label.en"),
    (_set(["sections", 0, "draws", 2, "weight"], 1), "sections[0].draws[2].weight"),
    (_set(["sections", 1, "draws", 0, "kinds"], ["essay"]), "sections[1].draws[0].kinds[0]"),
    (_set(["sections", 1, "expert_review", "types"], ["single"]), "sections[1].expert_review.types"),
    (_delete(["sections", 1, "expert_review", "band_points"]), "sections[1].expert_review.band_points"),
    (_set(["sections", 1, "expert_review", "pass_fraction"], 1.5),
     "sections[1].expert_review.pass_fraction"),
    (_set(["sections", 1, "review"], {"show": "all"}), "sections[1].review.show"),
]


@pytest.mark.parametrize("mutate, where", BROKEN, ids=[w for _, w in BROKEN])
def test_every_broken_key_is_named(mutate, where):
    data = copy.deepcopy(raw())
    mutate(data)
    with pytest.raises(BlueprintError) as caught:
        load_blueprint(data)
    assert caught.value.where == where
    assert str(caught.value).startswith(f"{where}: ")


def test_not_a_mapping_and_bad_yaml(tmp_path):
    with pytest.raises(BlueprintError) as caught:
        load_blueprint([1, 2])
    assert caught.value.where == "(top)"
    bad = tmp_path / "bad.yaml"
    bad.write_text("code: [unclosed\n", encoding="utf-8")
    with pytest.raises(BlueprintError) as caught:
        load_blueprint(bad)
    assert caught.value.where == str(bad)


def test_duplicate_codes_in_a_directory(tmp_path):
    for name in ("one", "two"):
        (tmp_path / f"{name}.yaml").write_text((EXAMS / "level3-chinese.yaml").read_text("utf-8"),
                                               encoding="utf-8")
    with pytest.raises(BlueprintError, match="used twice"):
        load_blueprints(tmp_path)


def test_pool_shortfalls_are_reported(pool):
    data = raw()
    data["sections"][0]["draws"][0]["count"] = 500
    data["sections"][1]["draws"][0]["kinds"] = ["copy"]
    problems = check_against_pool(load_blueprint(data), pool)
    assert len(problems) == 2
    assert "section A, draw 1" in problems[0] and "needs 500" in problems[0]
    assert "section B, draw 1" in problems[1] and "kinds=copy" in problems[1]


def test_overlapping_draws_are_checked_together(pool):
    singles = [p for p in pool if p["type"] == "single" and p["language_group"] in ("chinese", "all")]
    data = raw()
    data["sections"][0]["draws"] = [
        {"types": ["single"], "language_groups": ["chinese", "all"], "count": len(singles), "points": 1},
        {"types": ["single"], "categories": ["cnmarc"], "count": 1, "points": 1}]
    del data["sections"][0]["pass_mark"]
    problems = check_against_pool(load_blueprint(data), pool)
    assert len(problems) == 1 and "overlap" in problems[0]


def test_percent_pass_marks_and_the_overall_mark():
    data = raw()
    data["sections"][0]["pass_mark"] = {"percent": 62.5}
    data["pass_mark"] = {"percent": 65}
    bp = load_blueprint(data)
    assert bp.section("A").pass_points == Decimal("62.50")
    assert bp.pass_points == Decimal("130.00")
    assert not evaluate(bp, {"A": Decimal(70), "B": Decimal(59)}).passed     # B below 60
    assert not evaluate(bp, {"A": Decimal(63), "B": Decimal(61)}).passed     # total 124 < 130
    out = evaluate(bp, {"A": Decimal(66), "B": Decimal(64)})
    assert out.passed and out.total == 130


def test_evaluate_each_paper_on_its_own():
    bp = load_blueprint(EXAMS / "level3-chinese.yaml")
    assert evaluate(bp, {"A": Decimal(60), "B": Decimal(60)}).passed
    out = evaluate(bp, {"A": Decimal(100), "B": Decimal("59.99")})
    assert not out.passed and [s.passed for s in out.sections] == [True, False]
    missing = evaluate(bp, {"A": Decimal(90)})
    assert not missing.passed and missing.sections[1].score is None


def test_expert_band():
    bp: Blueprint = load_blueprint(EXAMS / "level3-chinese.yaml")
    task = lambda s: ("marc_task", Decimal(20), Decimal(str(s)))  # noqa: E731
    # 60 % of 20 = 12; band ±3 → 9 … 15.
    assert [in_expert_band(bp, "B", *task(s)) for s in (8.99, 9, 12, 15, 15.01)] == [
        False, True, True, True, False]
    assert not in_expert_band(bp, "A", "single", Decimal(2), Decimal(0))
    assert expert_review_indexes(bp, "B", [task(s) for s in (20, 15, 16, 9, 20)]) == [1, 3]
    # A paper total within 60 ± 5 sends every task to the experts.
    assert expert_review_indexes(bp, "B", [task(s) for s in (20, 20, 19, 0, 0)]) == [0, 1, 2, 3, 4]
    assert expert_review_indexes(bp, "A", [("single", Decimal(2), Decimal(2))]) == []
