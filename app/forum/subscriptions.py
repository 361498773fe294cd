"""Watching topics and boards, and telling the watchers of a new post (in the site and by mail).

A board's watchers hear of new topics; a topic's watchers hear of every reply. A topic's author
watches it from the start. Nobody is told of their own post, and nobody twice for one post.
"""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from app.accounts import audit
from app.accounts.models import User
from app.core.errors import NotFound
from app.extensions import db
from app.mail import services as mail
from app.notify.services import notify
from app.permissions import SIGNED_IN, require

from . import rules
from .models import Board, Post, Topic
from .tracking_models import Subscription


def _find(user, topic: Topic | None = None, board: Board | None = None) -> Subscription | None:
    q = select(Subscription).where(Subscription.user_id == user.id)
    q = q.where(Subscription.topic_id == topic.id) if topic is not None else q.where(Subscription.board_id == board.id)
    return db.session.scalar(q)


def is_subscribed(user, topic: Topic | None = None, board: Board | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return _find(user, topic, board) is not None


def _subscribe(user, topic, board, commit) -> bool:
    require(SIGNED_IN, user)
    if _find(user, topic, board) is not None:
        return False
    db.session.add(Subscription(user_id=user.id, topic_id=topic.id if topic else None,
                                board_id=board.id if board else None))
    audit.record(user, "forum.subscribed", topic or board)
    db.session.commit() if commit else db.session.flush()
    return True


def _unsubscribe(user, topic, board, commit) -> bool:
    require(SIGNED_IN, user)
    sub = _find(user, topic, board)
    if sub is None:
        return False
    db.session.delete(sub)
    audit.record(user, "forum.unsubscribed", topic or board)
    db.session.commit() if commit else db.session.flush()
    return True


def subscribe_topic(user, topic: Topic, commit: bool = True) -> bool:
    if not rules.can_read_topic(user, topic):
        raise rules_not_found()
    return _subscribe(user, topic, None, commit)


def unsubscribe_topic(user, topic: Topic, commit: bool = True) -> bool:
    return _unsubscribe(user, topic, None, commit)


def subscribe_board(user, board: Board, commit: bool = True) -> bool:
    if not rules.can_read_board(user, board):
        raise rules_not_found()
    return _subscribe(user, None, board, commit)


def unsubscribe_board(user, board: Board, commit: bool = True) -> bool:
    return _unsubscribe(user, None, board, commit)


def rules_not_found() -> NotFound:
    return NotFound(_("No such topic."))


def public_url(endpoint: str, **values) -> str:
    """An absolute link on the portal's public address, built without a request."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def announce(post: Post, new_topic: bool) -> int:
    """Notify the watchers of `post` in the caller's transaction. Returns how many were told."""
    topic = post.topic
    who = (or_(Subscription.topic_id == topic.id, Subscription.board_id == topic.board_id) if new_topic
           else Subscription.topic_id == topic.id)
    ids = select(Subscription.user_id).where(who, Subscription.user_id != post.author_id)
    users = db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)).all()
    link_path = current_app.url_map.bind("localhost").build("forum.post_link", {"post_id": post.id})
    author = post.author.name if post.author else db.session.get(User, post.author_id).name
    told = 0
    for user in users:
        if not user.is_active or not rules.can_read_topic(user, topic):
            continue
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            if new_topic:
                text = _("New topic on %(board)s: %(title)s (by %(name)s)", board=topic.board.name_zh,
                         title=topic.title, name=author)
            else:
                text = _("New reply to %(title)s (by %(name)s)", title=topic.title, name=author)
            body = render_template("forum/mail_new_post.txt", user=user, text=text, topic=topic, post=post,
                                   link=public_url("forum.post_link", post_id=post.id))
            subject = _("[Forum] %(text)s", text=text)
        notify(user, "forum_post", text, link_path)
        mail.queue(user.email, subject[:300], body, kind="forum")
        told += 1
    return told
