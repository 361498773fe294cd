"""The MARC task checker: a candidate's MarcMaker record graded against the task's references.

Registered in `checkers.CHECKERS` like the objective types; kept apart because it carries the
record parsing, the graders' cache and the copy-task rules.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from pymarc import Record

from app.marc.display import record_flavour
from app.marc.grade import Grader, RubricError, load_rubric
from app.marc.grade.rubric import RUBRIC_DIR
from app.marc.io import MarcReadError, read
from app.marc.validate import validate as validate_record

from .checkers import Checker, Outcome, _points, invalid, quantize, register, unanswered


MAX_MRK_CHARS = 200_000  # a candidate's record; grading cost grows with the square of a tag's fields
MAX_FIELDS = 400
_RUBRIC_NAME = re.compile(r"^[a-z0-9_]+$")


def parse_mrk(text) -> tuple[Record | None, dict | None]:
    """One record from MarcMaker text: (record, None) or (None, {code, message, message_zh, line})."""
    def fail(code, en, zh, line=None):
        return None, {"code": code, "message": en, "message_zh": zh, "line": line}

    if not isinstance(text, str):
        return fail("mrk_not_text", "The record must be MarcMaker text.", "记录须为 MarcMaker 文本。")
    if len(text) > MAX_MRK_CHARS:
        return fail("mrk_too_long", f"The record is longer than {MAX_MRK_CHARS} characters.",
                    f"记录超过 {MAX_MRK_CHARS} 个字符。")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return fail("mrk_empty", "The record is empty.", "记录为空。")
    if not lines[0].startswith("=LDR"):
        return fail("mrk_no_leader", "The record must begin with the leader line, =LDR.",
                    "记录须以头标区 =LDR 行开始。", 1)
    if len(lines) > MAX_FIELDS:
        return fail("mrk_too_long", f"The record has more than {MAX_FIELDS} lines.",
                    f"记录超过 {MAX_FIELDS} 行。")
    try:
        results = list(read("\n".join(lines).encode("utf-8"), format="mrk", encoding="utf-8"))
    except MarcReadError as e:
        return fail(e.code, e.en, e.zh)
    if len(results) != 1:
        return fail("mrk_several", "One record only (no blank lines inside it).",
                    "只能有一条记录（记录中不能有空行）。")
    result = results[0]
    if not result.ok:
        return fail(result.error.code, result.error.en, result.error.zh, result.line)
    return result.record, None


def rubric_problem(name) -> str | None:
    """Only shipped rubrics by name: content must never make the grader open an arbitrary path."""
    if not isinstance(name, str) or not _RUBRIC_NAME.match(name) \
            or not (RUBRIC_DIR / f"{name}.yaml").is_file():
        return f"rubric {name!r} is not a shipped rubric"
    try:
        load_rubric(name)
    except RubricError as e:
        return str(e)
    return None


@dataclass(frozen=True)
class _References:
    digest: str  # the cache key: equal texts share one prepared Grader
    texts: tuple = field(compare=False, hash=False)


@lru_cache(maxsize=128)
def _grader(refs: _References, rubric: str) -> Grader:
    records = []
    for i, text in enumerate(refs.texts, 1):
        record, error = parse_mrk(text)
        if error:
            raise ValueError(f"reference {i} cannot be read: {error['message']}")
        records.append(record)
    if problem := rubric_problem(rubric):
        raise ValueError(problem)
    return Grader(records, rubric)


def _finding_lines(record: Record) -> list[str]:
    return [f"{f.tag} {f.code}: {f.message.en}" for f in validate_record(record)
            if f.severity == "error"]


@register
class MarcTaskChecker(Checker):
    type = "marc_task"
    content_keys = frozenset({"kind", "format", "title", "title_en", "description",
                              "description_en", "start", "candidates", "rubric",
                              "time_limit_minutes"})
    key_keys = frozenset({"references", "answer", "errors"})

    @staticmethod
    def grader_for(key: dict, rubric: str) -> Grader:
        """The references prepared once per (references, rubric): an exam round grades many."""
        texts = tuple(key["references"])
        digest = hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode("utf-8")).hexdigest()
        return _grader(_References(digest, texts), rubric)

    def _validate(self, content, key):
        problems = []
        kind, fmt = content.get("kind"), content.get("format")
        if kind not in ("original", "correction", "copy"):
            problems.append(f"kind {kind!r} is not original, correction or copy")
        if fmt not in ("cnmarc", "marc21"):
            problems.append(f"format {fmt!r} is not cnmarc or marc21")
        for name in ("title", "description"):
            if not isinstance(content.get(name), str) or not content[name].strip():
                problems.append(f"{name} is empty")
        limit = content.get("time_limit_minutes")
        if not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0:
            problems.append("time_limit_minutes must be a positive whole number")
        if problem := rubric_problem(content.get("rubric")):
            problems.append(problem)
        elif fmt in ("cnmarc", "marc21") and load_rubric(content["rubric"]).flavour != fmt:
            problems.append(f"rubric {content['rubric']} is not for {fmt}")
        refs = key.get("references")
        if not isinstance(refs, list) or not refs:
            problems.append("the key needs at least one reference record")
            refs = []
        for i, text in enumerate(refs, 1):
            problems += self._record_problems(f"reference {i}", text, fmt, check=True)
        start = content.get("start")
        if kind == "correction" and not start:
            problems.append("a correction task needs a start record")
        if start:
            problems += self._record_problems("start record", start, fmt, check=False)
        errors = key.get("errors") or []
        if kind == "correction" and not errors:
            problems.append("a correction task lists its planted errors (key errors)")
        if kind != "correction" and errors:
            problems.append("only correction tasks list planted errors")
        if not isinstance(errors, list) or not all(
                isinstance(e, dict) and {"field", "zh", "en"} <= set(e) for e in errors):
            problems.append("errors must be a list of {field, zh, en}")
        return problems + self._copy_problems(kind, content, key, fmt)

    def _copy_problems(self, kind, content, key, fmt) -> list[str]:
        candidates = content.get("candidates") or []
        if kind != "copy":
            bad = candidates or key.get("answer") is not None
            return ["only copy tasks have candidates and an answer"] if bad else []
        if not isinstance(candidates, list) or len(candidates) < 2 or not all(
                isinstance(c, dict) and set(c) == {"name", "mrk"} for c in candidates):
            return ["a copy task needs at least two candidates {name, mrk}"]
        problems = []
        names = [c["name"] for c in candidates]
        if len(set(names)) != len(names):
            problems.append(f"candidate names repeat: {names}")
        for c in candidates:
            problems += self._record_problems(f"candidate {c['name']}", c["mrk"], fmt, check=True)
        if key.get("answer") not in names:
            problems.append(f"copy answer {key.get('answer')!r} is not one of the candidates")
        return problems

    @staticmethod
    def _record_problems(label, text, fmt, check) -> list[str]:
        record, error = parse_mrk(text)
        if error:
            return [f"{label} cannot be read: {error['message']}"]
        problems = []
        if fmt in ("cnmarc", "marc21") and record_flavour(record) != fmt:
            problems.append(f"{label} is not a {fmt} record")
        if check:
            problems += [f"{label}: {line}" for line in _finding_lines(record)]
        return problems

    def score(self, content, key, response, points, *, partial_credit=None):
        maximum = _points(points)
        if response is None:
            return unanswered(points)
        if not isinstance(response, dict):
            return invalid(points, "wrong_type", "the response must be an object with 'mrk'",
                           "应答格式错误，应含 mrk", correct=None)
        if unknown := sorted(set(response) - {"mrk", "choice"}):
            return invalid(points, "unknown_keys", f"unknown response fields {unknown}",
                           f"应答含未知字段 {unknown}", correct=None)
        mrk, choice = response.get("mrk"), response.get("choice")
        if not isinstance(mrk, str | None) or not isinstance(choice, str | None):
            return invalid(points, "wrong_type", "'mrk' and 'choice' must be text",
                           "mrk 与 choice 须为文本", correct=None)
        typed = bool(mrk and mrk.strip())
        extra = {}
        if content.get("kind") == "copy":
            names = {c["name"]: c["mrk"] for c in content.get("candidates") or []}
            if choice is None:
                if not typed:
                    return unanswered(points)
                return Outcome(Decimal("0.00"), maximum, None, True, {
                    "status": "graded", "code": "no_choice", "message": "No record was chosen.",
                    "message_zh": "未选择记录。"})
            if choice not in names:
                return invalid(points, "unknown_choice", f"there is no candidate {choice!r}",
                               f"没有候选记录“{choice}”", correct=None)
            if choice != key.get("answer"):
                return Outcome(Decimal("0.00"), maximum, None, True, {
                    "status": "graded", "code": "wrong_choice", "choice": choice,
                    "message": "The wrong record was chosen: it does not describe the item.",
                    "message_zh": "所选记录与在编文献不符（选错记录）。"})
            mrk = mrk if typed else names[choice]  # chosen and kept as it is
            extra["choice"] = choice
        elif choice is not None:
            return invalid(points, "unknown_keys", "'choice' is for copy tasks only",
                           "只有套录题可以选择记录", correct=None)
        elif not typed:
            return unanswered(points)
        record, error = parse_mrk(mrk)
        if error:
            return invalid(points, error["code"], error["message"], error["message_zh"],
                           line=error["line"], correct=None)
        result = self.grader_for(key, content["rubric"]).grade(record)
        percent = Decimal(str(result.score))
        return Outcome(quantize(maximum * percent / 100), maximum, None, True,
                       {"status": "graded", **result.to_dict(), **extra})

    def practice_feedback(self, content, key, outcome, lang="zh"):
        en = str(lang).lower().startswith("en")
        fb = outcome.feedback
        out = {"type": self.type, **outcome.to_dict(), "percent": fb.get("score"),
               "message": fb.get("message" if en else "message_zh"),
               "answer": key.get("answer"),
               "errors": [{"field": e["field"], "text": e["en"] if en else e["zh"]}
                          for e in key.get("errors") or []]}
        refs = key.get("references") or []
        index = fb.get("reference_index")
        out["reference_index"] = index
        out["reference"] = refs[index] if isinstance(index, int) and index < len(refs) else \
            (refs[0] if refs else None)
        out["fields"] = [{"tag": f["tag"], "occurrence": f["occurrence"], "status": f["status"],
                          "earned": f["earned"], "possible": f["possible"],
                          "expected": f["expected"], "candidate": f["candidate"],
                          "deductions": [{"points": d["points"], "text": d["en"] if en else d["zh"]}
                                         for d in f["deductions"]]}
                         for f in fb.get("fields", [])]
        return out
