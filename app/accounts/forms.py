from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.core.forms import options

from .models import CERTIFIED_SCOPES, EXPERT_SCOPES, ROLES
from .roles import ROLE_LABELS, SCOPE_LABELS


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this computer"))


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    phone = StringField(_l("Telephone"), validators=[Optional(), Length(max=40)])
    locale = SelectField(_l("Language"), choices=options([("zh_CN", "中文"), ("en", "English")]))


class PersonForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    phone = StringField(_l("Telephone"), validators=[Optional(), Length(max=40)])


class GrantForm(FlaskForm):
    role = SelectField(_l("Role"), choices=options((r, ROLE_LABELS[r]) for r in ROLES), validators=[DataRequired()])
    scope = SelectField(_l("Scope"), choices=options([("", "—")] + [(s, SCOPE_LABELS[s]) for s in CERTIFIED_SCOPES + EXPERT_SCOPES]),
                        validators=[Optional()])
    level = SelectField(_l("Level"), choices=options([("", "—"), ("3", "3"), ("2", "2")]), validators=[Optional()])
    expires_on = DateField(_l("Expires on"), validators=[Optional()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class CountForm(FlaskForm):
    """Only a CSRF token: for buttons that change something without asking anything."""

    dummy = IntegerField(validators=[Optional()])
