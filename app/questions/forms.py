"""Question forms: one form class per question type, and the conversions to and from content/key.

Choices and MARC records are repeated rows; empty rows are ignored, so the page needs no script.
"""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DecimalField, FieldList, Form, FormField, IntegerField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.core.forms import options, strip

from .models import TYPES

TYPE_LABELS = {"single": _l("Single choice"), "multiple": _l("Multiple choice"), "truefalse": _l("True or false"),
               "fill": _l("Fill in the blank"), "marc_task": _l("MARC task")}
CATEGORY_LABELS = {"cnmarc": _l("CNMARC format"), "marc21": _l("MARC 21 format"), "rules": _l("Descriptive rules"),
                   "subject_clc": _l("Subjects and CLC"), "authority": _l("Authority control"),
                   "policy": _l("Union catalogue policy"), "marc_task": _l("MARC task")}
GROUP_LABELS = {"chinese": _l("Chinese"), "western": _l("Western"), "all": _l("All languages")}
STATUS_LABELS = {"draft": _l("Draft"), "in_review": _l("In review"), "approved": _l("Approved"),
                 "rejected": _l("Rejected")}
KIND_LABELS = {"original": _l("Original cataloguing"), "correction": _l("Correction"), "copy": _l("Copy cataloguing")}
CHOICE_ROWS, REFERENCE_ROWS, CANDIDATE_ROWS = 6, 3, 4
LETTERS = "ABCDEFGHIJ"


def _choices(labels: dict, blank=None):
    pairs = [(k, v) for k, v in labels.items()]
    return options(([(None, blank)] if blank is not None else []) + pairs)


class ChoiceRow(Form):
    text = StringField(_l("Choice"), filters=[strip], validators=[Optional(), Length(max=1000)])
    text_en = StringField(_l("In English"), filters=[strip], validators=[Optional(), Length(max=1000)])
    right = BooleanField(_l("Right"))


class CandidateRow(Form):
    name = StringField(_l("File name"), filters=[strip], validators=[Optional(), Length(max=60)])
    mrk = TextAreaField(_l("Record (MarcMaker text)"), validators=[Optional(), Length(max=100_000)])


class QuestionForm(FlaskForm):
    code = StringField(_l("Question code"), filters=[strip], validators=[Optional(), Length(max=40)],
                       description=_l("Leave empty for a new code such as cnmarc-w001."))
    category = SelectField(_l("Category"), choices=_choices({k: v for k, v in CATEGORY_LABELS.items()
                                                             if k != "marc_task"}))
    language_group = SelectField(_l("Language group"), choices=_choices(GROUP_LABELS))
    difficulty = SelectField(_l("Difficulty"), choices=options([("1", "1"), ("2", "2"), ("3", "3")]), default="2")
    tags = StringField(_l("Tags"), filters=[strip], validators=[Optional(), Length(max=300)],
                       description=_l("Separated by commas."))
    points = DecimalField(_l("Points"), places=2, validators=[Optional(), NumberRange(min=Decimal("0.5"), max=100)])
    for_exam = BooleanField(_l("May be drawn into exam papers"), default=True)
    for_practice = BooleanField(_l("Offered for practice instead (its key is shown after answering)"), default=False)

    def metadata(self) -> dict:
        return {"category": self.category.data, "language_group": self.language_group.data,
                "difficulty": int(self.difficulty.data or 2),
                "tags": [t.strip() for t in (self.tags.data or "").replace("，", ",").split(",") if t.strip()],
                "for_exam": bool(self.for_exam.data), "for_practice": bool(self.for_practice.data)}

    def fill_metadata(self, q) -> None:
        self.code.data, self.category.data, self.language_group.data = q.code, q.category, q.language_group
        self.difficulty.data, self.tags.data = str(q.difficulty), ", ".join(str(t) for t in q.tags or [])
        self.for_exam.data, self.for_practice.data = q.for_exam, q.for_practice


class ObjectiveForm(QuestionForm):
    text = TextAreaField(_l("Question"), validators=[DataRequired(), Length(max=5000)])
    text_en = TextAreaField(_l("Question in English"), validators=[Optional(), Length(max=5000)])
    explanation = TextAreaField(_l("Explanation"), validators=[Optional(), Length(max=5000)])
    explanation_en = TextAreaField(_l("Explanation in English"), validators=[Optional(), Length(max=5000)])
    source = StringField(_l("Source (the rule the answer rests on)"), filters=[strip],
                         validators=[Optional(), Length(max=300)])

    def _content(self) -> dict:
        return {"text": self.text.data.strip(), "text_en": (self.text_en.data or "").strip() or None}

    def _key(self, answer) -> dict:
        return {"answer": answer, "explanation": (self.explanation.data or "").strip(),
                "explanation_en": (self.explanation_en.data or "").strip() or None,
                "source": self.source.data or ""}

    def fill(self, content: dict, key: dict) -> None:
        self.text.data, self.text_en.data = content.get("text"), content.get("text_en")
        self.explanation.data, self.explanation_en.data = key.get("explanation"), key.get("explanation_en")
        self.source.data = key.get("source")


