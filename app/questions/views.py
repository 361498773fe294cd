"""The question bank for trainers and experts: browse, write, review, import and export."""
from __future__ import annotations

import difflib
import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.core import images
from app.core.errors import DomainError
from app.core.forms import options, show_error
from app.core.markdown import render_markdown
from app.permissions import QUESTION_AUTHOR, require

from . import assets, services
from .forms import (CATEGORY_LABELS, FORMS, GROUP_LABELS, KIND_LABELS, STATUS_LABELS, TYPE_LABELS, ExportForm,
                    FilterForm, ImportForm, ReasonForm, ReviewForm, place_problems)
from .models import TYPES

bp = Blueprint("questions", __name__, url_prefix="/questions")
MAX_UPLOAD = 2 * 1024 * 1024


@bp.before_request
@login_required
def _authors_only():
    require(QUESTION_AUTHOR, current_user)


@bp.context_processor
def _labels():
    return {"TYPE_LABELS": TYPE_LABELS, "CATEGORY_LABELS": CATEGORY_LABELS, "GROUP_LABELS": GROUP_LABELS,
            "STATUS_LABELS": STATUS_LABELS, "KIND_LABELS": KIND_LABELS, "markdown": render_markdown,
            "question_markdown": assets.markdown}


@bp.get("/")
def index():
    form = FilterForm(request.args)
    form.validate()
    f = form.data
    pagination = services.search(current_user, type=f["type"] or None, category=f["category"] or None,
                                 language_group=f["language_group"] or None,
                                 difficulty=int(f["difficulty"]) if f["difficulty"] in ("1", "2", "3") else None,
                                 status=f["status"] or None, text=f["q"] or "", retired=bool(f["retired"]),
                                 page=max(request.args.get("page", 1, type=int), 1))
    return render_template("questions/index.html", form=form, pagination=pagination, types=TYPES,
                           counts=services.counts_by_status(current_user))


def _form_for(type_: str, **kw):
    if type_ not in FORMS:
        abort(404)
    form = FORMS[type_](**kw)
    if type_ == "marc_task":
        form.category.choices = options([("marc_task", CATEGORY_LABELS["marc_task"])])
        form.language_group.choices = options([(k, GROUP_LABELS[k]) for k in ("chinese", "western")])
    return form


@bp.route("/new", methods=["GET", "POST"])
def new():
    qtype = request.args.get("type", "single")
    form = _form_for(qtype)
    status = 200
    if form.validate_on_submit():
        content, key = form.content_key()
        try:
            q = services.create_question(current_user, type=qtype, code=form.code.data, content=content, key=key,
                                         points=form.points.data, **form.metadata())
        except services.ItemProblems as err:
            place_problems(form, err.problems)
            status = 422
        except DomainError as err:
            show_error(form, err)
            status = 422
        else:
            flash(_l("Question %(code)s saved as a draft.", code=q.code), "success")
            return redirect(url_for("questions.question", question_id=q.id))
    elif request.method == "POST":
        status = 422
    return render_template("questions/edit.html", form=form, qtype=qtype, question=None), status


@bp.get("/<int:question_id>")
def question(question_id):
    q = services.get_question(question_id)
    versions = list(reversed(q.versions))
    diffs = {}
    for newer, older in zip(q.versions[1:], q.versions[:-1]):
        diffs[newer.id] = _diff(older, newer)
    return render_template("questions/question.html", q=q, versions=versions, diffs=diffs,
                           review=ReviewForm(), reason=ReasonForm())


def _lines(v) -> list[str]:
    doc = {"points": str(v.points), "content": v.content, "key": v.key}
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True).splitlines()


def _diff(older, newer) -> list[str]:
    return list(difflib.unified_diff(_lines(older), _lines(newer), f"v{older.number}", f"v{newer.number}",
                                     lineterm="", n=1))


@bp.post("/<int:question_id>/images")
def add_image(question_id):
    q = services.get_question(question_id)
    upload = request.files.get("file")
    data = upload.stream.read(images.MAX_BYTES + 1) if upload else b""
    try:
        asset = assets.add(current_user, q, data, upload.filename if upload else None, request.form.get("name"))
        flash(_l("Image %(name)s added: refer to it as image:%(name)s.", name=asset.name), "success")
    except DomainError as e:
        flash(e.message, "error")
    return redirect(url_for("questions.question", question_id=q.id) + "#images")


