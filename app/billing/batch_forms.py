"""The batch ISBN form: a typed list or a file, and the format and character set of the answer."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.catalog.downloads import ENCODING_LABELS, ENCODINGS, FORMAT_LABELS, FORMATS
from app.core.forms import options


class BatchForm(FlaskForm):
    isbns = TextAreaField(_l("ISBNs"), validators=[Optional(), Length(max=1_000_000)],
                          description=_l("One a line, or separated by commas or spaces; ISBN-10 or ISBN-13, "
                                         "with or without hyphens."))
    file = FileField(_l("Or a file (.xlsx, .csv or .txt)"))
    format = SelectField(_l("Format"), choices=options((f, FORMAT_LABELS[f]) for f in FORMATS), default="iso2709",
                         validators=[DataRequired(message=_l("Choose a format."))])
    encoding = SelectField(_l("Character set"), choices=options((e, ENCODING_LABELS[e]) for e in ENCODINGS),
                           default="utf-8", validators=[DataRequired(message=_l("Choose a character set."))])
