"""Moderators' actions on topics and posts. Each one is written to the moderation log (who, what,
why, when) and to the audit log, in the same transaction as the change itself."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts import audit
from app.core.errors import DomainError, NotFound
from app.core.types import utcnow
from app.extensions import db
from app.permissions import require

from . import rules
from .history_models import ModerationLog
from .models import Board, Post, Topic
from .posting import _clean_title, first_post_id

REASON_MAX = 500


def _reason(reason: str | None, required: bool) -> str | None:
    reason = " ".join((reason or "").split()) or None
    if required and not reason:
        raise DomainError(_("Give a reason."), field="reason")
    if reason and len(reason) > REASON_MAX:
        raise DomainError(_("A reason may be at most %(n)d characters long.", n=REASON_MAX), field="reason")
    return reason


def log(actor, action: str, topic: Topic | None = None, post: Post | None = None, reason: str | None = None,
        **details) -> ModerationLog:
    entry = ModerationLog(actor_id=actor.id if actor else None, action=action,
                          topic_id=topic.id if topic else (post.topic_id if post else None),
                          post_id=post.id if post else None, reason=reason,
                          details={k: v for k, v in details.items() if v is not None}, created_at=utcnow())
    db.session.add(entry)
    audit.record(actor, f"forum.{action}", post or topic, reason=reason, **details)
    return entry


def _done(commit: bool) -> None:
    db.session.commit() if commit else db.session.flush()


def _set_flag(user, topic: Topic, flag: str, value: bool, actions: tuple[str, str], reason, commit) -> Topic:
    """Pinning and locking: a topic flag switched by a moderator, logged only when it changes."""
    require(rules.MODERATE, user)
    reason = _reason(reason, False)
    if getattr(topic, flag) != value:
        setattr(topic, flag, value)
        log(user, actions[0] if value else actions[1], topic, reason=reason)
    _done(commit)
    return topic


def set_pinned(user, topic: Topic, pinned: bool, reason: str | None = None, commit: bool = True) -> Topic:
    return _set_flag(user, topic, "pinned", pinned, ("pin", "unpin"), reason, commit)


def set_locked(user, topic: Topic, locked: bool, reason: str | None = None, commit: bool = True) -> Topic:
    return _set_flag(user, topic, "locked", locked, ("lock", "unlock"), reason, commit)


def move(user, topic: Topic, board: Board, reason: str | None = None, commit: bool = True) -> Topic:
    require(rules.MODERATE, user)
    reason = _reason(reason, False)
    if board is None:
        raise DomainError(_("Choose a board."), field="board")
    if board.id != topic.board_id:
        old = topic.board_id
        topic.board_id = board.id
        topic.board = board
        if not board.is_qa:  # an accepted answer means nothing outside a Q&A board
            for p in db.session.scalars(select(Post).where(Post.topic_id == topic.id, Post.accepted_at.is_not(None))):
                p.accepted_at, p.accepted_by_id = None, None
        log(user, "move", topic, reason=reason, from_board=old, to_board=board.id)
    _done(commit)
    return topic


def _refresh_last_post(topic: Topic) -> None:
    last = db.session.scalar(select(func.max(Post.created_at)).where(
        Post.topic_id == topic.id, Post.hidden_at.is_(None), Post.deleted_at.is_(None)))
    topic.last_post_at = last or topic.created_at


def hide(user, post: Post, reason: str | None, commit: bool = True) -> Post:
    require(rules.MODERATE, user)
    reason = _reason(reason, True)
    if post.deleted_at is not None:
        raise DomainError(_("This post is deleted."))
    if post.id == first_post_id(post.topic):
        raise DomainError(_("The first post carries the topic: delete the topic instead."))
    if post.hidden_at is None:
        post.hidden_at, post.hidden_by_id, post.hidden_reason = utcnow(), user.id, reason
        post.accepted_at, post.accepted_by_id = None, None
        db.session.flush()
        _refresh_last_post(post.topic)
        log(user, "hide", post=post, reason=reason)
    _done(commit)
    return post


def unhide(user, post: Post, reason: str | None = None, commit: bool = True) -> Post:
    require(rules.MODERATE, user)
    reason = _reason(reason, False)
    if post.hidden_at is not None:
        post.hidden_at, post.hidden_by_id, post.hidden_reason = None, None, None
        db.session.flush()
        _refresh_last_post(post.topic)
        log(user, "unhide", post=post, reason=reason)
    _done(commit)
    return post


def delete_post(user, post: Post, reason: str | None, commit: bool = True) -> Post:
    """Soft delete: the row stays (with who, when and why) but nobody but moderators sees it."""
    require(rules.MODERATE, user)
    reason = _reason(reason, True)
    if post.id == first_post_id(post.topic):
        raise DomainError(_("The first post carries the topic: delete the topic instead."))
    if post.deleted_at is None:
        post.deleted_at, post.deleted_by_id, post.delete_reason = utcnow(), user.id, reason
        post.accepted_at, post.accepted_by_id = None, None
        db.session.flush()
        _refresh_last_post(post.topic)
        log(user, "delete_post", post=post, reason=reason)
    _done(commit)
    return post


def delete_topic(user, topic: Topic, reason: str | None, commit: bool = True) -> Topic:
    require(rules.MODERATE, user)
    reason = _reason(reason, True)
    if topic.deleted_at is None:
        topic.deleted_at, topic.deleted_by_id, topic.delete_reason = utcnow(), user.id, reason
        log(user, "delete_topic", topic, reason=reason)
    _done(commit)
    return topic


def split(user, topic: Topic, post_ids: list[int], title: str, board: Board | None = None,
          reason: str | None = None, commit: bool = True) -> Topic:
    """Move the chosen replies of `topic` into a new topic (on `board`, by default the same)."""
    require(rules.MODERATE, user)
    reason = _reason(reason, False)
    title = _clean_title(title)
    ids = sorted({int(i) for i in post_ids or []})
    if not ids:
        raise DomainError(_("Choose the posts to split off."), field="posts")
    posts = db.session.scalars(select(Post).where(Post.id.in_(ids), Post.topic_id == topic.id)
                               .order_by(Post.id)).all()
    if len(posts) != len(ids):
        raise NotFound(_("No such post."))
    if first_post_id(topic) in ids:
        raise DomainError(_("The first post stays with its topic."), field="posts")
    board = board or topic.board
    first = posts[0]
    new = Topic(board=board, title=title, search_title=title.lower(), author_id=first.author_id,
                created_at=first.created_at, last_post_at=first.created_at)
    db.session.add(new)
    db.session.flush()
    for p in posts:
        p.topic_id, p.topic = new.id, new
        p.accepted_at, p.accepted_by_id = None, None
    db.session.flush()
    _refresh_last_post(topic)
    _refresh_last_post(new)
    log(user, "split", topic, reason=reason, new_topic=new.id, posts=ids)
    _done(commit)
    return new


def moderation_log(user, topic: Topic | None = None, page: int = 1, per_page: int = 50):
    require(rules.MODERATE, user)
    q = select(ModerationLog).order_by(ModerationLog.id.desc())
    if topic is not None:
        q = q.where(ModerationLog.topic_id == topic.id)
    return db.paginate(q, page=page, per_page=per_page, error_out=False)
