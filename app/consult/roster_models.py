"""The duty roster: who answers which category in which week, who stands in, who is away.

A week is stored as the date of its Monday (Asia/Shanghai). For one week and category there is at
most one duty entry (is_lead False, with an optional substitute) and one lead entry (is_lead True):
the panel lead, who takes questions nobody else can and receives escalations.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db


class RosterEntry(db.Model):
    __tablename__ = "consult_roster"
    __table_args__ = (UniqueConstraint("week_start", "category", "is_lead"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    week_start: Mapped[date] = mapped_column(Date, index=True)
    category: Mapped[str] = mapped_column(String(16))
    is_lead: Mapped[bool] = mapped_column(default=False)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    substitute_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    expert = relationship("User", foreign_keys=[expert_id])
    substitute = relationship("User", foreign_keys=[substitute_id])


class Absence(db.Model):
    __tablename__ = "consult_absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    expert = relationship("User", foreign_keys=[expert_id])
