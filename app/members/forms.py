from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, URL

from app.core.forms import options

from .models import LIBRARY_TYPES

TYPE_LABELS = {"academic": _l("Academic library"), "public": _l("Public library"),
               "commercial": _l("Commercial or other institution")}


def _coerce_int_or_none(value):
    return int(value) if value not in (None, "", "None") else None


class LibraryBaseForm(FlaskForm):
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=300)])
    type = SelectField(_l("Type"), choices=options((t, TYPE_LABELS[t]) for t in LIBRARY_TYPES))
    region_id = SelectField(_l("Region"), coerce=_coerce_int_or_none, validators=[DataRequired()])
    centre_id = SelectField(_l("Regional or provincial centre"), coerce=_coerce_int_or_none, validators=[Optional()])
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=100)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    contact_phone = StringField(_l("Contact telephone"), validators=[Optional(), Length(max=40)])

    def fill_choices(self, regions, centres, localized):
        self.region_id.choices = options([("", "—")] + [(r.id, localized(r, "name")) for r in regions])
        self.centre_id.choices = options([("", "—")] + [
            (c.id, f"{localized(c.region, 'name')} · {localized(c, 'name')}") for c in centres
        ])


class RegisterForm(LibraryBaseForm):
    pass


class AgreementForm(FlaskForm):
    service_id = HiddenField()
    union_catalogue_id = HiddenField()
    accept_service = BooleanField(_l("I accept the service agreement on behalf of the library"),
                                  validators=[DataRequired(message=_l("Both agreements must be accepted."))])
    accept_union_catalogue = BooleanField(_l("I accept the union-catalogue agreement on behalf of the library"),
                                          validators=[DataRequired(message=_l("Both agreements must be accepted."))])
    accepted_by_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=100)])


class MemberInfoForm(FlaskForm):
    address = StringField(_l("Postal address"), validators=[DataRequired(), Length(max=300)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=20)])
    website = StringField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])
    director_name = StringField(_l("Library director"), validators=[Optional(), Length(max=100)])
    contact_phone = StringField(_l("Contact telephone"), validators=[DataRequired(), Length(max=40)])
    local_system = StringField(_l("Local library system"), validators=[Optional(), Length(max=100)])
    cataloguer_count = IntegerField(_l("Number of cataloguers"), validators=[Optional(), NumberRange(min=0, max=10000)])
    collection_size = IntegerField(_l("Collection size (volumes)"), validators=[Optional(), NumberRange(min=0)])


class LibraryEditForm(LibraryBaseForm, MemberInfoForm):
    contact_phone = StringField(_l("Contact telephone"), validators=[Optional(), Length(max=40)])
    address = StringField(_l("Postal address"), validators=[Optional(), Length(max=300)])
    note = TextAreaField(_l("Internal note"), validators=[Optional(), Length(max=2000)])


class OpenAccountForm(FlaskForm):
    code = StringField(_l("Library code"), validators=[DataRequired(), Length(max=20)])
