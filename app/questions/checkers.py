"""One checker per question type, in a registry: authoring checks, scoring, what candidates see.

Scoring is the exam's legal core: it must follow question_bank/README.md to the cent and must never
raise on what a candidate sends (a tampered or broken response scores 0 with the reason in the
feedback). A broken answer key, by contrast, is an authoring bug: `validate` reports it before an
item is used, and scoring with it may raise. Adding a type: subclass Checker, set `type`, decorate
with @register (docs/questions.md).
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache

from pymarc import Record

from app.marc.display import record_flavour
from app.marc.grade import Grader, RubricError, load_rubric
from app.marc.grade.rubric import RUBRIC_DIR
from app.marc.io import MarcReadError, read
from app.marc.validate import validate as validate_record

CENT = Decimal("0.01")
PARTIAL_CREDIT_RULES = ("each_correct", "all_or_nothing")
# Fields of the answer key: none of them may ever appear in what a candidate is shown.
KEY_FIELDS = frozenset({"answer", "explanation", "explanation_en", "source", "references", "errors"})


def quantize(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def normalise_fill(text) -> str:
    """README "Fill-in normalisation": NFKC, case-folded, every white space removed."""
    return "".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def lang_text(obj: dict, name: str, lang: str) -> str | None:
    """`name` in the reader's language, falling back to the other one."""
    zh, en = obj.get(name), obj.get(f"{name}_en")
    return (en or zh) if str(lang).lower().startswith("en") else (zh or en)


@dataclass(frozen=True)
class Outcome:
    score: Decimal
    max: Decimal
    correct: bool | None  # None: graded on a scale (MARC tasks), not right/wrong
    answered: bool
    feedback: dict = field(default_factory=dict)  # JSON-safe; always has "status"

    def to_dict(self) -> dict:
        return {"score": str(self.score), "max": str(self.max), "correct": self.correct,
                "answered": self.answered, "feedback": self.feedback}


class Malformed(Exception):
    """A response that is not of the question's shape (never escapes `score`)."""

    def __init__(self, code: str, en: str, zh: str):
        super().__init__(en)
        self.code, self.en, self.zh = code, en, zh


def _points(points) -> Decimal:
    return quantize(Decimal(str(points)))


def unanswered(points) -> Outcome:
    return Outcome(Decimal("0.00"), _points(points), False, False, {"status": "unanswered"})


def invalid(points, code: str, en: str, zh: str, *, answered: bool = True, correct=False,
            **extra) -> Outcome:
    return Outcome(Decimal("0.00"), _points(points), correct, answered,
                   {"status": "invalid", "code": code, "message": en, "message_zh": zh, **extra})


class Checker:
    type = ""
    content_keys: frozenset = frozenset()
    key_keys: frozenset = frozenset()

    def validate(self, content: dict, key: dict) -> list[str]:
        if not isinstance(content, dict) or not isinstance(key, dict):
            return ["content and key must be JSON objects"]
        problems = []
        if unknown := sorted(set(content) - self.content_keys):
            problems.append(f"unknown content fields {unknown}")
        if unknown := sorted(set(key) - self.key_keys):
            problems.append(f"unknown key fields {unknown}")
        return problems + self._validate(content, key)

    def _validate(self, content: dict, key: dict) -> list[str]:
        return []

    def score(self, content: dict, key: dict, response, points, *,
              partial_credit: str | None = None) -> Outcome:
        raise NotImplementedError

    def public_view(self, content: dict) -> dict:
        """What a candidate may see during an attempt: the content, and never a key field."""
        leaked = KEY_FIELDS & set(content)
        if leaked:  # not an assert: must hold under python -O too
            raise ValueError(f"key fields in a question's content: {sorted(leaked)}")
        return _copy(content)

    def practice_feedback(self, content: dict, key: dict, outcome: Outcome, lang: str = "zh") -> dict:
        raise NotImplementedError


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


CHECKERS: dict[str, Checker] = {}


def register(cls: type[Checker]) -> type[Checker]:
    if not cls.type or cls.type in CHECKERS:
        raise ValueError(f"checker type {cls.type!r} is empty or already registered")
    CHECKERS[cls.type] = cls()
    return cls


