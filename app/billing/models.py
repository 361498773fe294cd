"""Billing tables: versioned fee schedules and the append-only ledger.

A schedule is never edited once it exists: the centre creates a new version with an effective date,
and every ledger entry names the version that priced it, so a statement can always say which rate
produced a figure. The ledger is only ever added to; a correction is a new entry (a higher
`revision` of the same source, rule and part) that refers to the entry it corrects.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db

MONEY = Numeric(12, 2)


class FeeSchedule(db.Model):
    __tablename__ = "billing_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date, unique=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    rates: Mapped[list[FeeRate]] = relationship(back_populates="schedule", order_by="FeeRate.id",
                                                cascade="all, delete-orphan")
    created_by = relationship("User")

    def parts(self, rule: str) -> list[FeeRate]:
        return [r for r in self.rates if r.rule == rule]


class FeeRate(db.Model):
    """One part of one rule's rate: e.g. upload.japanese.full / conversion 2.00 to the sub-project."""

    __tablename__ = "billing_rates"
    __table_args__ = (UniqueConstraint("schedule_id", "rule", "part"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("billing_schedules.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(60))
    part: Mapped[str] = mapped_column(String(30), default="record")
    payee: Mapped[str] = mapped_column(String(20), default="library")  # library | subproject
    amount: Mapped[Decimal] = mapped_column(MONEY)

    schedule: Mapped[FeeSchedule] = relationship(back_populates="rates")


class LedgerEntry(db.Model):
    """A payment (amount > 0, owed to the library) or a charge (amount < 0), from one source event."""

    __tablename__ = "billing_ledger"
    __table_args__ = (
        UniqueConstraint("source_type", "source_id", "rule", "part", "revision", name="uq_billing_ledger_source"),
        Index("ix_billing_ledger_library_year", "library_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id"))
    source_type: Mapped[str] = mapped_column(String(20))  # record | download | batch_job
    source_id: Mapped[int]
    rule: Mapped[str] = mapped_column(String(60))
    part: Mapped[str] = mapped_column(String(30))
    payee: Mapped[str] = mapped_column(String(20), default="library")
    revision: Mapped[int] = mapped_column(default=0)  # 0: first posting; n: the n-th correction
    schedule_id: Mapped[int] = mapped_column(ForeignKey("billing_schedules.id"))
    quantity: Mapped[int] = mapped_column(default=1)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    on_date: Mapped[date] = mapped_column(Date)  # the event's date in Beijing time
    year: Mapped[int]
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("billing_ledger.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    schedule: Mapped[FeeSchedule] = relationship()
    library = relationship("Library")
    corrects = relationship("LedgerEntry", remote_side=[id])
