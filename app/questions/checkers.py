"""One checker per question type, in a registry: authoring checks, scoring, what candidates see.

Scoring is the exam's legal core: it must follow question_bank/README.md to the cent and must never
raise on what a candidate sends (a tampered or broken response scores 0 with the reason in the
feedback). A broken answer key, by contrast, is an authoring bug: `validate` reports it before an
item is used, and scoring with it may raise. Adding a type: subclass Checker, set `type`, decorate
with @register (docs/questions.md).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

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


# The MARC task checker registers itself when its module is imported.
from .marc_task import MAX_MRK_CHARS, MarcTaskChecker, parse_mrk, rubric_problem  # noqa: E402,F401