class ChoiceForm(ObjectiveForm):
    choices = FieldList(FormField(ChoiceRow), min_entries=CHOICE_ROWS, max_entries=len(LETTERS))

    def content_key(self) -> tuple[dict, dict]:
        content, answer = self._content(), []
        content["choices"] = []
        for row in self.choices:
            if not (row.form.text.data or "").strip():
                continue
            letter = LETTERS[len(content["choices"])]
            content["choices"].append({"key": letter, "text": row.form.text.data,
                                       "text_en": row.form.text_en.data or None})
            if row.form.right.data:
                answer.append(letter)
        return content, self._key(answer)

    def fill(self, content, key):
        super().fill(content, key)
        answer = key.get("answer")
        right = set(answer if isinstance(answer, list) else [answer])
        rows = [{"text": c.get("text"), "text_en": c.get("text_en"), "right": c.get("key") in right}
                for c in content.get("choices", [])]
        rows += [{}] * max(CHOICE_ROWS - len(rows), 1)
        while len(self.choices):
            self.choices.pop_entry()
        for row in rows:
            self.choices.append_entry(row)


class SingleForm(ChoiceForm):
    def content_key(self):
        content, key = super().content_key()
        key["answer"] = key["answer"][0] if len(key["answer"]) == 1 else (key["answer"] or None)
        return content, key


class MultipleForm(ChoiceForm):
    partial_credit = SelectField(_l("Scoring"), choices=options([
        ("each_correct", _l("Each right choice earns a share, each wrong one loses a share")),
        ("all_or_nothing", _l("All or nothing"))]))

    def content_key(self):
        content, key = super().content_key()
        content["partial_credit"] = self.partial_credit.data
        return content, key

    def fill(self, content, key):
        super().fill(content, key)
        self.partial_credit.data = content.get("partial_credit", "each_correct")


class TrueFalseForm(ObjectiveForm):
    answer = SelectField(_l("Answer"), choices=options([("true", _l("True")), ("false", _l("False"))]))

    def content_key(self):
        return self._content(), self._key(self.answer.data == "true")

    def fill(self, content, key):
        super().fill(content, key)
        self.answer.data = "true" if key.get("answer") is True else "false"


class FillForm(ObjectiveForm):
    answers = TextAreaField(_l("Accepted answers"), validators=[DataRequired(), Length(max=2000)],
                            description=_l("One per line. Case, full-width forms and spaces are ignored; "
                                           "list other spellings and punctuation separately."))

    def content_key(self):
        answers = [a.strip() for a in (self.answers.data or "").splitlines() if a.strip()]
        return self._content(), self._key(answers)

    def fill(self, content, key):
        super().fill(content, key)
        self.answers.data = "\n".join(key.get("answer") or [])


class MarcTaskForm(QuestionForm):
    kind = SelectField(_l("Kind of task"), choices=_choices(KIND_LABELS))
    format = SelectField(_l("Format"), choices=options([("cnmarc", "CNMARC"), ("marc21", "MARC 21")]))
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title in English"), filters=[strip], validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description (Markdown)"), validators=[DataRequired(), Length(max=20_000)])
    description_en = TextAreaField(_l("Description in English (Markdown)"), validators=[Optional(), Length(max=20_000)])
    time_limit_minutes = IntegerField(_l("Time limit (minutes)"), default=60,
                                      validators=[DataRequired(), NumberRange(min=1, max=600)])
    start = TextAreaField(_l("Start record (MarcMaker text)"), validators=[Optional(), Length(max=100_000)])
    references = FieldList(TextAreaField(_l("Reference record (MarcMaker text)"),
                                         validators=[Optional(), Length(max=100_000)]),
                           min_entries=REFERENCE_ROWS, max_entries=6)
    candidates = FieldList(FormField(CandidateRow), min_entries=CANDIDATE_ROWS, max_entries=8)
    answer = StringField(_l("Matching candidate (copy tasks)"), filters=[strip], validators=[Optional(), Length(max=60)])
    planted_errors = TextAreaField(_l("Planted errors (correction tasks)"), validators=[Optional(), Length(max=10_000)],
                           description=_l("One per line: field | 中文说明 | English note"))

    def content_key(self) -> tuple[dict, dict]:
        fmt = self.format.data
        content = {"kind": self.kind.data, "format": fmt, "title": self.title.data,
                   "title_en": self.title_en.data or None, "description": self.description.data,
                   "description_en": (self.description_en.data or "").strip() or None,
                   "start": (self.start.data or "").strip() or None,
                   "candidates": [{"name": r.form.name.data, "mrk": r.form.mrk.data.strip()} for r in self.candidates
                                  if (r.form.mrk.data or "").strip()],
                   "rubric": "cnmarc_book" if fmt == "cnmarc" else "marc21_book",
                   "time_limit_minutes": self.time_limit_minutes.data}
        errors = []
        for line in (self.planted_errors.data or "").splitlines():
            if line.strip():
                parts = [p.strip() for p in line.split("|")] + ["", ""]
                errors.append({"field": parts[0], "zh": parts[1], "en": parts[2] or parts[1]})
        key = {"references": [r.data.strip() for r in self.references if (r.data or "").strip()],
               "answer": self.answer.data or None, "errors": errors}
        return content, key

    def fill(self, content: dict, key: dict) -> None:
        for name in ("kind", "format", "title", "title_en", "description", "description_en", "start",
                     "time_limit_minutes"):
            getattr(self, name).data = content.get(name)
        self.answer.data = key.get("answer")
        self.planted_errors.data = "\n".join(f"{e['field']} | {e['zh']} | {e['en']}" for e in key.get("errors") or [])
        refs = list(key.get("references") or [])
        while len(self.references):
            self.references.pop_entry()
        for text in refs + [""] * max(REFERENCE_ROWS - len(refs), 1):
            self.references.append_entry(text)
        cands = [{"name": c["name"], "mrk": c["mrk"]} for c in content.get("candidates") or []]
        while len(self.candidates):
            self.candidates.pop_entry()
        for row in cands + [{}] * max(CANDIDATE_ROWS - len(cands), 1):
            self.candidates.append_entry(row)


