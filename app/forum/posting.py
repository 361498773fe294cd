"""Writing in the forum: new topics, replies, quotes, edits (with history), accepted answers.

Every function takes plain arguments (a user, never a request), checks its rule, and writes an
audit entry. `commit=False` leaves the transaction to the caller.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts import audit
from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.types import utcnow
from app.extensions import db
from app.permissions import require

from . import rules
from .history_models import ModerationLog, PostRevision
from .models import Board, Post, Topic
from .render import plain_text, quote

TITLE_MAX = 200
BODY_MAX = 20000


def posts_per_minute() -> int:
    return int(current_app.config.get("FORUM_POSTS_PER_MINUTE", 5))


def _check_rate(user) -> None:
    """At most N posts a minute per user, counted in the database so every worker agrees."""
    limit = posts_per_minute()
    since = utcnow() - timedelta(minutes=1)
    recent = db.session.scalar(select(func.count(Post.id)).where(
        Post.author_id == user.id, Post.created_at >= since)) or 0
    if recent >= limit:
        raise DomainError(_("You are posting too fast: at most %(n)d posts a minute. "
                            "Please wait a moment and send again.", n=limit), field="body")


def _clean_body(body: str | None) -> str:
    body = (body or "").replace("\r\n", "\n").strip("\n")
    if not body.strip():
        raise DomainError(_("Write something first."), field="body")
    if len(body) > BODY_MAX:
        raise DomainError(_("A post may be at most %(n)d characters long.", n=BODY_MAX), field="body")
    return body


def _clean_title(title: str | None) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_("A topic needs a title."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(_("A title may be at most %(n)d characters long.", n=TITLE_MAX), field="title")
    return title


def _done(commit: bool) -> None:
    if commit:
        db.session.commit()
    else:
        db.session.flush()


def _new_post(user, topic: Topic, body: str) -> Post:
    now = utcnow()
    post = Post(topic=topic, author_id=user.id, body=body, search_text=plain_text(body).lower(), created_at=now)
    db.session.add(post)
    topic.last_post_at = now
    return post


# --- reading helpers that enforce visibility -----------------------------------------------------
def get_board(user, board_id: int) -> Board:
    board = db.session.get(Board, board_id)
    if board is None or not rules.can_read_board(user, board):
        raise NotFound(_("No such board."))
    return board


def get_topic(user, topic_id: int) -> Topic:
    topic = db.session.get(Topic, topic_id)
    if topic is None or not rules.can_read_topic(user, topic):
        raise NotFound(_("No such topic."))
    return topic


def get_post(user, post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None or not rules.can_see_post(user, post):
        raise NotFound(_("No such post."))
    return post


def first_post_id(topic: Topic) -> int | None:
    return db.session.scalar(select(func.min(Post.id)).where(Post.topic_id == topic.id))


# --- writing -------------------------------------------------------------------------------------
def create_topic(user, board: Board, title: str, body: str, commit: bool = True) -> Topic:
    require(rules.POST, user)
    if not rules.can_read_board(user, board):
        raise NotFound(_("No such board."))
    title, body = _clean_title(title), _clean_body(body)
    _check_rate(user)
    now = utcnow()
    topic = Topic(board=board, title=title, search_title=title.lower(), author_id=user.id, created_at=now,
                  last_post_at=now)
    db.session.add(topic)
    post = _new_post(user, topic, body)
    db.session.flush()
    audit.record(user, "forum.topic_created", topic, board_id=board.id)
    from . import subscriptions

    subscriptions.subscribe_topic(user, topic, commit=False)
    subscriptions.announce(post, new_topic=True)
    _done(commit)
    return topic


def reply(user, topic: Topic, body: str, commit: bool = True) -> Post:
    require(rules.POST, user)
    if not rules.can_read_topic(user, topic) or topic.deleted_at is not None:
        raise NotFound(_("No such topic."))
    if topic.locked and not rules.is_moderator(user):
        raise PermissionDenied(_("This topic is locked: no more replies."))
    body = _clean_body(body)
    _check_rate(user)
    post = _new_post(user, topic, body)
    db.session.flush()
    audit.record(user, "forum.replied", post, topic_id=topic.id)
    from . import subscriptions

    subscriptions.announce(post, new_topic=False)
    _done(commit)
    return post


def quote_text(user, post: Post) -> str:
    """What the quote button puts in the reply box: the post as `> ` lines, with attribution."""
    if not rules.can_see_post(user, post):
        raise NotFound(_("No such post."))
    name = post.author.name if post.author else "?"
    return quote(post.body, name, _("%(name)s wrote (#%(id)d):", name=name, id=post.id))


def edit_post(user, post: Post, body: str, title: str | None = None, reason: str | None = None,
              commit: bool = True) -> Post:
    """Keep the old body as a revision, then replace it. The first post's edit may retitle the topic."""
    if not rules.can_see_post(user, post) or not rules.can_edit(user, post):
        raise PermissionDenied(_("You may not edit this post."))
    body = _clean_body(body)
    new_title = _clean_title(title) if title is not None else None
    is_first = post.id == first_post_id(post.topic)
    if body == post.body and (new_title is None or new_title == post.topic.title):
        return post
    now = utcnow()
    number = (db.session.scalar(select(func.count(PostRevision.id)).where(PostRevision.post_id == post.id)) or 0) + 1
    db.session.add(PostRevision(post_id=post.id, number=number, body=post.body,
                                written_at=post.edited_at or post.created_at, replaced_at=now,
                                replaced_by_id=user.id))
    post.body, post.search_text = body, plain_text(body).lower()
    post.edited_at, post.edited_by_id = now, user.id
    details = {"revision": number}
    if new_title and is_first and new_title != post.topic.title:
        details["old_title"] = post.topic.title
        post.topic.title, post.topic.search_title = new_title, new_title.lower()
    audit.record(user, "forum.post_edited", post, reason=reason, **details)
    if post.author_id != user.id:  # a moderator changed someone's words: that is moderation
        db.session.add(ModerationLog(actor_id=user.id, action="edit", topic_id=post.topic_id, post_id=post.id,
                                     reason=reason, details=details, created_at=now))
    _done(commit)
    return post


