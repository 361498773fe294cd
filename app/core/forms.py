"""Form helpers shared by every feature."""
from flask_wtf import FlaskForm

from app.core.errors import DomainError


def show_error(form: FlaskForm, err: DomainError) -> None:
    """Put a service's error next to the field it concerns, or above the form."""
    field = getattr(form, err.field, None) if err.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = list(field.errors) + [err.message]
    else:
        form.form_errors.append(err.message)


def strip(value):
    return value.strip() if isinstance(value, str) else value


def options(pairs) -> list:
    """WTForms select choices from (value, label) pairs; the empty value means "none chosen"."""
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice("" if v is None else str(v), label) for v, label in pairs]
