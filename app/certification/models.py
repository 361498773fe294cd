"""Exam rounds (期), their sittings, registrations, and the blueprints they were opened with.

A round keeps the blueprint version it was opened with: editing `exams/*.yaml` later changes new
rounds only. Attempts, grading and certificates are in `attempt_models.py`.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db

ROUND_STATUSES = ("draft", "open", "closed", "cancelled")
REGISTRATION_STATUSES = ("pending", "registered", "refused", "withdrawn")
BASES = ("training_certificate", "admin_approval")


class ExamBlueprint(db.Model):
    __tablename__ = "exam_blueprints"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int]
    scope: Mapped[str] = mapped_column(String(20))
    level: Mapped[int]
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    content: Mapped[dict] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExamRound(db.Model):
    __tablename__ = "exam_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    blueprint_id: Mapped[int] = mapped_column(ForeignKey("exam_blueprints.id"))
    scope: Mapped[str] = mapped_column(String(20))
    level: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default="draft")
    registration_opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seats: Mapped[int | None]
    # Results become visible at this time, or when an administrator releases them, whichever first.
    results_release_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    results_released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    results_released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    certificate_valid_years: Mapped[int] = mapped_column(default=3)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    blueprint: Mapped[ExamBlueprint] = relationship()
    sittings: Mapped[list[Sitting]] = relationship(back_populates="round", order_by="Sitting.opens_at")
    registrations: Mapped[list[Registration]] = relationship(back_populates="round")

    def title(self, lang: str) -> str:
        return self.title_zh if lang.startswith("zh") else self.title_en

    def results_released(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.results_released_at is not None or (
            self.results_release_at is not None and self.results_release_at <= now)


class Sitting(db.Model):
    """When a section of the paper may be sat: attempts start inside the window and end by its close."""

    __tablename__ = "exam_sittings"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("exam_rounds.id"), index=True)
    section: Mapped[str] = mapped_column(String(10))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str | None] = mapped_column(String(200))

    round: Mapped[ExamRound] = relationship(back_populates="sittings")


class Registration(db.Model):
    __tablename__ = "exam_registrations"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),
                      Index("ix_exam_registrations_round_status", "round_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("exam_rounds.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    basis: Mapped[str] = mapped_column(String(30))
    training_certificate_id: Mapped[int | None] = mapped_column(ForeignKey("training_certificates.id"))
    request_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    # The result, computed when every section is graded and every review closed.
    total: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    passed: Mapped[bool | None]
    section_results: Mapped[dict] = mapped_column(JSON, default=dict)
    result_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    round: Mapped[ExamRound] = relationship(back_populates="registrations")
    user = relationship("User", foreign_keys=[user_id])
    library = relationship("Library")
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    training_certificate = relationship("TrainingCertificate")
    attempts = relationship("Attempt", back_populates="registration", order_by="Attempt.section")


class TrainingCertificate(db.Model):
    """Proof of the general training that makes a cataloguer eligible for the exam.

    Recorded by the centre (training sessions, issue 6, will issue them as well).
    """

    __tablename__ = "training_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40), default="general")
    issued_on: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The training session that issued it (app/training); None for certificates recorded by hand.
    session_id: Mapped[int | None] = mapped_column(ForeignKey("training_sessions.id"), index=True)

    user = relationship("User", foreign_keys=[user_id])
