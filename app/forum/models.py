"""The forum's structure: categories, boards, topics and posts.

Nothing is ever removed: deleting is a timestamp with a reason, hiding can be undone, and the
body a post had before each edit is kept (history_models.PostRevision).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db


class Category(db.Model):
    __tablename__ = "forum_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)

    boards: Mapped[list[Board]] = relationship(back_populates="category", order_by="Board.position")


class Board(db.Model):
    __tablename__ = "forum_boards"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("forum_categories.id"), index=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(100))
    description_zh: Mapped[str | None] = mapped_column(String(500))
    description_en: Mapped[str | None] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(default=0)
    # A question-and-answer board: the asker or an expert marks one reply as the accepted answer.
    is_qa: Mapped[bool] = mapped_column(default=False)
    # Hidden from anonymous visitors (and from search engines with them).
    members_only: Mapped[bool] = mapped_column(default=False)

    category: Mapped[Category] = relationship(back_populates="boards")


class Topic(db.Model):
    __tablename__ = "forum_topics"
    __table_args__ = (Index("ix_forum_topics_board_order", "board_id", "pinned", "last_post_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("forum_boards.id"))
    title: Mapped[str] = mapped_column(String(200))
    # Lower-cased title, searched with LIKE (see search.py).
    search_title: Mapped[str] = mapped_column(String(200), default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Moves with every new visible post, so that a board lists its liveliest topics first.
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    delete_reason: Mapped[str | None] = mapped_column(String(500))

    board: Mapped[Board] = relationship()
    author = relationship("User", foreign_keys=[author_id])


class Post(db.Model):
    __tablename__ = "forum_posts"
    __table_args__ = (Index("ix_forum_posts_topic", "topic_id", "id"),
                      # the rate limit counts a user's posts of the last minute
                      Index("ix_forum_posts_author_time", "author_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("forum_topics.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)                     # Markdown, never HTML
    # Lower-cased plain text of the rendered body, searched with LIKE (see search.py).
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    delete_reason: Mapped[str | None] = mapped_column(String(500))
    # Q&A boards: the reply the asker or an expert accepted (one per topic, kept by the service).
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    topic: Mapped[Topic] = relationship()
    author = relationship("User", foreign_keys=[author_id])
    editor = relationship("User", foreign_keys=[edited_by_id])

    @property
    def visible(self) -> bool:
        return self.hidden_at is None and self.deleted_at is None

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None
