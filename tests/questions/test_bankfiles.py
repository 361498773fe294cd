"""Reading question_bank/ into ItemSpecs: shapes, order, hashes and refusal of broken files."""
from __future__ import annotations

import dataclasses
import shutil
from decimal import Decimal

import pytest
import yaml

from app.questions.bankfiles import BANK_DIR, BankError, check_bank, content_hash, load_bank
from app.questions.checkers import checker_for

OBJECTIVE_CONTENT = {"single": {"text", "text_en", "choices"}, "truefalse": {"text", "text_en"},
                     "multiple": {"text", "text_en", "choices", "partial_credit"},
                     "fill": {"text", "text_en"}}
TASK_CONTENT = {"kind", "format", "title", "title_en", "description", "description_en", "start",
                "candidates", "rubric", "time_limit_minutes"}


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def test_the_shipped_bank_loads_without_problems(bank):
    assert check_bank() == []
    types = {s.type for s in bank}
    assert types == {"single", "multiple", "truefalse", "fill", "marc_task"}
    assert len({s.code for s in bank}) == len(bank) >= 150 + 15


def test_order_and_hashes_are_deterministic(bank):
    again = load_bank(BANK_DIR)
    assert [s.code for s in again] == [s.code for s in bank]
    assert [content_hash(s) for s in again] == [content_hash(s) for s in bank]
    codes = [s.code for s in bank]
    assert codes[0] == "cnmarc-001"
    tasks = [s.code for s in bank if s.type == "marc_task"]
    assert tasks == sorted(tasks) and codes[-len(tasks):] == tasks


def test_objective_items_have_the_shared_shapes(bank):
    for s in bank:
        if s.type == "marc_task":
            continue
        assert set(s.content) == OBJECTIVE_CONTENT[s.type], s.code
        assert set(s.key) == {"answer", "explanation", "explanation_en", "source"}, s.code
        assert s.category == s.code.rsplit("-", 1)[0] and s.source_path == f"objective/{s.category}.yaml"
        assert s.points == {"single": 2, "truefalse": 2, "multiple": 4, "fill": 2}[s.type]
        assert isinstance(s.points, Decimal)
        for c in s.content.get("choices", []):
            assert set(c) == {"key", "text", "text_en"}
        if s.type == "fill":
            assert all(isinstance(a, str) for a in s.key["answer"])
        if s.language_group == "western":
            assert s.content["text_en"]


def test_tasks_inline_their_records(bank):
    for s in (s for s in bank if s.type == "marc_task"):
        assert s.category == "marc_task" and s.points == 20
        assert set(s.content) == TASK_CONTENT and set(s.key) == {"references", "answer", "errors"}
        assert all(r.startswith("=LDR") and "\r" not in r for r in s.key["references"])
        assert s.source_path == f"tasks/{s.code}/task.yaml"
        kind = s.content["kind"]
        assert (s.content["start"] is not None) == (kind == "correction") or kind == "original"
        assert bool(s.content["candidates"]) == (kind == "copy") == (s.key["answer"] is not None)
        assert bool(s.key["errors"]) == (kind == "correction")
        if kind == "copy":
            names = [c["name"] for c in s.content["candidates"]]
            assert s.key["answer"] in names and all(c["mrk"].startswith("=LDR")
                                                    for c in s.content["candidates"])


def test_every_item_validates_with_its_checker(bank):
    for s in bank:
        assert checker_for(s.type).validate(s.content, s.key) == [], s.code


def test_content_hash_follows_content_key_and_metadata_not_the_file(bank):
    spec = bank[0]
    base = content_hash(spec)
    assert len(base) == 64
    assert content_hash(dataclasses.replace(spec, source_path="elsewhere.yaml")) == base
    assert content_hash(dataclasses.replace(spec, difficulty=3)) != base
    assert content_hash(dataclasses.replace(spec, tags=spec.tags + ["x"])) != base
    assert content_hash(dataclasses.replace(spec, content={**spec.content, "text": "?"})) != base
    assert content_hash(dataclasses.replace(spec, key={**spec.key, "source": "?"})) != base
    reordered = dataclasses.replace(spec, key=dict(reversed(list(spec.key.items()))))
    assert content_hash(reordered) == base


# ------------------------------------------------------------------ broken copies of the bank

COPIED_TASKS = ("cn-orig-01", "en-orig-01")