def revisions(user, post: Post) -> list[PostRevision]:
    if not rules.can_see_post(user, post):
        raise NotFound(_("No such post."))
    return db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id)
                              .order_by(PostRevision.number)).all()


def accept_answer(user, post: Post, commit: bool = True) -> Post:
    """Mark `post` the accepted answer of its Q&A topic (replacing any earlier one)."""
    topic = post.topic
    if not rules.can_see_post(user, post):
        raise NotFound(_("No such post."))
    if not topic.board.is_qa:
        raise DomainError(_("Only questions on a Q&A board have an accepted answer."))
    if not rules.can_accept(user, topic):
        raise PermissionDenied(_("Only the asker or an expert may accept an answer."))
    if post.id == first_post_id(topic) or not post.visible:
        raise DomainError(_("Only a visible reply can be the accepted answer."))
    now = utcnow()
    for other in db.session.scalars(select(Post).where(Post.topic_id == topic.id, Post.accepted_at.is_not(None))):
        other.accepted_at, other.accepted_by_id = None, None
    post.accepted_at, post.accepted_by_id = now, user.id
    audit.record(user, "forum.answer_accepted", post, topic_id=topic.id)
    _done(commit)
    return post


def unaccept_answer(user, post: Post, commit: bool = True) -> Post:
    if not rules.can_see_post(user, post):
        raise NotFound(_("No such post."))
    if not rules.can_accept(user, post.topic):
        raise PermissionDenied(_("Only the asker or an expert may accept an answer."))
    post.accepted_at, post.accepted_by_id = None, None
    audit.record(user, "forum.answer_unaccepted", post, topic_id=post.topic_id)
    _done(commit)
    return post
