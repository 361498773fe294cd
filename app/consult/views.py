"""Pages of the desk: asking, the thread, the experts' queue and statistics, the public FAQ.

Thin: every rule is checked again in the services. The roster pages are in roster_views.py.
"""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.catalog.editor import parse
from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.forms import show_error
from app.core.markdown import render_markdown
from app.extensions import db
from app.marc.display import marc_view
from app.permissions import CENTRE_ADMIN, require

from . import faq, routing, services, stats
from .forms import (CATEGORY_LABELS, KIND_LABELS, LANGUAGE_LABELS, STATUS_LABELS, AskForm, CloseForm,
                    FollowUpForm, PublishForm, ReassignForm, ReplyForm)
from .models import ConsultAttachment

bp = Blueprint("consult", __name__, url_prefix="/consult")


@bp.context_processor
def _helpers():
    return {"render_markdown": render_markdown, "CATEGORY_LABELS": CATEGORY_LABELS,
            "LANGUAGE_LABELS": LANGUAGE_LABELS, "STATUS_LABELS": STATUS_LABELS, "KIND_LABELS": KIND_LABELS,
            "is_staff": services.STAFF(current_user), "may_ask": services.ASK(current_user)}


def _files(field) -> list[tuple[str | None, bytes]]:
    return [(f.filename, f.read()) for f in (field.data or []) if getattr(f, "filename", None)]


@bp.get("/")
@login_required
def index():
    return render_template("consult/index.html", mine=services.mine(current_user)[:10],
                           latest=faq.search(limit=5))


@bp.route("/ask", methods=["GET", "POST"])
@login_required
def ask():
    require(services.ASK, current_user)
    form = AskForm()
    if form.validate_on_submit():
        try:
            q = services.ask(current_user, category=form.category.data, language_group=form.language_group.data,
                             title=form.title.data, body=form.body.data, record_id=form.record_id.data,
                             marc_text=form.marc_text.data, files=_files(form.attachments))
        except PermissionDenied:
            raise
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_l("Your question is with the desk.") if q.assignee_id else
                  _l("Your question is in the experts' shared queue."), "success")
            return redirect(url_for("consult.thread", question_id=q.id))
    return render_template("consult/ask.html", form=form)


@bp.get("/mine")
@login_required
def mine():
    return render_template("consult/mine.html", questions=services.mine(current_user))


def _thread(q, reply=None, reassign=None, follow=None, close=None, status=200):
    reassign = reassign or ReassignForm()
    reassign.expert.choices = [(u.id, u.name) for u in routing.experts() if u.id != q.assignee_id]
    marc = None
    if q.marc_text:
        parsed = parse(q.marc_text, check=False)
        marc = marc_view(parsed.record) if parsed.record is not None else q.marc_text
    staff = services.STAFF(current_user)
    messages = [m for m in q.messages if staff or m.kind != "note"]
    return render_template("consult/thread.html", q=q, messages=messages, marc=marc,
                           reply=reply or ReplyForm(), reassign=reassign, follow=follow or FollowUpForm(),
                           close=close or CloseForm(), faq_entry=faq.entry_for(q),
                           is_asker=q.asker_id == current_user.id, may_answer=services.ANSWER(current_user)), status


@bp.get("/questions/<int:question_id>")
@login_required
def thread(question_id):
    return _thread(services.get_question(current_user, question_id))


@bp.post("/questions/<int:question_id>/reply")
@login_required
def reply(question_id):
    require(services.ANSWER, current_user)
    q = services.get_question(current_user, question_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            services.answer(current_user, q, form.body.data, kind=form.kind.data)
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_l("Saved."), "success")
            return redirect(url_for("consult.thread", question_id=q.id))
    return _thread(q, reply=form)


@bp.post("/questions/<int:question_id>/reassign")
@login_required
def reassign(question_id):
    require(services.ANSWER, current_user)
    q = services.get_question(current_user, question_id)
    form = ReassignForm()
    form.expert.choices = [(u.id, u.name) for u in routing.experts()]
    if form.validate_on_submit():
        try:
            services.reassign(current_user, q, form.expert.data, form.note.data)
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_l("The question has been passed on."), "success")
            return redirect(url_for("consult.thread", question_id=q.id))
    return _thread(q, reassign=form)


@bp.post("/questions/<int:question_id>/follow-up")
@login_required
def follow_up(question_id):
    q = services.get_question(current_user, question_id)
    if q.asker_id != current_user.id:
        raise PermissionDenied(_l("Only the asker can do this."))
    form = FollowUpForm()
    if form.validate_on_submit():
        try:
            services.follow_up(current_user, q, form.body.data, files=_files(form.attachments))
        except PermissionDenied:
            raise
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_l("Your follow-up is with the expert."), "success")
            return redirect(url_for("consult.thread", question_id=q.id))
    return _thread(q, follow=form)


@bp.post("/questions/<int:question_id>/close")
@login_required
def close(question_id):
    q = services.get_question(current_user, question_id)
    form = CloseForm()
    if form.validate_on_submit():
        services.close(current_user, q, rating=int(form.rating.data) if form.rating.data else None)
        flash(_l("The question is closed. Thank you."), "success")
    return redirect(url_for("consult.thread", question_id=q.id))


@bp.route("/questions/<int:question_id>/publish", methods=["GET", "POST"])
@login_required
def publish(question_id):
    require(services.ANSWER, current_user)
    q = services.get_question(current_user, question_id)
    entry = faq.entry_for(q)
    form = PublishForm(data=None if request.method == "POST" else (
        {"title": entry.title, "question_text": entry.question_text, "answer_text": entry.answer_text}
        if entry else faq.draft_for(q)))
    if form.validate_on_submit():
        try:
            entry = faq.publish(current_user, q, form.title.data, form.question_text.data, form.answer_text.data)
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_l("Published to the knowledge base."), "success")
            return redirect(url_for("consult.faq_entry", faq_id=entry.id))
    return render_template("consult/publish.html", q=q, form=form, entry=entry)


@bp.get("/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id):
    a = db.session.get(ConsultAttachment, attachment_id)
    if a is None:
        raise NotFound(_l("No such file."))
    services.get_question(current_user, a.question_id)  # 403 unless asker, expert or administrator
    mime = "text/plain; charset=utf-8" if a.mime == "text/plain" else a.mime
    ascii_name = a.filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return Response(a.data, mimetype=mime, headers={
        "Content-Disposition": f'attachment; filename="{ascii_name}"',
        "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store"})


@bp.get("/queue")
@login_required
def queue():
    return render_template("consult/queue.html", **services.queue(current_user))


@bp.get("/stats")
@login_required
def statistics():
    require(services.STAFF, current_user)
    people = routing.experts() if CENTRE_ADMIN(current_user) else [current_user]
    rows = [(u, stats.for_expert(u.id)) for u in people]
    return render_template("consult/stats.html", rows=rows, hours=stats.hours)


@bp.get("/faq")
def faq_index():
    q = (request.args.get("q") or "").strip()
    category = request.args.get("category") or None
    if category not in CATEGORY_LABELS:
        category = None
    return render_template("consult/faq.html", q=q, category=category, entries=faq.search(q, category))


@bp.get("/faq/<int:faq_id>")
def faq_entry(faq_id):
    return render_template("consult/faq_entry.html", e=faq.get_entry(faq_id))


from . import roster_views as _roster_views  # noqa: E402,F401  (adds the roster routes to bp)
