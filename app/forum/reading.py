"""What a reader sees: the board index, a board's topics, a topic's posts, and what is unread.

Unread tracking keeps, per user and topic, the id of the last post seen (TopicRead). Post ids only
grow, so "unread" is simply "a visible post with a larger id".
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from app.core.types import utcnow
from app.extensions import db

from . import rules
from .models import Board, Category, Post, Topic
from .posting import first_post_id
from .tracking_models import TopicRead


def topics_per_page() -> int:
    return int(current_app.config.get("FORUM_TOPICS_PER_PAGE") or 20)


def posts_per_page() -> int:
    return int(current_app.config.get("FORUM_POSTS_PER_PAGE") or 15)


def overview(user) -> list[tuple[Category, list[tuple[Board, int, int]]]]:
    """Categories with their readable boards, each with its topic and post counts."""
    cats = db.session.scalars(select(Category).order_by(Category.position, Category.id)).all()
    topic_counts = dict(db.session.execute(select(Topic.board_id, func.count(Topic.id))
                                           .where(Topic.deleted_at.is_(None)).group_by(Topic.board_id)).all())
    post_counts = dict(db.session.execute(
        select(Topic.board_id, func.count(Post.id)).join(Post, Post.topic_id == Topic.id)
        .where(Topic.deleted_at.is_(None), Post.hidden_at.is_(None), Post.deleted_at.is_(None))
        .group_by(Topic.board_id)).all())
    out = []
    for c in cats:
        boards = [(b, topic_counts.get(b.id, 0), post_counts.get(b.id, 0))
                  for b in c.boards if rules.can_read_board(user, b)]
        if boards:
            out.append((c, boards))
    return out


def readable_boards(user) -> list[Board]:
    boards = db.session.scalars(select(Board).join(Category).order_by(Category.position, Board.position, Board.id))
    return [b for b in boards if rules.can_read_board(user, b)]


def board_topics(user, board: Board, page: int = 1):
    q = select(Topic).where(Topic.board_id == board.id)
    if not rules.is_moderator(user):
        q = q.where(Topic.deleted_at.is_(None))
    q = q.order_by(Topic.pinned.desc(), Topic.last_post_at.desc(), Topic.id.desc())
    return db.paginate(q, page=page, per_page=topics_per_page(), error_out=False)


def reply_counts(user, topic_ids: list[int]) -> dict[int, int]:
    if not topic_ids:
        return {}
    q = select(Post.topic_id, func.count(Post.id)).where(Post.topic_id.in_(topic_ids))
    if not rules.is_moderator(user):
        q = q.where(Post.hidden_at.is_(None), Post.deleted_at.is_(None))
    return {tid: n - 1 for tid, n in db.session.execute(q.group_by(Post.topic_id)).all()}


def _order(topic: Topic):
    """The question first, then the accepted answer, then the replies in the order written."""
    first = first_post_id(topic) or 0
    return (case((Post.id == first, 0), (Post.accepted_at.is_not(None), 1), else_=2), Post.id)


def topic_posts(user, topic: Topic, page: int = 1):
    q = select(Post).where(Post.topic_id == topic.id)
    if not rules.is_moderator(user):
        q = q.where(Post.hidden_at.is_(None), Post.deleted_at.is_(None))
    return db.paginate(q.order_by(*_order(topic)), page=page, per_page=posts_per_page(), error_out=False)


def page_of_post(user, post: Post) -> int:
    q = select(Post.id).where(Post.topic_id == post.topic_id)
    if not rules.is_moderator(user):
        q = q.where(Post.hidden_at.is_(None), Post.deleted_at.is_(None))
    ids = db.session.scalars(q.order_by(*_order(post.topic))).all()
    index = ids.index(post.id) if post.id in ids else 0
    return index // posts_per_page() + 1


# --- unread tracking ------------------------------------------------------------------------------
def last_read(user, topic: Topic) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(select(TopicRead.last_read_post_id).where(
        TopicRead.user_id == user.id, TopicRead.topic_id == topic.id)) or 0


def mark_read(user, topic: Topic, up_to_post_id: int) -> None:
    """Remember that `user` has seen `topic` up to this post (never moves backwards). Commits."""
    if not getattr(user, "is_authenticated", False) or not up_to_post_id:
        return
    row = db.session.scalar(select(TopicRead).where(TopicRead.user_id == user.id, TopicRead.topic_id == topic.id))
    if row is None:
        try:
            with db.session.begin_nested():
                db.session.add(TopicRead(user_id=user.id, topic_id=topic.id, last_read_post_id=up_to_post_id,
                                         read_at=utcnow()))
        except IntegrityError:  # the same user's other tab got there first
            row = db.session.scalar(select(TopicRead).where(TopicRead.user_id == user.id,
                                                            TopicRead.topic_id == topic.id))
    if row is not None and row.last_read_post_id < up_to_post_id:
        row.last_read_post_id, row.read_at = up_to_post_id, utcnow()
    db.session.commit()


def unread_topic_ids(user, topic_ids: list[int]) -> set[int]:
    """Of these topics, those with a visible post the user has not seen."""
    if not getattr(user, "is_authenticated", False) or not topic_ids:
        return set()
    latest = dict(db.session.execute(
        select(Post.topic_id, func.max(Post.id)).where(Post.topic_id.in_(topic_ids), Post.hidden_at.is_(None),
                                                       Post.deleted_at.is_(None)).group_by(Post.topic_id)).all())
    seen = dict(db.session.execute(select(TopicRead.topic_id, TopicRead.last_read_post_id).where(
        TopicRead.user_id == user.id, TopicRead.topic_id.in_(topic_ids))).all())
    return {tid for tid, last in latest.items() if last > seen.get(tid, 0)}


def first_unread(user, topic: Topic) -> Post | None:
    q = select(Post).where(Post.topic_id == topic.id, Post.id > last_read(user, topic),
                           Post.hidden_at.is_(None), Post.deleted_at.is_(None)).order_by(Post.id).limit(1)
    return db.session.scalar(q)
