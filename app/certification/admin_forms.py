"""Forms of the centre's exam administration and the expert review queue.

Dates and times are typed in Beijing time (what the centre's staff read on the wall clock) and
stored in UTC; `LocalDateTimeField` does the conversion so no view has to.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DecimalField, EmailField, IntegerField, SelectField, StringField, TextAreaField)
from wtforms.fields import DateTimeLocalField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from app.core.forms import options, strip

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def to_utc(local: datetime | None) -> datetime | None:
    """A naive wall-clock time in Beijing → aware UTC."""
    if local is None:
        return None
    return local.replace(tzinfo=SHANGHAI).astimezone(timezone.utc)


def to_local_input(value: datetime | None) -> datetime | None:
    """An aware UTC time → naive Beijing time, for filling a datetime-local input."""
    return value.astimezone(SHANGHAI).replace(tzinfo=None) if value else None


class LocalDateTimeField(DateTimeLocalField):
    """`<input type=datetime-local>` read as Asia/Shanghai; `.utc` is the value to store."""

    def __init__(self, label=None, validators=None, **kw):
        super().__init__(label, validators, format=LOCAL_FORMATS, **kw)

    @property
    def utc(self) -> datetime | None:
        return to_utc(self.data)


class RoundForm(FlaskForm):
    blueprint_code = SelectField(_l("Blueprint"), validators=[DataRequired()])
    code = StringField(_l("Round code"), filters=[strip], validators=[DataRequired(), Length(max=40)])
    title_zh = StringField(_l("Title (Chinese)"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    registration_opens_at = LocalDateTimeField(_l("Registration opens (Beijing time)"),
                                               validators=[DataRequired()])
    registration_closes_at = LocalDateTimeField(_l("Registration closes (Beijing time)"),
                                                validators=[DataRequired()])
    seats = IntegerField(_l("Seats (empty: no limit)"), validators=[Optional()])
    results_release_at = LocalDateTimeField(_l("Results released automatically at (Beijing time)"),
                                            validators=[Optional()])
    certificate_valid_years = IntegerField(_l("Certificates valid for (years)"), default=3,
                                           validators=[DataRequired(), NumberRange(1, 10)])
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=2000)])


class SittingForm(FlaskForm):
    section = SelectField(_l("Section"), validators=[DataRequired()])
    opens_at = LocalDateTimeField(_l("Opens (Beijing time)"), validators=[DataRequired()])
    closes_at = LocalDateTimeField(_l("Closes (Beijing time)"), validators=[DataRequired()])
    place = StringField(_l("Place"), filters=[strip], validators=[Optional(), Length(max=200)])


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), validators=[DataRequired()],
                         choices=options([("open", _l("Open")), ("closed", _l("Closed")),
                                          ("cancelled", _l("Cancelled"))]))
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[Optional(), Length(max=500)])


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), validators=[DataRequired()],
                           choices=options([("approve", _l("Approve")), ("refuse", _l("Refuse"))]))
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[Optional(), Length(max=500)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[DataRequired(), Length(max=500)])


class ButtonForm(FlaskForm):
    """Only a CSRF token, for buttons that ask nothing."""


class TrainingCertificateForm(FlaskForm):
    email = EmailField(_l("The cataloguer's e-mail"), filters=[strip],
                       validators=[DataRequired(), Email(), Length(max=254)])
    number = StringField(_l("Certificate number"), filters=[strip], validators=[DataRequired(), Length(max=40)])
    kind = StringField(_l("Kind of training"), filters=[strip], default="general",
                       validators=[DataRequired(), Length(max=40)])
    note = StringField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=500)])


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("Search"), filters=[strip], validators=[Optional(), Length(max=100)])


class ResolveForm(FlaskForm):
    score = DecimalField(_l("Score"), places=2, validators=[InputRequired(message=_l("Give the score."))])
    reason = TextAreaField(_l("Reason for the decision"), filters=[strip],
                           validators=[DataRequired(), Length(max=5000)])
