from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class RegisterForm(FlaskForm):
    note = TextAreaField(_l("Note for the centre (training attended, if you have no certificate on record)"),
                         validators=[Optional(), Length(max=1000)])


class AppealForm(FlaskForm):
    text = TextAreaField(_l("What do you think was graded wrongly?"),
                         validators=[DataRequired(), Length(min=10, max=5000)])