@pytest.fixture
def copy(tmp_path):
    """The objective files and two tasks: enough to break, quick to load."""
    root = tmp_path / "bank"
    shutil.copytree(BANK_DIR / "objective", root / "objective")
    for task in COPIED_TASKS:
        shutil.copytree(BANK_DIR / "tasks" / task, root / "tasks" / task)
    return root


def edit_question(root, category, index, change):
    path = root / "objective" / f"{category}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data[index])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def edit_task(root, task, change):
    path = root / "tasks" / task / "task.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def refused(root, *needles):
    with pytest.raises(BankError) as info:
        load_bank(root)
    for needle in needles:
        assert needle in str(info.value), str(info.value)
    return info.value


def test_a_clean_copy_loads(copy, bank):
    items = load_bank(copy)
    assert [s.code for s in items] == [s.code for s in bank if s.type != "marc_task"] + list(COPIED_TASKS)
    assert [content_hash(s) for s in items] == [content_hash(s) for s in bank
                                                if s.type != "marc_task" or s.code in COPIED_TASKS]


@pytest.mark.parametrize("change, needle", [
    (lambda q: q.update(hint="x"), "unknown keys ['hint']"),
    (lambda q: q.pop("source"), "missing ['source']"),
    (lambda q: q.update(answer="E"), "not one of the choice keys"),
    (lambda q: q.update(category="rules"), "not the file's"),
    (lambda q: q.update(difficulty=4), "difficulty 4"),
    (lambda q: q.update(tags=[]), "tags must be a non-empty list"),
    (lambda q: q.update(id="cnmarc-1"), "'<category>-NNN'"),
    (lambda q: q.update(partial_credit="each_correct"), "multiple-choice only"),
    (lambda q: q.update(choices=q["choices"][:2]), "needs at least three choices"),
    (lambda q: q.update(type="essay"), "type 'essay'"),
])
def test_broken_objective_question_is_refused_with_its_path_and_id(copy, change, needle):
    path = edit_question(copy, "cnmarc", 0, change)
    err = refused(copy, needle, "cnmarc-")
    assert err.path == str(path)


def test_western_question_needs_text_en(copy):
    def change(q):
        q["language_group"] = "western"
        q.pop("text_en", None)
    edit_question(copy, "cnmarc", 0, change)
    refused(copy, "needs text_en")


def test_duplicate_ids_are_refused(copy):
    edit_question(copy, "cnmarc", 1, lambda q: q.update(id="cnmarc-001"))
    refused(copy, "cnmarc-001 is also used")


def test_fill_duplicate_after_normalisation_is_refused(copy):
    data = yaml.safe_load((copy / "objective" / "cnmarc.yaml").read_text(encoding="utf-8"))
    index = next(i for i, q in enumerate(data) if q["type"] == "fill")
    edit_question(copy, "cnmarc", index, lambda q: q["answer"].append(" " + q["answer"][0].upper()))
    refused(copy, "repeat after normalisation")


def test_missing_category_file_is_refused(copy):
    (copy / "objective" / "policy.yaml").unlink()
    refused(copy, "must hold exactly")


def test_task_problems_are_refused(copy):
    edit_task(copy, "cn-orig-01", lambda t: t.update(rubric="marc21_book"))
    refused(copy, "needs rubric 'cnmarc_book'", "cn-orig-01")


@pytest.mark.parametrize("change, needle", [
    (lambda t: t.update(references=["nowhere.mrk"]), "not a file of the task"),
    (lambda t: t.update(references=["../cn-orig-02/reference.mrk"]), "not a file of the task"),
    (lambda t: t.update(id="cn-orig-99"), "not the directory's name"),
    (lambda t: t.update(answer="cand-1.mrk"), "only copy tasks"),
    (lambda t: t.update(extra=1), "unknown keys ['extra']"),
])
def test_broken_task_yaml(copy, change, needle):
    edit_task(copy, "cn-orig-01", change)
    refused(copy, needle)


def test_unreadable_reference_record_is_refused(copy):
    (copy / "tasks" / "cn-orig-01" / "reference.mrk").write_text("not a record\n", encoding="utf-8")
    refused(copy, "reference 1 cannot be read", "cn-orig-01")


def test_check_bank_reports_every_broken_file(copy):
    edit_question(copy, "cnmarc", 0, lambda q: q.update(hint="x"))
    edit_task(copy, "en-orig-01", lambda t: t.update(extra=1))
    problems = check_bank(copy)
    assert len(problems) == 2
    assert {p.path.rsplit("/", 2)[-2] for p in problems} == {"objective", "en-orig-01"}
