"""The shipped question bank (question_bank/): pure file checks, no database.

Every objective question follows the schema in question_bank/README.md, the bank is big enough for
the level-3 theory paper in each language group, every MARC task has its files, every reference
record reads and validates, a correction task's flawed record grades below the reference, and
every ISBN has a valid check digit.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

from app.marc.grade import grade
from app.marc.io import read
from app.marc.normalise import isbn_valid
from app.marc.validate import validate

BANK = Path(__file__).resolve().parents[2] / "question_bank"
OBJECTIVE = BANK / "objective"
TASKS = BANK / "tasks"

CATEGORIES = ("cnmarc", "marc21", "rules", "subject_clc", "authority", "policy")
TYPES = ("single", "multiple", "truefalse", "fill")
GROUPS = ("chinese", "western", "all")
REQUIRED = {"id", "type", "category", "language_group", "difficulty", "tags", "text", "answer",
            "explanation", "source"}
OPTIONAL = {"text_en", "choices", "partial_credit", "explanation_en"}
CHOICE_KEYS = {"key", "text", "text_en"}
ID = re.compile(r"^[a-z0-9_]+-[a-z]?\d{3}$")

# Paper A per language group: 20 single + 20 true/false + 5 multiple, drawn at random;
# the bank must hold at least this many of each ('all' counts for both groups).
MINIMUM_PER_GROUP = {"single": 30, "truefalse": 30, "multiple": 8}

TASK_REQUIRED = {"id", "kind", "format", "language_group", "difficulty", "title", "title_en",
                 "points", "time_limit_minutes", "description", "references", "rubric"}
TASK_OPTIONAL = {"start", "errors", "candidates", "answer", "description_en", "tags"}
RUBRIC = {"cnmarc": "cnmarc_book", "marc21": "marc21_book"}


def _load(path: Path):
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _questions() -> list[tuple[str, dict]]:
    out = []
    for category in CATEGORIES:
        data = _load(OBJECTIVE / f"{category}.yaml")
        assert isinstance(data, list), f"{category}.yaml must be a YAML list"
        out.extend((category, q) for q in data)
    return out


def _task_dirs() -> list[Path]:
    if not TASKS.is_dir():  # test_task_counts reports it
        return []
    return sorted(p for p in TASKS.iterdir() if p.is_dir())


def _record(path: Path):
    results = list(read(str(path), format="mrk"))
    assert len(results) == 1, f"{path} must hold exactly one record, not {len(results)}"
    result = results[0]
    assert result.ok, f"{path}: {result.error.en if result.error else 'unreadable'}"
    return result.record


def _normalise(text: str) -> str:
    """What README.md promises for fill-in answers: NFKC, case-folded, no white space."""
    return "".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def _isbns(record) -> list[str]:
    out = []
    for tag in ("010", "020"):
        for f in record.get_fields(tag):
            out.extend(v for c, v in ((s.code, s.value) for s in f.subfields) if c == "a")
    return out


# ---------------------------------------------------------------- objective questions

def test_only_the_six_category_files():
    names = sorted(p.name for p in OBJECTIVE.glob("*.yaml"))
    assert names == sorted(f"{c}.yaml" for c in CATEGORIES)
    assert (BANK / "README.md").is_file()


def test_every_question_follows_the_schema():
    problems = []
    for category, q in _questions():
        qid = q.get("id", "?") if isinstance(q, dict) else "?"

        def bad(msg):
            problems.append(f"{category}/{qid}: {msg}")

        if not isinstance(q, dict):
            bad("not a mapping")
            continue
        keys = set(q)
        if REQUIRED - keys:
            bad(f"missing {sorted(REQUIRED - keys)}")
        if keys - REQUIRED - OPTIONAL:
            bad(f"unknown keys {sorted(keys - REQUIRED - OPTIONAL)}")
        if not ID.match(str(q.get("id", ""))) or not str(q.get("id", "")).startswith(category + "-"):
            bad("id must be '<category>-NNN'")
        if q.get("category") != category:
            bad(f"category {q.get('category')!r} is not the file's")
        if q.get("language_group") not in GROUPS:
            bad(f"language_group {q.get('language_group')!r}")
        if q.get("difficulty") not in (1, 2, 3):
            bad(f"difficulty {q.get('difficulty')!r}")
        if not isinstance(q.get("tags"), list) or not q.get("tags"):
            bad("tags must be a non-empty list")
        for field in ("text", "explanation", "source"):
            if not isinstance(q.get(field), str) or not q[field].strip():
                bad(f"{field} must be non-empty text")
        if q.get("language_group") == "western" and not str(q.get("text_en", "")).strip():
            bad("a Western question needs text_en")
        qtype, answer, choices = q.get("type"), q.get("answer"), q.get("choices")
        if qtype not in TYPES:
            bad(f"type {qtype!r}")
            continue
        if qtype in ("single", "multiple"):
            if not isinstance(choices, list) or len(choices) < 3:
                bad("needs at least three choices")
                continue
            keys_seen = []
            for c in choices:
                if not isinstance(c, dict) or set(c) - CHOICE_KEYS or not {"key", "text"} <= set(c):
                    bad(f"choice {c!r} must have key and text (text_en optional)")
                    continue
                if not str(c["text"]).strip():
                    bad(f"choice {c['key']} has no text")
                keys_seen.append(c["key"])
            expected = [chr(ord("A") + i) for i in range(len(keys_seen))]
            if keys_seen != expected:
                bad(f"choice keys must be {expected}, not {keys_seen}")
            texts = [_normalise(c.get("text", "")) for c in choices if isinstance(c, dict)]
            if len(set(texts)) != len(texts):
                bad("two choices have the same text")
            if qtype == "single":
                if not isinstance(answer, str) or answer not in keys_seen:
                    bad(f"single answer {answer!r} must be one existing key")
                if "partial_credit" in q:
                    bad("partial_credit is for multiple-choice only")
            else:
                if not isinstance(answer, list) or len(set(answer)) != len(answer):
                    bad(f"multiple answer {answer!r} must be a list of distinct keys")
                    continue
                if not set(answer) <= set(keys_seen):
                    bad(f"answer {answer} refers to missing choices")
                if len(answer) < 2 or len(set(keys_seen) - set(answer)) < 1:
                    bad("multiple-choice needs at least two right and one wrong choice")
                if q.get("partial_credit") not in ("all_or_nothing", "each_correct"):
                    bad("multiple-choice needs partial_credit all_or_nothing|each_correct")
        else:
            if choices is not None:
                bad("only single/multiple have choices")
            if "partial_credit" in q:
                bad("partial_credit is for multiple-choice only")
            if qtype == "truefalse" and not isinstance(answer, bool):
                bad(f"true/false answer must be a boolean, not {answer!r}")
            if qtype == "fill":
                if (not isinstance(answer, list) or not answer
                        or not all(isinstance(a, (str, int)) and _normalise(a) for a in answer)):
                    bad("fill answer must be a non-empty list of accepted answers")
    assert not problems, "\n".join(problems)


def test_ids_are_unique():
    ids = Counter(q["id"] for _, q in _questions())
    assert [i for i, n in ids.items() if n > 1] == []


def test_true_false_answers_are_not_all_the_same():
    answers = Counter(q["answer"] for _, q in _questions() if q["type"] == "truefalse")
    assert answers[True] >= 0.3 * sum(answers.values())
    assert answers[False] >= 0.3 * sum(answers.values())


def test_enough_questions_for_each_language_group():
    questions = [q for _, q in _questions()]
    assert len(questions) >= 150
    for group in ("chinese", "western"):
        have = Counter(q["type"] for q in questions if q["language_group"] in (group, "all"))
        for qtype, need in MINIMUM_PER_GROUP.items():
            assert have[qtype] >= need, f"{group}: {have[qtype]} {qtype}, need {need}"
    by_category = Counter(q["category"] for q in questions)
    assert all(by_category[c] >= 10 for c in CATEGORIES), by_category


def test_fill_answers_stay_distinct_after_normalisation():
    for _, q in _questions():
        if q["type"] == "fill":
            keys = [_normalise(a) for a in q["answer"]]
            assert len(set(keys)) == len(keys), f"{q['id']}: duplicate accepted answers {keys}"


# ---------------------------------------------------------------- MARC tasks

def _tasks() -> list[tuple[Path, dict]]:
    return [(d, _load(d / "task.yaml")) for d in _task_dirs()]


def test_task_counts():
    tasks = [t for _, t in _tasks()]
    assert len(tasks) >= 15
    kinds = Counter((t["kind"], t["format"]) for t in tasks)
    assert kinds[("original", "cnmarc")] >= 8
    assert kinds[("original", "marc21")] >= 5
    assert kinds[("correction", "cnmarc")] >= 1
    assert kinds[("correction", "marc21")] >= 1
    assert sum(n for (kind, _), n in kinds.items() if kind == "copy") >= 1


@pytest.mark.parametrize("task_dir", _task_dirs(), ids=lambda p: p.name)
def test_task_files(task_dir: Path):
    task = _load(task_dir / "task.yaml")
    keys = set(task)
    assert not TASK_REQUIRED - keys, f"missing {sorted(TASK_REQUIRED - keys)}"
    assert not keys - TASK_REQUIRED - TASK_OPTIONAL, f"unknown {sorted(keys - TASK_REQUIRED - TASK_OPTIONAL)}"
    assert task["id"] == task_dir.name
    assert task["kind"] in ("original", "correction", "copy")
    assert task["format"] in RUBRIC
    assert task["rubric"] == RUBRIC[task["format"]]
    assert task["language_group"] in ("chinese", "western")
    assert (task["format"] == "cnmarc") == (task["language_group"] == "chinese")
    assert task["difficulty"] in (1, 2, 3)
    assert task["points"] == 20 and task["time_limit_minutes"] == 60
    assert isinstance(task["description"], str) and len(task["description"]) > 200
    assert isinstance(task["references"], list) and task["references"]

    references = [_record(task_dir / name) for name in task["references"]]
    description = re.sub(r"[-\s]", "", task["description"])
    for name, ref in zip(task["references"], references):
        errors = [f"{f.tag} {f.code} {f.message.en}" for f in validate(ref) if f.severity == "error"]
        assert errors == [], f"{name}: {errors}"
        isbns = _isbns(ref)
        assert isbns, f"{name} has no ISBN"
        for isbn in isbns:
            assert isbn_valid(isbn), f"{name}: invalid ISBN {isbn}"
            assert re.sub(r"[-\s]", "", isbn) in description, f"{name}: ISBN {isbn} not in the description"
        assert grade(ref, [ref]).score == 100, f"{name} does not grade 100 against itself"

    if "start" in task:
        start = _record(task_dir / task["start"])
        if task["kind"] == "correction":
            assert all(start.as_marc() != ref.as_marc() for ref in references)
            assert grade(start, references).score < 100
    if task["kind"] == "correction":
        assert "start" in task
        assert isinstance(task.get("errors"), list) and len(task["errors"]) >= 3
    else:
        assert "errors" not in task
    if task["kind"] == "copy":
        candidates = task.get("candidates")
        assert isinstance(candidates, list) and len(candidates) >= 2
        assert task.get("answer") in candidates
        for name in candidates:
            cand = _record(task_dir / name)
            errors = [f"{f.tag} {f.code}" for f in validate(cand) if f.severity == "error"]
            assert errors == [], f"{name}: {errors}"
            assert all(isbn_valid(i) for i in _isbns(cand)), f"{name}: invalid ISBN"
        answer = _record(task_dir / task["answer"])
        assert any(answer.as_marc() == ref.as_marc() for ref in references)
        others = [_record(task_dir / n) for n in candidates if n != task["answer"]]
        assert all(grade(o, references).score < 100 for o in others)
    else:
        assert "candidates" not in task and "answer" not in task
