"""Moderators' pages: pin, lock, move, split, delete, hide; the report queue and the log.

Every route checks the moderator rule before it looks anything up.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from app.core.errors import DomainError
from app.core.forms import show_error
from app.extensions import db
from app.permissions import require

from . import moderation, posting, reading, reports, rules
from .forms import MoveForm, OptionalReasonForm, ReasonForm, ResolveForm, SplitForm
from .models import Board, Post
from .views import _page, _post_url, bp


def _board_choices():
    return [(b.id, f"{b.category.name_zh} / {b.name_zh}") for b in reading.readable_boards(current_user)]


@bp.post("/topics/<int:topic_id>/toggle/<action>")
@login_required
def toggle(topic_id, action):
    """pin / unpin / lock / unlock, with an optional reason."""
    require(rules.MODERATE, current_user)
    t = posting.get_topic(current_user, topic_id)
    form = OptionalReasonForm()
    if action not in ("pin", "unpin", "lock", "unlock") or not form.validate_on_submit():
        flash(_l("That could not be done."), "error")
        return redirect(url_for("forum.topic", topic_id=t.id))
    if action in ("pin", "unpin"):
        moderation.set_pinned(current_user, t, action == "pin", form.reason.data)
    else:
        moderation.set_locked(current_user, t, action == "lock", form.reason.data)
    flash({"pin": _l("The topic is pinned."), "unpin": _l("The topic is no longer pinned."),
           "lock": _l("The topic is locked."), "unlock": _l("The topic is open again.")}[action], "success")
    return redirect(url_for("forum.topic", topic_id=t.id))


@bp.route("/topics/<int:topic_id>/move", methods=["GET", "POST"])
@login_required
def move(topic_id):
    require(rules.MODERATE, current_user)
    t = posting.get_topic(current_user, topic_id)
    form = MoveForm()
    form.board.choices = _board_choices()
    if request.method == "GET":
        form.board.data = t.board_id
    if form.validate_on_submit():
        try:
            moderation.move(current_user, t, db.session.get(Board, form.board.data), form.reason.data)
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_l("The topic is moved."), "success")
            return redirect(url_for("forum.topic", topic_id=t.id))
    return render_template("forum/moderate_form.html", topic=t, form=form, title=_l("Move the topic"),
                           action=url_for("forum.move", topic_id=t.id))


@bp.route("/topics/<int:topic_id>/delete", methods=["GET", "POST"])
@login_required
def delete_topic(topic_id):
    require(rules.MODERATE, current_user)
    t = posting.get_topic(current_user, topic_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            moderation.delete_topic(current_user, t, form.reason.data)
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_l("The topic is deleted."), "success")
            return redirect(url_for("forum.board", board_id=t.board_id))
    return render_template("forum/moderate_form.html", topic=t, form=form, title=_l("Delete the topic"),
                           action=url_for("forum.delete_topic", topic_id=t.id), danger=True)


@bp.route("/topics/<int:topic_id>/split", methods=["GET", "POST"])
@login_required
def split(topic_id):
    require(rules.MODERATE, current_user)
    t = posting.get_topic(current_user, topic_id)
    first = posting.first_post_id(t)
    form = SplitForm()
    posts = db.session.scalars(select(Post).where(Post.topic_id == t.id, Post.id != first).order_by(Post.id)).all()
    form.posts.choices = [(p.id, f"#{p.id} {p.author.name}: {p.search_text[:80]}") for p in posts]
    form.board.choices = _board_choices()
    if request.method == "GET":
        form.board.data = t.board_id
    if form.validate_on_submit():
        try:
            new = moderation.split(current_user, t, form.posts.data, form.title.data,
                                   db.session.get(Board, form.board.data), form.reason.data)
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_l("The posts are split into a new topic."), "success")
            return redirect(url_for("forum.topic", topic_id=new.id))
    return render_template("forum/moderate_form.html", topic=t, form=form, title=_l("Split posts into a new topic"),
                           action=url_for("forum.split", topic_id=t.id))


@bp.route("/posts/<int:post_id>/hide", methods=["GET", "POST"])
@login_required
def hide(post_id):
    require(rules.MODERATE, current_user)
    post = posting.get_post(current_user, post_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            moderation.hide(current_user, post, form.reason.data)
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_l("The post is hidden."), "success")
            return redirect(_post_url(post))
    return render_template("forum/moderate_form.html", topic=post.topic, post=post, form=form,
                           title=_l("Hide the post"), action=url_for("forum.hide", post_id=post.id))


@bp.post("/posts/<int:post_id>/unhide")
@login_required
def unhide(post_id):
    require(rules.MODERATE, current_user)
    post = posting.get_post(current_user, post_id)
    moderation.unhide(current_user, post, request.form.get("reason"))
    flash(_l("The post is shown again."), "success")
    return redirect(_post_url(post))


@bp.route("/posts/<int:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete_post(post_id):
    require(rules.MODERATE, current_user)
    post = posting.get_post(current_user, post_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            moderation.delete_post(current_user, post, form.reason.data)
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_l("The post is deleted."), "success")
            return redirect(url_for("forum.topic", topic_id=post.topic_id))
    return render_template("forum/moderate_form.html", topic=post.topic, post=post, form=form, danger=True,
                           title=_l("Delete the post"), action=url_for("forum.delete_post", post_id=post.id))


@bp.get("/reports")
@login_required
def report_queue():
    require(rules.MODERATE, current_user)
    show_all = request.args.get("all") == "1"
    return render_template("forum/reports.html", page=reports.queue(current_user, show_all, _page()),
                           show_all=show_all, form=ResolveForm())


@bp.post("/reports/<int:report_id>/resolve")
@login_required
def resolve(report_id):
    require(rules.MODERATE, current_user)
    r = reports.get_report(current_user, report_id)
    form = ResolveForm()
    if form.validate_on_submit():
        try:
            reports.resolve(current_user, r, form.resolution.data)
        except DomainError as e:
            flash(e.message, "error")
        else:
            flash(_l("The report is resolved."), "success")
    else:
        flash(_l("Say how the report was resolved."), "error")
    return redirect(url_for("forum.report_queue"))


@bp.get("/moderation-log")
@login_required
def moderation_log():
    require(rules.MODERATE, current_user)
    return render_template("forum/moderation_log.html", page=moderation.moderation_log(current_user, page=_page()))
