"""Attempts, their frozen items and saved answers, expert reviews, score changes, certificates.

An attempt item points at the exact question version drawn, so editing a question never touches
a paper already taken. Score changes and reviews are append-only records of who changed what, why.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db

ATTEMPT_STATUSES = ("in_progress", "submitted")
SUBMIT_KINDS = ("candidate", "deadline", "administrator")
REVIEW_REASONS = ("band", "appeal")


class Attempt(db.Model):
    __tablename__ = "exam_attempts"
    __table_args__ = (UniqueConstraint("registration_id", "section"),
                      Index("ix_exam_attempts_status_deadline", "status", "deadline"))

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("exam_registrations.id"))
    sitting_id: Mapped[int] = mapped_column(ForeignKey("exam_sittings.id"), index=True)
    section: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), default="in_progress")
    seed: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submit_kind: Mapped[str | None] = mapped_column(String(15))
    # The browser that holds the attempt: opening it elsewhere takes over and the first is told.
    live_token: Mapped[str] = mapped_column(String(32))
    live_since: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    takeovers: Mapped[int] = mapped_column(default=0)
    score: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    max_score: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    registration = relationship("Registration", back_populates="attempts")
    sitting = relationship("Sitting")
    items: Mapped[list[AttemptItem]] = relationship(back_populates="attempt",
                                                    order_by="AttemptItem.position")


class AttemptItem(db.Model):
    __tablename__ = "exam_attempt_items"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("exam_attempts.id"))
    position: Mapped[int]
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"), index=True)
    points: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    partial_credit: Mapped[str | None] = mapped_column(String(20))
    response: Mapped[dict | list | str | bool | None] = mapped_column(JSON)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The browser numbers its saves; an older save arriving after a newer one is ignored.
    save_seq: Mapped[int] = mapped_column(default=0)
    auto_score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    feedback: Mapped[dict | None] = mapped_column(JSON)

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    version = relationship("QuestionVersion")


class GradingReview(db.Model):
    """A score an expert must look at: close to the pass mark, or appealed by the candidate."""

    __tablename__ = "exam_reviews"
    __table_args__ = (Index("ix_exam_reviews_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("exam_attempt_items.id"), index=True)
    reason: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="open")
    appeal_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(Text)

    item: Mapped[AttemptItem] = relationship()
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])


class ScoreChange(db.Model):
    __tablename__ = "exam_score_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("exam_attempt_items.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("exam_reviews.id"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    old_score: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    new_score: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[AttemptItem] = relationship()
    actor = relationship("User")


class Certificate(db.Model):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    verification_code: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id"))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("exam_registrations.id"), unique=True)
    scope: Mapped[str] = mapped_column(String(20))
    level: Mapped[int]
    issued_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("role_grants.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(String(500))

    user = relationship("User", foreign_keys=[user_id])
    library = relationship("Library")
    registration = relationship("Registration")

    def status(self, today: date) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.valid_until < today else "valid"


class PracticeAnswer(db.Model):
    """One practice answer, kept for the cataloguer's own progress and for item statistics."""

    __tablename__ = "practice_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    response: Mapped[dict | list | str | bool | None] = mapped_column(JSON)
    score: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    max_score: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    version = relationship("QuestionVersion")

