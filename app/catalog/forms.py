"""Forms of the OPAC and of copy cataloguing."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.core.forms import options, strip

from .downloads import ENCODING_LABELS, ENCODINGS, FORMAT_LABELS, FORMATS
from .models import DATABASES, MATERIALS
from .views.queryform import BOOLEAN_LABELS, BOOLEANS, INDEX_LABELS, INDEXES, PER_PAGE, ROWS, SORT_LABELS, SORTS

DATABASE_LABELS = {"chinese": _l("Chinese"), "western": _l("Western"), "japanese": _l("Japanese"),
                   "russian": _l("Russian"), "other": _l("Other languages")}
MATERIAL_LABELS = {"book": _l("Books"), "serial": _l("Serials"), "electronic": _l("Electronic resources"),
                   "ancient": _l("Ancient books"), "other": _l("Other material")}


class SearchForm(FlaskForm):
    """Only renders the fields (values kept, errors beside them); queryform.parse reads the request."""

    class Meta:
        csrf = False  # a GET search changes nothing

    i1 = SelectField(_l("Search in"), choices=options((i, INDEX_LABELS[i]) for i in INDEXES))
    q1 = StringField(_l("Search terms"), filters=[strip])
    b2 = SelectField(_l("Operator, row 2"), choices=options((b, BOOLEAN_LABELS[b]) for b in BOOLEANS))
    i2 = SelectField(_l("Search in, row 2"), choices=options((i, INDEX_LABELS[i]) for i in INDEXES))
    q2 = StringField(_l("Search terms, row 2"), filters=[strip])
    b3 = SelectField(_l("Operator, row 3"), choices=options((b, BOOLEAN_LABELS[b]) for b in BOOLEANS))
    i3 = SelectField(_l("Search in, row 3"), choices=options((i, INDEX_LABELS[i]) for i in INDEXES))
    q3 = StringField(_l("Search terms, row 3"), filters=[strip])
    database = SelectField(_l("Database"), choices=options([("", _l("All databases"))]
                                                           + [(d, DATABASE_LABELS[d]) for d in DATABASES]))
    material = SelectField(_l("Material"), choices=options([("", _l("All material"))]
                                                           + [(m, MATERIAL_LABELS[m]) for m in MATERIALS]))
    year_from = StringField(_l("Published from (year)"), filters=[strip])
    year_to = StringField(_l("Published until (year)"), filters=[strip])
    sort = SelectField(_l("Order"), choices=options((s, SORT_LABELS[s]) for s in SORTS))
    per_page = SelectField(_l("Results per page"), choices=options((n, str(n)) for n in PER_PAGE), default="20")

    def rows(self):
        return [(getattr(self, f"b{n}", None), getattr(self, f"i{n}"), getattr(self, f"q{n}"))
                for n in range(1, ROWS + 1)]

    def advanced_used(self) -> bool:
        return any((getattr(self, f"q{n}").data or "") for n in range(2, ROWS + 1)) or any(
            (f.data or "") for f in (self.database, self.material, self.year_from, self.year_to))


class BasketForm(FlaskForm):
    """Only a CSRF token and where to go back to; the record ids are read as a list."""

    next = HiddenField()


class DownloadForm(FlaskForm):
    format = SelectField(_l("Format"), choices=options([("", "—")] + [(f, FORMAT_LABELS[f]) for f in FORMATS]),
                         validators=[DataRequired(message=_l("Choose a format."))])
    encoding = SelectField(_l("Character set"), choices=options((e, ENCODING_LABELS[e]) for e in ENCODINGS),
                           default="utf-8", validators=[DataRequired(message=_l("Choose a character set."))])


class HoldingForm(FlaskForm):
    library_id = HiddenField()
    call_number = StringField(_l("Call number"), filters=[strip], validators=[Optional(), Length(max=100)])
    copies = IntegerField(_l("Copies"),
                          validators=[DataRequired(message=_l("Give the number of copies.")),
                                      NumberRange(min=1, max=10000, message=_l("Give a number between 1 and 10000."))])
    note = StringField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=500)])
