"""Practice pages: choose a kind of question, answer it, see the key and your progress."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField

from app.core.forms import options
from app.core.markdown import render_markdown
from app.questions import assets
from app.permissions import QUESTION_AUTHOR
from app.questions.checkers import MAX_MRK_CHARS
from app.questions.forms import CATEGORY_LABELS, GROUP_LABELS, KIND_LABELS, TYPE_LABELS

from . import practice

bp = Blueprint("practice", __name__, url_prefix="/practice")
MAX_TEXT = 1000


class ChooseForm(FlaskForm):
    class Meta:
        csrf = False

    category = SelectField(_l("Category"), choices=options([(None, _l("Any"))] + list(CATEGORY_LABELS.items())))
    type = SelectField(_l("Type"), choices=options([(None, _l("Any"))] + list(TYPE_LABELS.items())))
    language_group = SelectField(_l("Language group"), choices=options(
        [(None, _l("Any")), ("chinese", _l("Chinese")), ("western", _l("Western"))]))


class AnswerForm(FlaskForm):
    """Only the CSRF token: the answer's inputs depend on the question's type."""


@bp.before_request
@login_required
def _cataloguers():
    practice._may_practise(current_user)


@bp.context_processor
def _helpers():
    return {"TYPE_LABELS": TYPE_LABELS, "CATEGORY_LABELS": CATEGORY_LABELS, "GROUP_LABELS": GROUP_LABELS,
            "KIND_LABELS": KIND_LABELS, "markdown": render_markdown, "question_markdown": assets.markdown}


def _filters() -> dict:
    form = ChooseForm(request.args)
    form.validate()
    return {k: v for k, v in form.data.items() if v}


@bp.get("/")
def index():
    form = ChooseForm(request.args)
    group = request.args.get("language_group") or None
    return render_template("practice/index.html", form=form, progress=practice.progress(current_user),
                           can_author=QUESTION_AUTHOR(current_user),
                           available=practice.available(group if group in ("chinese", "western") else None))


@bp.get("/next")
def next_question():
    filters = _filters()
    v = practice.draw(current_user, **filters)
    if v is None:
        flash(_l("No practice question matches this choice yet."), "info")
        return redirect(url_for("practice.index", **filters))
    return redirect(url_for("practice.question", version_id=v.id, **filters))


def _response(qtype: str, form, content: dict):
    """The shared response shape (docs: Responses) from the page's inputs; None when unanswered."""
    if qtype == "single":
        return (form.get("answer") or "")[:10] or None
    if qtype == "multiple":
        return sorted({a[:10] for a in form.getlist("answer")[:26]}) or None
    if qtype == "truefalse":
        return {"true": True, "false": False}.get(form.get("answer"))
    if qtype == "fill":
        return (form.get("answer") or "")[:MAX_TEXT] or None
    # Longer than the checker accepts is refused by it; keep no more than that in the history.
    response = {"mrk": form.get("mrk", "")[:MAX_MRK_CHARS + 1]}
    if content.get("kind") == "copy":
        response["choice"] = (form.get("choice") or "")[:100] or None
    return response


@bp.route("/<int:version_id>", methods=["GET", "POST"])
def question(version_id):
    v = practice.get_practice_version(current_user, version_id)
    form = AnswerForm()
    content = practice.public_view(v)
    feedback, response = None, None
    if form.validate_on_submit():
        response = _response(v.question.type, request.form, content)
        result = practice.answer(current_user, v, response, lang=str(get_locale()))
        feedback = result.details
    return render_template("practice/question.html", v=v, q=v.question, content=content, form=form,
                           feedback=feedback, response=response, filters=_filters())


@bp.get("/history")
def history():
    pagination = practice.history(current_user, page=max(request.args.get("page", 1, type=int), 1))
    return render_template("practice/history.html", pagination=pagination, progress=practice.progress(current_user))
