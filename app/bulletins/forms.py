"""Forms of the bulletin editor. Limits are repeated in the services, which are what count."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import options, strip

KIND_LABELS = {"news": _l("News of the centre"), "practice": _l("Cataloguing practice"),
               "training": _l("Training"), "statistics": _l("Statistics"), "qa": _l("Selected Q&A")}
STATUS_LABELS = {"draft": _l("Draft"), "in_review": _l("In review"), "published": _l("Published")}


class IssueForm(FlaskForm):
    title_zh = StringField(_l("Title (Chinese)"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), filters=[strip], validators=[Optional(), Length(max=200)])


class SectionForm(FlaskForm):
    kind = SelectField(_l("Kind of section"), choices=options(KIND_LABELS.items()))
    title = StringField(_l("Section title"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text (Markdown)"), validators=[Optional(), Length(max=50_000)],
                         description=_l("Show an uploaded image with ![caption](image:NAME)."))


class ImageForm(FlaskForm):
    file = FileField(_l("Image (PNG, JPEG, GIF or WebP, at most 2 MB)"))
    name = StringField(_l("Name (optional)"), filters=[strip], validators=[Optional(), Length(max=50)])


class MoveForm(FlaskForm):
    direction = HiddenField()


class ReturnForm(FlaskForm):
    note = TextAreaField(_l("What should be changed"), filters=[strip],
                         validators=[DataRequired(), Length(max=2000)])
