"""Forms: a new schedule version (one amount per (rule, part) of rules.RULES) and a ledger correction.

Amounts are typed as text and checked as Decimal (schedules.check_amount): a float never enters a
money figure.
"""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.core.errors import DomainError
from app.core.forms import strip

from .rules import all_parts
from .schedules import check_amount, field_name


def _decimal(form, field):
    try:
        check_amount(field.rule, field.data)
    except DomainError as err:
        raise ValidationError(str(err.message)) from None


class ScheduleFormBase(FlaskForm):
    effective_from = DateField(_l("Takes effect on (Beijing date)"), validators=[DataRequired()])
    note = StringField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=500)])

    def amounts(self) -> dict[tuple[str, str], str]:
        return {(rule.code, part.code): self[field_name(rule.code, part.code)].data for rule, part in all_parts()}


def schedule_form(defaults: dict[tuple[str, str], Decimal], **kw) -> ScheduleFormBase:
    """A form class with the current rule list (built per request: the list lives in code)."""

    class ScheduleForm(ScheduleFormBase):
        pass

    for rule, part in all_parts():
        name = field_name(rule.code, part.code)
        setattr(ScheduleForm, name, StringField(
            f"{rule.code} / {part.code}", filters=[strip], default=str(defaults.get((rule.code, part.code), "")),
            validators=[DataRequired(_l("Give an amount (0 if free).")), _decimal]))
    form = ScheduleForm(**kw)
    for rule, part in all_parts():
        form[field_name(rule.code, part.code)].rule = rule.code
    return form


class CorrectionForm(FlaskForm):
    amount = StringField(_l("Correction (yuan; negative to charge more or pay less)"), filters=[strip],
                         validators=[DataRequired(), Length(max=20)])
    reason = StringField(_l("Reason"), filters=[strip], validators=[DataRequired(), Length(max=500)])
