"""Forms of the desk. Limits are repeated in the services, which are what count."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import options, strip

CATEGORY_LABELS = {"cnmarc": _l("CNMARC"), "marc21": _l("MARC 21"), "rules": _l("Descriptive rules"),
                   "subject_clc": _l("Subject headings and CLC"), "authority": _l("Authority control"),
                   "policy": _l("Union-catalogue policy"), "system": _l("Using the system")}
LANGUAGE_LABELS = {"chinese": _l("Chinese"), "western": _l("Western"), "japanese": _l("Japanese"),
                   "russian": _l("Russian"), "other": _l("Other languages"), "all": _l("Any language")}
STATUS_LABELS = {"open": _l("Waiting for an expert"), "waiting": _l("Waiting for the asker"),
                 "answered": _l("Answered"), "closed": _l("Closed")}
KIND_LABELS = {"question": _l("Question"), "answer": _l("Answer"), "ask_back": _l("Asked back"),
               "follow_up": _l("Follow-up"), "note": _l("Note for the experts"), "reassign": _l("Reassigned"),
               "escalation": _l("Escalated")}


class AskForm(FlaskForm):
    category = SelectField(_l("Category"), choices=options(CATEGORY_LABELS.items()))
    language_group = SelectField(_l("Language group"), choices=options(LANGUAGE_LABELS.items()))
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Your question (Markdown)"), validators=[DataRequired(), Length(max=20_000)])
    record_id = IntegerField(_l("Catalogue record number (optional)"), validators=[Optional()])
    marc_text = TextAreaField(_l("MARC record in MarcMaker form (optional)"), validators=[Optional(), Length(max=50_000)])
    attachments = MultipleFileField(_l("Attachments (up to 3 files of 2 MB: PNG, JPEG, PDF, text or MARC)"))


class ReplyForm(FlaskForm):
    kind = SelectField(_l("Reply"), choices=options([("answer", _l("Answer")), ("ask_back", _l("Ask the asker back")),
                                                      ("note", _l("Note for the experts"))]))
    body = TextAreaField(_l("Text (Markdown)"), validators=[DataRequired(), Length(max=20_000)])


class ReassignForm(FlaskForm):
    expert = SelectField(_l("Pass to"), coerce=int, choices=[])
    note = TextAreaField(_l("Note"), filters=[strip], validators=[DataRequired(), Length(max=2000)])


class FollowUpForm(FlaskForm):
    body = TextAreaField(_l("Your follow-up (Markdown)"), validators=[DataRequired(), Length(max=20_000)])
    attachments = MultipleFileField(_l("Attachments"))


class CloseForm(FlaskForm):
    rating = SelectField(_l("Rate the answer (optional)"),
                         choices=options([(None, "—"), (5, "5 ★★★★★"), (4, "4 ★★★★"), (3, "3 ★★★"),
                                          (2, "2 ★★"), (1, "1 ★")]))


class PublishForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    question_text = TextAreaField(_l("Question as published (Markdown)"), validators=[DataRequired()])
    answer_text = TextAreaField(_l("Answer as published (Markdown)"), validators=[DataRequired()])


class AbsenceForm(FlaskForm):
    expert = SelectField(_l("Expert"), coerce=int, choices=[])
    date_from = DateField(_l("From"), validators=[DataRequired()])
    date_to = DateField(_l("To"), validators=[DataRequired()])
    reason = StringField(_l("Reason"), filters=[strip], validators=[Optional(), Length(max=200)])