@bp.route("/<int:question_id>/edit", methods=["GET", "POST"])
def edit(question_id):
    q = services.get_question(question_id)
    form = _form_for(q.type)
    status = 200
    if request.method == "GET":
        form.fill_metadata(q)
        if q.latest:
            form.fill(q.latest.content, q.latest.key)
            form.points.data = q.latest.points
    elif form.validate_on_submit():
        content, key = form.content_key()
        meta = form.metadata()
        try:
            v = services.edit_question(current_user, q, content=content, key=key, points=form.points.data, **meta)
        except services.ItemProblems as err:
            place_problems(form, err.problems)
            status = 422
        except DomainError as err:
            show_error(form, err)
            status = 422
        else:
            flash(_l("Version %(n)d saved as a draft.", n=v.number) if v else _l("Saved; the text did not change."),
                  "success")
            return redirect(url_for("questions.question", question_id=q.id))
    else:
        status = 422
    return render_template("questions/edit.html", form=form, qtype=q.type, question=q), status


@bp.post("/version/<int:version_id>/submit")
def submit(version_id):
    v = services.get_version(version_id)
    services.submit_for_review(current_user, v)
    flash(_l("Version %(n)d waits for review by another trainer or expert.", n=v.number), "success")
    return redirect(url_for("questions.question", question_id=v.question_id))


@bp.get("/review")
def review_queue():
    return render_template("questions/review_queue.html", versions=services.review_queue(current_user))


@bp.route("/version/<int:version_id>/review", methods=["GET", "POST"])
def review(version_id):
    v = services.get_version(version_id)
    form = ReviewForm()
    status = 200
    if form.validate_on_submit():
        try:
            if form.decision.data == "approve":
                services.approve(current_user, v, form.note.data)
            else:
                services.reject(current_user, v, form.note.data)
        except DomainError as err:  # PermissionDenied included: say why on the page
            show_error(form, err)
            status = 422
        else:
            flash(_l("Decision recorded."), "success")
            return redirect(url_for("questions.review_queue"))
    elif request.method == "POST":
        status = 422
    q = v.question
    previous = q.current if q.current is not None and q.current.id != v.id else None
    return render_template("questions/review.html", v=v, q=q, form=form,
                           diff=_diff(previous, v) if previous else None), status


@bp.post("/<int:question_id>/retire")
def retire(question_id):
    q = services.get_question(question_id)
    form = ReasonForm()
    if request.form.get("action") == "unretire":
        services.unretire(current_user, q, form.reason.data)
        flash(_l("The question is live again."), "success")
    else:
        services.retire(current_user, q, form.reason.data)
        flash(_l("The question is retired: no new paper or practice will draw it."), "success")
    return redirect(url_for("questions.question", question_id=q.id))


@bp.route("/import", methods=["GET", "POST"])
def import_file():
    form = ImportForm()
    result, problems, status = None, None, 200
    if form.validate_on_submit():
        data = form.file.data.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            form.file.errors.append(_l("The file is larger than 2 MB."))
            status = 413
        else:
            try:
                result = services.import_upload(current_user, data, form.format.data, dry_run=form.dry_run.data,
                                                category=form.category.data or None,
                                                language_group=form.language_group.data or None)
            except services.ItemProblems as err:
                problems, status = err.problems, 422
            except DomainError as err:
                show_error(form, err)
                status = 422
            except ValueError as err:  # the parser's own complaint about the file
                form.file.errors.append(str(err))
                status = 422
    elif request.method == "POST":
        status = 400
    return render_template("questions/import.html", form=form, result=result, problems=problems,
                           export=ExportForm(formdata=None)), status


@bp.get("/export")
def export():
    form = ExportForm(request.args)
    if not request.args.get("format") or not form.validate():
        return render_template("questions/import.html", form=ImportForm(), result=None, problems=None, export=form)
    codes = [c for c in (form.codes.data or "").replace(",", " ").split() if c]
    data, n = services.export(current_user, form.format.data, codes=codes or None,
                              category=form.category.data or None, language_group=form.language_group.data or None)
    if form.format.data == "gift":
        return Response(data, mimetype="text/plain; charset=utf-8",
                        headers={"Content-Disposition": "attachment; filename=questions.gift.txt"})
    return Response(data, mimetype="application/xml",
                    headers={"Content-Disposition": "attachment; filename=questions-moodle.xml"})
