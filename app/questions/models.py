"""Questions and their versions.

A question is an identity (its stable code, type and classification); what it says lives in
versions. A version is never edited once anyone could have drawn it: an edit is a new version,
so an attempt keeps exactly the paper it drew. The answer key sits in its own column, apart from
what a candidate may see, so a page for candidates can be built from `content` alone.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, Numeric, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db

TYPES = ("single", "multiple", "truefalse", "fill", "marc_task")
OBJECTIVE_TYPES = ("single", "multiple", "truefalse", "fill")
CATEGORIES = ("cnmarc", "marc21", "rules", "subject_clc", "authority", "policy", "marc_task")
LANGUAGE_GROUPS = ("chinese", "western", "all")
VERSION_STATUSES = ("draft", "in_review", "approved", "rejected")
ORIGINS = ("bank", "web", "gift", "moodle")


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_pick", "type", "language_group", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    language_group: Mapped[str] = mapped_column(String(10))
    difficulty: Mapped[int] = mapped_column(default=2)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    origin: Mapped[str] = mapped_column(String(10), default="web")
    for_exam: Mapped[bool] = mapped_column(default=True)
    for_practice: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", order_by="QuestionVersion.number")
    assets: Mapped[list[QuestionAsset]] = relationship(order_by="QuestionAsset.name")
    created_by = relationship("User")

    @property
    def current(self) -> QuestionVersion | None:
        """The version drawn into new papers: the newest approved one."""
        approved = [v for v in self.versions if v.status == "approved"]
        return approved[-1] if approved else None

    @property
    def latest(self) -> QuestionVersion | None:
        return self.versions[-1] if self.versions else None


class QuestionVersion(db.Model):
    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("question_id", "number"),
                      Index("ix_question_versions_status", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    number: Mapped[int]
    content: Mapped[dict] = mapped_column(JSON)
    key: Mapped[dict] = mapped_column(JSON)
    points: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_note: Mapped[str | None] = mapped_column(Text)

    question: Mapped[Question] = relationship(back_populates="versions")
    created_by = relationship("User", foreign_keys=[created_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])


class QuestionAsset(db.Model):
    """An image a question shows (a title page, a colophon), addressed by name from its Markdown."""

    __tablename__ = "question_assets"
    __table_args__ = (UniqueConstraint("question_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    name: Mapped[str] = mapped_column(String(100))
    mime: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def current_versions_query(**filters):
    """Approved current versions of live questions, for drawing papers and practice."""
    newest = (select(QuestionVersion.question_id, db.func.max(QuestionVersion.number).label("n"))
              .where(QuestionVersion.status == "approved")
              .group_by(QuestionVersion.question_id).subquery())
    q = (select(QuestionVersion)
         .join(newest, (newest.c.question_id == QuestionVersion.question_id)
               & (newest.c.n == QuestionVersion.number))
         .join(Question, Question.id == QuestionVersion.question_id)
         .where(Question.retired_at.is_(None)))
    for name, value in filters.items():
        q = q.where(getattr(Question, name) == value)
    return q
