"""Forum forms (Flask-WTF, CSRF). Limits are checked again by the services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import strip

from .posting import BODY_MAX, TITLE_MAX

BODY_HINT = _l("Markdown: **bold**, *italic*, > quote, `code`, lists, links. HTML is not allowed. "
               "Paste a MARC record between a line ```marc and a line ``` to show it in the MARC view.")


class TopicForm(FlaskForm):
    title = StringField(_l("Topic title"), filters=[strip], validators=[DataRequired(), Length(max=TITLE_MAX)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=BODY_MAX)])


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Your reply"), validators=[DataRequired(), Length(max=BODY_MAX)])


class EditForm(FlaskForm):
    title = StringField(_l("Topic title"), filters=[strip], validators=[Optional(), Length(max=TITLE_MAX)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=BODY_MAX)])
    reason = StringField(_l("Reason for the edit (optional)"), filters=[strip], validators=[Optional(), Length(max=500)])


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), filters=[strip], validators=[DataRequired(), Length(max=500)])


class OptionalReasonForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), filters=[strip], validators=[Optional(), Length(max=500)])


class ReportForm(FlaskForm):
    reason = TextAreaField(_l("What is wrong with this post?"), filters=[strip],
                           validators=[DataRequired(), Length(max=500)])


class ResolveForm(FlaskForm):
    resolution = StringField(_l("How was it resolved?"), filters=[strip], validators=[DataRequired(), Length(max=500)])


class MoveForm(FlaskForm):
    board = SelectField(_l("Move to board"), coerce=int, validators=[DataRequired()])
    reason = StringField(_l("Reason (optional)"), filters=[strip], validators=[Optional(), Length(max=500)])


class SplitForm(FlaskForm):
    posts = SelectMultipleField(_l("Posts to move into the new topic"), coerce=int,
                                widget=widgets.ListWidget(prefix_label=False),
                                option_widget=widgets.CheckboxInput(), validators=[DataRequired()])
    title = StringField(_l("Title of the new topic"), filters=[strip],
                        validators=[DataRequired(), Length(max=TITLE_MAX)])
    board = SelectField(_l("Board of the new topic"), coerce=int, validators=[DataRequired()])
    reason = StringField(_l("Reason (optional)"), filters=[strip], validators=[Optional(), Length(max=500)])
