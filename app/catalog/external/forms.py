from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.core.forms import options, strip

from .service import KIND_LABELS, KINDS, MAX_TEXT

COUNTS = (10, 20, 50)


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    target = SelectField(_l("Catalogue to search"), validators=[DataRequired(_l("Choose a catalogue."))])
    kind = SelectField(_l("Search by"), choices=options([(k, KIND_LABELS[k]) for k in KINDS]), default="isbn")
    text = StringField(_l("Look for"), filters=[strip],
                       validators=[DataRequired(_l("Type what to look for.")), Length(max=MAX_TEXT)])
    max = SelectField(_l("Records"), choices=options([(n, str(n)) for n in COUNTS]), default="10")


class CopyForm(FlaskForm):
    target = HiddenField()
    record = HiddenField(validators=[DataRequired(_l("There is no record to copy.")), Length(max=1_000_000)])
