"""Training sessions and who registered for them.

The certificates a session issues are `app.certification.models.TrainingCertificate` rows (with
`session_id` set), because the exam's eligibility check reads that table: one table, one truth.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# "general" is the training the certification exam asks for; the others are topic courses.
KINDS = ("general", "cnmarc", "marc21", "rda", "subject", "authority", "other")
MODES = ("city", "online")
SESSION_STATUSES = ("draft", "published", "cancelled")
REGISTRATION_STATUSES = ("registered", "waitlisted", "cancelled")


def beijing_midnight(day: date) -> datetime:
    """The start of a calendar day in Beijing, as an aware datetime (sessions are dated, not timed)."""
    return datetime.combine(day, time(0), SHANGHAI)


class TrainingSession(db.Model):
    __tablename__ = "training_sessions"
    __table_args__ = (Index("ix_training_sessions_status_starts", "status", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="general")
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)  # Markdown, sanitised when shown
    mode: Mapped[str] = mapped_column(String(10), default="city")
    city: Mapped[str | None] = mapped_column(String(60))
    venue: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    registration_closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int | None]  # None: no limit
    status: Mapped[str] = mapped_column(String(12), default="draft")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    created_by = relationship("User")
    registrations: Mapped[list[TrainingRegistration]] = relationship(
        back_populates="session", order_by="TrainingRegistration.created_at, TrainingRegistration.id")

    def title(self, lang: str) -> str:
        return self.title_zh if lang.startswith("zh") else (self.title_en or self.title_zh)

    @property
    def starts_at(self) -> datetime:
        return beijing_midnight(self.starts_on)

    @property
    def ends_at(self) -> datetime:
        """The end of the last day, in Beijing."""
        return beijing_midnight(self.ends_on + timedelta(days=1))


class TrainingRegistration(db.Model):
    __tablename__ = "training_registrations"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),
                      Index("ix_training_registrations_session_status", "session_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    library_id: Mapped[int | None] = mapped_column(ForeignKey("libraries.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="registered")
    # The waiting list is served in this order; registering again after cancelling starts afresh.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attended: Mapped[bool | None]  # None: not recorded yet
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attendance_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    session: Mapped[TrainingSession] = relationship(back_populates="registrations")
    user = relationship("User", foreign_keys=[user_id])
    library = relationship("Library")
    attendance_recorded_by = relationship("User", foreign_keys=[attendance_recorded_by_id])
