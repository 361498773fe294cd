"""Forms of the training pages. Dates are days; the registration deadline is typed in Beijing time."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.certification.admin_forms import LocalDateTimeField
from app.core.forms import options, strip

KIND_LABELS = {
    "general": _l("General cataloguing training (makes you eligible for the exam)"),
    "cnmarc": _l("CNMARC"),
    "marc21": _l("MARC 21"),
    "rda": _l("RDA"),
    "subject": _l("Subject indexing and classification"),
    "authority": _l("Authority control"),
    "other": _l("Other topic"),
}
# Short names, for lists and tables.
KIND_NAMES = {"general": _l("General cataloguing"), "cnmarc": KIND_LABELS["cnmarc"], "marc21": KIND_LABELS["marc21"],
              "rda": KIND_LABELS["rda"], "subject": KIND_LABELS["subject"], "authority": KIND_LABELS["authority"],
              "other": KIND_LABELS["other"]}
MODE_LABELS = {"city": _l("In a city"), "online": _l("Online")}
SESSION_STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published"), "cancelled": _l("Cancelled")}
REGISTRATION_STATUS_LABELS = {"registered": _l("Place confirmed"), "waitlisted": _l("On the waiting list"),
                              "cancelled": _l("Cancelled")}


class SessionForm(FlaskForm):
    kind = SelectField(_l("Kind of training"), validators=[DataRequired()],
                       choices=options(KIND_LABELS.items()), default="general")
    title_zh = StringField(_l("Title (Chinese)"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description (Markdown)"), filters=[strip],
                                validators=[Optional(), Length(max=20000)])
    mode = SelectField(_l("Held"), validators=[DataRequired()], choices=options(MODE_LABELS.items()))
    city = StringField(_l("City"), filters=[strip], validators=[Optional(), Length(max=60)])
    venue = StringField(_l("Venue"), filters=[strip], validators=[Optional(), Length(max=300)])
    online_url = StringField(_l("Link of the online session"), filters=[strip],
                             validators=[Optional(), Length(max=500)])
    starts_on = DateField(_l("First day"), validators=[DataRequired(message=_l("Give the first day."))])
    ends_on = DateField(_l("Last day"), validators=[DataRequired(message=_l("Give the last day."))])
    registration_closes_at = LocalDateTimeField(
        _l("Registration closes (Beijing time)"),
        validators=[DataRequired(message=_l("Say when registration closes."))])
    capacity = IntegerField(_l("Places (empty: no limit)"), validators=[Optional(), NumberRange(min=1)])

    def values(self) -> dict:
        """The arguments of services.create_session / update_session."""
        return {"kind": self.kind.data, "title_zh": self.title_zh.data, "title_en": self.title_en.data,
                "description": self.description.data, "mode": self.mode.data, "city": self.city.data,
                "venue": self.venue.data, "online_url": self.online_url.data,
                "starts_on": self.starts_on.data, "ends_on": self.ends_on.data,
                "registration_closes_at": self.registration_closes_at.utc, "capacity": self.capacity.data}


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason (sent to everyone registered)"), filters=[strip],
                           validators=[DataRequired(message=_l("Give a reason for cancelling.")),
                                       Length(max=500)])


class ButtonForm(FlaskForm):
    """Only a CSRF token, for buttons that ask nothing."""


class YearForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    year = IntegerField(_l("Calendar year"), validators=[Optional(), NumberRange(min=2000, max=2100)])
