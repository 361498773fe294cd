"""Forum pages for readers and writers (blueprint "forum"); moderators' pages: moderation_views."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.core.errors import DomainError, PermissionDenied
from app.core.forms import show_error
from app.permissions import require

from . import posting, reading, reports, rules, search, subscriptions
from .forms import BODY_HINT, EditForm, ReplyForm, ReportForm, TopicForm
from .render import render_post

bp = Blueprint("forum", __name__, url_prefix="/forum")


@bp.context_processor
def _helpers():
    return {"render_post": render_post, "forum_rules": rules, "body_hint": BODY_HINT,
            "is_moderator": rules.is_moderator(current_user),
            "open_reports": reports.open_count(current_user)}


def _page() -> int:
    return max(1, request.args.get("page", 1, type=int))


def _post_url(post) -> str:
    return url_for("forum.topic", topic_id=post.topic_id, page=reading.page_of_post(current_user, post),
                   _anchor=f"post-{post.id}")


@bp.get("/")
def index():
    return render_template("forum/index.html", categories=reading.overview(current_user))


@bp.get("/boards/<int:board_id>")
def board(board_id):
    b = posting.get_board(current_user, board_id)
    page = reading.board_topics(current_user, b, _page())
    ids = [t.id for t in page.items]
    return render_template("forum/board.html", board=b, page=page, replies=reading.reply_counts(current_user, ids),
                           unread=reading.unread_topic_ids(current_user, ids),
                           subscribed=subscriptions.is_subscribed(current_user, board=b),
                           may_post=rules.POST(current_user))


@bp.route("/boards/<int:board_id>/new", methods=["GET", "POST"])
@login_required
def new_topic(board_id):
    require(rules.POST, current_user)
    b = posting.get_board(current_user, board_id)
    form = TopicForm()
    if form.validate_on_submit():
        try:
            topic = posting.create_topic(current_user, b, form.title.data, form.body.data)
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_l("Your topic is posted."), "success")
            return redirect(url_for("forum.topic", topic_id=topic.id))
    return render_template("forum/new_topic.html", board=b, form=form)


@bp.get("/topics/<int:topic_id>")
def topic(topic_id):
    t = posting.get_topic(current_user, topic_id)
    page = reading.topic_posts(current_user, t, _page())
    form = ReplyForm()
    quote_id = request.args.get("quote", type=int)
    if quote_id and not form.body.data:
        try:
            quoted = posting.get_post(current_user, quote_id)
            form.body.data = posting.quote_text(current_user, quoted)
        except DomainError:
            pass
    return _topic_page(t, page, form)


def _topic_page(t, page, form, status=200):
    visible = [p.id for p in page.items if p.visible]
    if visible:
        reading.mark_read(current_user, t, max(visible))
    return render_template("forum/topic.html", topic=t, page=page, form=form,
                           first_id=posting.first_post_id(t), may_reply=rules.can_reply(current_user, t),
                           may_accept=rules.can_accept(current_user, t),
                           subscribed=subscriptions.is_subscribed(current_user, topic=t)), status


@bp.get("/topics/<int:topic_id>/unread")
def first_unread(topic_id):
    t = posting.get_topic(current_user, topic_id)
    post = reading.first_unread(current_user, t)
    if post is None:
        last = reading.topic_posts(current_user, t, 1)
        return redirect(url_for("forum.topic", topic_id=t.id, page=last.pages or 1))
    return redirect(_post_url(post))


@bp.post("/topics/<int:topic_id>/reply")
@login_required
def reply(topic_id):
    require(rules.POST, current_user)
    t = posting.get_topic(current_user, topic_id)
    if not rules.can_reply(current_user, t):
        raise PermissionDenied(_l("This topic is locked: no more replies."))
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            post = posting.reply(current_user, t, form.body.data)
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_l("Your reply is posted."), "success")
            return redirect(_post_url(post))
    page = reading.topic_posts(current_user, t, _page())
    return _topic_page(t, page, form, 400 if form.errors or form.form_errors else 200)


@bp.post("/topics/<int:topic_id>/subscribe")
@login_required
def subscribe_topic(topic_id):
    t = posting.get_topic(current_user, topic_id)
    if request.form.get("action") == "off":
        subscriptions.unsubscribe_topic(current_user, t)
        flash(_l("You no longer watch this topic."), "success")
    else:
        subscriptions.subscribe_topic(current_user, t)
        flash(_l("You watch this topic: new replies are notified in the site and by e-mail."), "success")
    return redirect(url_for("forum.topic", topic_id=t.id))


@bp.post("/boards/<int:board_id>/subscribe")
@login_required
def subscribe_board(board_id):
    b = posting.get_board(current_user, board_id)
    if request.form.get("action") == "off":
        subscriptions.unsubscribe_board(current_user, b)
        flash(_l("You no longer watch this board."), "success")
    else:
        subscriptions.subscribe_board(current_user, b)
        flash(_l("You watch this board: new topics are notified in the site and by e-mail."), "success")
    return redirect(url_for("forum.board", board_id=b.id))


@bp.get("/posts/<int:post_id>")
def post_link(post_id):
    return redirect(_post_url(posting.get_post(current_user, post_id)))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id):
    require(rules.POST | rules.MODERATE, current_user)
    post = posting.get_post(current_user, post_id)
    if not rules.can_edit(current_user, post):
        raise PermissionDenied(_l("You may not edit this post."))
    is_first = post.id == posting.first_post_id(post.topic)
    form = EditForm(obj=None if request.method == "POST" else post)
    if request.method == "GET" and is_first:
        form.title.data = post.topic.title
    if form.validate_on_submit():
        try:
            posting.edit_post(current_user, post, form.body.data, title=form.title.data if is_first else None,
                              reason=form.reason.data)
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_l("The post is saved; its earlier text is kept in its history."), "success")
            return redirect(_post_url(post))
    return render_template("forum/edit.html", post=post, form=form, is_first=is_first)


@bp.get("/posts/<int:post_id>/history")
def history(post_id):
    post = posting.get_post(current_user, post_id)
    return render_template("forum/history.html", post=post, revisions=posting.revisions(current_user, post))


@bp.post("/posts/<int:post_id>/accept")
@login_required
def accept(post_id):
    post = posting.get_post(current_user, post_id)
    if request.form.get("action") == "off":
        posting.unaccept_answer(current_user, post)
        flash(_l("The answer is no longer marked accepted."), "success")
    else:
        posting.accept_answer(current_user, post)
        flash(_l("The answer is marked accepted."), "success")
    return redirect(url_for("forum.topic", topic_id=post.topic_id))


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@login_required
def report(post_id):
    post = posting.get_post(current_user, post_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            reports.report(current_user, post, form.reason.data)
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_l("Thank you: the moderators will look at this post."), "success")
            return redirect(_post_url(post))
    return render_template("forum/report.html", post=post, form=form)


@bp.get("/search")
def search_page():
    q = request.args.get("q", "")
    return render_template("forum/search.html", q=q, topics=search.search_topics(current_user, q),
                           snippet=search.snippet,
                           posts=search.search_posts(current_user, q, page=_page()))


from . import moderation_views  # noqa: E402,F401  (adds the moderators' routes to bp)
