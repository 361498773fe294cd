from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.converters import MAX_ID
from app.core.forms import options, strip


class NewDraftForm(FlaskForm):
    template = SelectField(_l("Template"), choices=options([("cnmarc_book", _l("Chinese book (CNMARC)")),
                                                            ("marc21_book", _l("Western book (MARC 21)"))]))


class EditorForm(FlaskForm):
    text = TextAreaField(_l("Record (MarcMaker text)"), validators=[Length(max=200_000)])
    # A new record comes with the submitting library's holding; its call number is optional.
    call_number = StringField(_l("Call number at your library"), filters=[strip],
                              validators=[Optional(), Length(max=100)])
    action = HiddenField()


class HeadingSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Heading"), validators=[DataRequired(), Length(max=200)])


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=options([("accept", _l("Accept as new")),
                                                            ("merge", _l("Merge into an existing record")),
                                                            ("reject", _l("Reject"))]))
    into = IntegerField(_l("Merge into record number"), validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    reason = TextAreaField(_l("Reason or note for the cataloguer"), validators=[Optional(), Length(max=1000)])


class ProbationForm(FlaskForm):
    scope = HiddenField(validators=[DataRequired()])
    # InputRequired: 0 (no probation) is a value; DataRequired refused it as missing.
    records = IntegerField(_l("Records reviewed before release"),
                           validators=[InputRequired(), NumberRange(min=0, max=1000)])