FORMS = {"single": SingleForm, "multiple": MultipleForm, "truefalse": TrueFalseForm, "fill": FillForm,
         "marc_task": MarcTaskForm}
assert set(FORMS) == set(TYPES)

# Where a checker's message belongs on the form, by the words it starts with or contains.
PROBLEM_FIELDS = [("question text", "text"), ("text_en", "text_en"), ("explanation", "explanation"),
                  ("source", "source"), ("partial_credit", "partial_credit"), ("choice", "choices"),
                  ("answer", "answer"), ("reference", "references"), ("start record", "start"),
                  ("candidate", "candidates"), ("copy answer", "answer"), ("errors", "planted_errors"),
                  ("title", "title"), ("description", "description"), ("kind", "kind"), ("format", "format"),
                  ("time_limit", "time_limit_minutes"), ("rubric", "format")]


def place_problems(form, problems: list[str]) -> None:
    """Put each checker message next to the field it is about, or above the form."""
    for problem in problems:
        target = None
        for words, name in PROBLEM_FIELDS:
            if words in problem and hasattr(form, name):
                target = getattr(form, name)
                break
        if target is None and "answer" in problem:
            target = getattr(form, "answers", None) or getattr(form, "choices", None)
        if target is not None:
            target.errors = list(target.errors) + [problem]
        else:
            form.form_errors.append(problem)


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Text or code"), filters=[strip], validators=[Optional(), Length(max=100)])
    type = SelectField(_l("Type"), choices=_choices(TYPE_LABELS, _l("Any")), validators=[Optional()])
    category = SelectField(_l("Category"), choices=_choices(CATEGORY_LABELS, _l("Any")), validators=[Optional()])
    language_group = SelectField(_l("Language group"), choices=_choices(GROUP_LABELS, _l("Any")),
                                 validators=[Optional()])
    difficulty = SelectField(_l("Difficulty"), choices=options([(None, _l("Any")), ("1", "1"), ("2", "2"), ("3", "3")]),
                             validators=[Optional()])
    status = SelectField(_l("Newest version"), choices=_choices(STATUS_LABELS, _l("Any")), validators=[Optional()])
    retired = BooleanField(_l("Retired questions"))


class ReviewForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=options([("approve", _l("Approve")), ("reject", _l("Reject"))]))
    note = TextAreaField(_l("Note for the author"), validators=[Optional(), Length(max=2000)])


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), filters=[strip], validators=[Optional(), Length(max=500)])


class ImportForm(FlaskForm):
    format = SelectField(_l("Format"), choices=options([("gift", "GIFT"), ("moodle", "Moodle XML")]))
    file = FileField(_l("File"), validators=[FileRequired()])
    category = SelectField(_l("Category for questions that name none"), validators=[Optional()],
                           choices=_choices({k: v for k, v in CATEGORY_LABELS.items() if k != "marc_task"}, _l("None")))
    language_group = SelectField(_l("Language group for questions that name none"), choices=_choices(GROUP_LABELS),
                                 default="all")
    dry_run = BooleanField(_l("Only check the file; import nothing"))


class ExportForm(FlaskForm):
    class Meta:
        csrf = False

    format = SelectField(_l("Format"), choices=options([("gift", "GIFT"), ("moodle", "Moodle XML")]))
    category = SelectField(_l("Category"), choices=_choices({k: v for k, v in CATEGORY_LABELS.items()
                                                             if k != "marc_task"}, _l("Any")), validators=[Optional()])
    language_group = SelectField(_l("Language group"), choices=_choices(GROUP_LABELS, _l("Any")),
                                 validators=[Optional()])
    codes = StringField(_l("Only these codes"), filters=[strip], validators=[Optional(), Length(max=4000)],
                        description=_l("Separated by spaces or commas; empty for all."))