def checker_for(qtype: str) -> Checker:
    try:
        return CHECKERS[qtype]
    except (KeyError, TypeError):
        raise ValueError(f"unknown question type {qtype!r}; known: {sorted(CHECKERS)}") from None


# ------------------------------------------------------------------ objective questions


class Objective(Checker):
    content_keys = frozenset({"text", "text_en"})
    key_keys = frozenset({"answer", "explanation", "explanation_en", "source"})
    shape = shape_zh = ""  # the response's shape, for messages

    def _validate(self, content, key):
        problems = []
        if not isinstance(content.get("text"), str) or not content["text"].strip():
            problems.append("the question text is empty")
        for holder, name in ((content, "text_en"), (key, "explanation"), (key, "explanation_en"),
                             (key, "source")):
            if holder.get(name) is not None and not isinstance(holder[name], str):
                problems.append(f"{name} must be text")
        if "answer" not in key:
            problems.append("the key has no answer")
            return problems
        return problems + self._validate_answer(content, key, key["answer"])

    def _validate_answer(self, content, key, answer) -> list[str]:
        return []

    def read(self, content, response):
        """The response as a value, None when unanswered; raises Malformed."""
        raise NotImplementedError

    def grade(self, content, key, value, rule) -> tuple[Fraction, bool, dict]:
        """(share of the points earned, right?, feedback) for an answered response."""
        raise NotImplementedError

    def score(self, content, key, response, points, *, partial_credit=None):
        try:
            value = self.read(content, response)
        except Malformed as e:
            return invalid(points, e.code, e.en, e.zh)
        if value is None:
            return unanswered(points)
        share, right, feedback = self.grade(content, key, value, partial_credit)
        maximum = _points(points)
        # multiply before dividing: 4 x 2/3 is computed as 8/3, exact wherever it terminates
        earned = maximum * share.numerator / share.denominator
        return Outcome(quantize(earned), maximum, right, True, {"status": "graded", **feedback})

    def _wrong_type(self):
        return Malformed("wrong_type", f"the response must be {self.shape}",
                         f"应答格式错误，应为{self.shape_zh}")

    def answer_text(self, content, key, lang) -> list[str]:
        return []

    def practice_feedback(self, content, key, outcome, lang="zh"):
        return {"type": self.type, **outcome.to_dict(), "answer": _copy(key.get("answer")),
                "answer_text": self.answer_text(content, key, lang),
                "explanation": lang_text(key, "explanation", lang) or "",
                "source": key.get("source") or ""}


class Choice(Objective):
    content_keys = Objective.content_keys | {"choices"}

    def _keys(self, content) -> list[str]:
        choices = content.get("choices")
        if not isinstance(choices, list):
            return []
        return [c.get("key") for c in choices if isinstance(c, dict)]

    def _validate(self, content, key):
        problems = []
        choices = content.get("choices")
        if not isinstance(choices, list) or len(choices) < 2:
            return ["needs a list of at least two choices"] + super()._validate(content, key)
        for c in choices:
            if not isinstance(c, dict) or set(c) - {"key", "text", "text_en"}:
                problems.append(f"choice {c!r} must have key, text and text_en only")
            elif not isinstance(c.get("key"), str) or not c["key"]:
                problems.append(f"choice {c!r} has no key")
            elif not isinstance(c.get("text"), str) or not c["text"].strip():
                problems.append(f"choice {c['key']} has no text")
        keys = self._keys(content)
        if len(set(keys)) != len(keys):
            problems.append(f"choice keys repeat: {keys}")
        return problems + super()._validate(content, key)

    def answer_text(self, content, key, lang):
        answer = key.get("answer")
        wanted = answer if isinstance(answer, list) else [answer]
        return [lang_text(c, "text", lang) for c in content.get("choices", [])
                if isinstance(c, dict) and c.get("key") in wanted]


@register
class Single(Choice):
    type = "single"
    shape, shape_zh = "one choice key such as \"B\"", "一个选项字母，如 \"B\""

    def _validate_answer(self, content, key, answer):
        problems = [] if "partial_credit" not in content else ["partial_credit is for multiple only"]
        if not isinstance(answer, str) or answer not in self._keys(content):
            problems.append(f"single answer {answer!r} is not one of the choice keys")
        return problems

    def read(self, content, response):
        if response is None or response == "":
            return None
        if not isinstance(response, str):
            raise self._wrong_type()
        if response not in self._keys(content):
            raise Malformed("unknown_choice", f"there is no choice {response!r}",
                            f"没有选项“{response}”")
        return response

    def grade(self, content, key, value, rule):
        right = value == key["answer"]
        return Fraction(int(right)), right, {"selected": value}


