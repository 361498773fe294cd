"""Per-user state: what a user watches, and how far they have read each topic."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.types import UTCDateTime, utcnow
from app.extensions import db


class Subscription(db.Model):
    """A user watching one topic or one board (exactly one of topic_id / board_id is set)."""

    __tablename__ = "forum_subscriptions"
    __table_args__ = (UniqueConstraint("user_id", "topic_id", name="uq_forum_subscriptions_user_topic"),
                      UniqueConstraint("user_id", "board_id", name="uq_forum_subscriptions_user_board"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("forum_topics.id"), index=True)
    board_id: Mapped[int | None] = mapped_column(ForeignKey("forum_boards.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TopicRead(db.Model):
    """The last post of a topic a user has seen; anything newer is unread."""

    __tablename__ = "forum_topic_reads"
    __table_args__ = (UniqueConstraint("user_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("forum_topics.id"), index=True)
    last_read_post_id: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