@register
class Multiple(Choice):
    type = "multiple"
    content_keys = Choice.content_keys | {"partial_credit"}
    shape, shape_zh = "a list of choice keys such as [\"A\", \"C\"]", "选项字母的列表，如 [\"A\", \"C\"]"

    def _validate_answer(self, content, key, answer):
        problems = []
        if content.get("partial_credit") not in PARTIAL_CREDIT_RULES:
            problems.append(f"partial_credit must be one of {list(PARTIAL_CREDIT_RULES)}")
        if (not isinstance(answer, list) or not all(isinstance(a, str) for a in answer)
                or len(set(answer)) != len(answer)):
            return problems + [f"multiple answer {answer!r} must be a list of distinct keys"]
        keys = self._keys(content)
        if not set(answer) <= set(keys):
            problems.append(f"answer {answer} names keys that are not choices")
        if len(answer) < 2 or len(set(keys) - set(answer)) < 1:
            problems.append("multiple choice needs at least two right and one wrong choice")
        return problems

    def read(self, content, response):
        if response is None or response == []:
            return None
        if not isinstance(response, list) or not all(isinstance(r, str) for r in response):
            raise self._wrong_type()
        if len(set(response)) != len(response):
            raise Malformed("repeated_choice", "a choice is selected twice", "同一选项重复提交")
        unknown = sorted(set(response) - set(self._keys(content)))
        if unknown:
            raise Malformed("unknown_choice", f"there are no choices {unknown}",
                            f"没有选项 {'、'.join(unknown)}")
        return frozenset(response)

    def grade(self, content, key, value, rule):
        rule = rule or content.get("partial_credit") or "each_correct"
        if rule not in PARTIAL_CREDIT_RULES:  # a blueprint's bug, not the candidate's
            raise ValueError(f"partial_credit must be one of {PARTIAL_CREDIT_RULES}, not {rule!r}")
        answer = frozenset(key["answer"])
        right, wrong = value & answer, value - answer
        exact = value == answer
        if rule == "all_or_nothing":
            share = Fraction(int(exact))
        else:  # each_correct: ±points/n per selected key, never below 0
            share = Fraction(max(0, len(right) - len(wrong)), len(answer))
        return share, exact, {"rule": rule, "right": sorted(right), "wrong": sorted(wrong),
                              "missed": sorted(answer - value)}


@register
class TrueFalse(Objective):
    type = "truefalse"
    shape, shape_zh = "true or false", "true 或 false"

    def _validate_answer(self, content, key, answer):
        return [] if isinstance(answer, bool) else [f"true/false answer {answer!r} is not a boolean"]

    def read(self, content, response):
        if response is None:
            return None
        if not isinstance(response, bool):
            raise self._wrong_type()
        return response

    def grade(self, content, key, value, rule):
        right = value is key["answer"]
        return Fraction(int(right)), right, {"selected": value}


@register
class Fill(Objective):
    type = "fill"
    shape, shape_zh = "text", "文本"

    def _validate_answer(self, content, key, answer):
        if (not isinstance(answer, list) or not answer
                or not all(isinstance(a, str) and normalise_fill(a) for a in answer)):
            return ["fill needs a non-empty list of accepted answers (non-empty text)"]
        seen = [normalise_fill(a) for a in answer]
        if len(set(seen)) != len(seen):
            return [f"accepted answers repeat after normalisation: {seen}"]
        return []

    def read(self, content, response):
        if response is None:
            return None
        if not isinstance(response, str):
            raise self._wrong_type()
        return normalise_fill(response) or None

    def grade(self, content, key, value, rule):
        matched = next((a for a in key["answer"] if normalise_fill(a) == value), None)
        return Fraction(int(matched is not None)), matched is not None, {"normalised": value,
                                                                        "matched": matched}

    def answer_text(self, content, key, lang):
        return list(key.get("answer") or [])


# ------------------------------------------------------------------ MARC tasks

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
