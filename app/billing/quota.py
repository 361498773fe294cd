"""The download quota of a library in a calendar year (Beijing time), as the fee rule reads it.

Uploaded holdings (上传馆藏) of year Y =
  the library's original records released in Y (one each, whatever their category; counted from the
  ledger's upload entries, so a rejected or merged record never counts), plus
  the holdings it added in Y to records it did not upload itself (Holding rows created in Y; a
  holding on its own uploaded record is the same contribution and is not counted twice).
Free allowance = floor(percent × uploaded holdings / 100): 120% of 10 is 12 free downloads, and the
12th is free (the 120% is inclusive); of 11 it is 13 (13.2 rounded down).
Downloads used = distinct records downloaded in Y: downloading a record the library already
downloaded that year (another format, a lost file) obtains nothing new and is neither counted nor
charged. The n-th counted download is billable when n > the allowance, with the percent in force on
its day; the allowance is recomputed as holdings grow, so charges can be reversed later in the year.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal

from sqlalchemy import distinct, func, or_, select

from app.catalog.models import Holding, Record
from app.catalog.workflow_models import Download
from app.extensions import db

from . import schedules
from .ledger import BEIJING, beijing_date
from .models import LedgerEntry


def today() -> date:
    return datetime.now(BEIJING).date()


def day_start(day: date) -> datetime:
    """Midnight Beijing time of `day`, as an aware datetime (compares with UTCDateTime columns)."""
    return datetime.combine(day, time(0), tzinfo=BEIJING)


def bound(until: date) -> datetime:
    """The first instant after day `until` (exclusive upper limit)."""
    return day_start(until + timedelta(days=1))


def allowance(percent: Decimal | None, holdings: int) -> int:
    if percent is None:
        return 0
    return int((Decimal(percent) * holdings / 100).to_integral_value(rounding=ROUND_FLOOR))


def uploads_count(library_id: int, year: int, until: date) -> int:
    return db.session.scalar(select(func.count(distinct(LedgerEntry.source_id))).where(
        LedgerEntry.library_id == library_id, LedgerEntry.year == year, LedgerEntry.source_type == "record",
        LedgerEntry.revision == 0, LedgerEntry.on_date <= until)) or 0


def holdings_count(library_id: int, year: int, until: date) -> int:
    end = min(day_start(date(year + 1, 1, 1)), bound(until))
    return db.session.scalar(select(func.count(Holding.id)).join(Record, Record.id == Holding.record_id).where(
        Holding.library_id == library_id, Holding.created_at >= day_start(date(year, 1, 1)),
        Holding.created_at < end, or_(Record.library_id.is_(None), Record.library_id != library_id))) or 0


@dataclass
class Item:
    download_id: int
    record_id: int
    on: date
    counted: bool  # False: the record was already downloaded this year
    billable: bool


@dataclass
class Quota:
    library_id: int
    year: int
    until: date
    uploads: int
    holdings: int
    percent: Decimal | None
    downloads: int = 0  # every Download row
    counted: int = 0  # distinct records
    billable: int = 0
    items: list[Item] = field(default_factory=list)

    @property
    def uploaded(self) -> int:
        return self.uploads + self.holdings

    @property
    def free(self) -> int:
        return allowance(self.percent, self.uploaded)

    @property
    def remaining(self) -> int:
        return max(0, self.free - self.counted)


def assess(library_id: int, year: int, until: date | None = None, with_items: bool = True) -> Quota:
    """The year's quota as of the end of day `until` (default today), download by download."""
    until = until or today()
    last_day = min(until, date(year, 12, 31))
    q = Quota(library_id=library_id, year=year, until=until, uploads=uploads_count(library_id, year, until),
              holdings=holdings_count(library_id, year, until),
              percent=schedules.quota_percent(last_day) if last_day >= date(year, 1, 1) else None)
    rows = db.session.execute(select(Download.id, Download.record_id, Download.at).where(
        Download.library_id == library_id, Download.year == year, Download.at < bound(until))
        .order_by(Download.at, Download.id)).all()
    seen: set[int] = set()
    percents: dict[date, Decimal | None] = {}
    total = q.uploaded
    for download_id, record_id, at in rows:
        day = beijing_date(at)
        q.downloads += 1
        counted = record_id not in seen
        billable = False
        if counted:
            seen.add(record_id)
            q.counted += 1
            if day not in percents:
                percents[day] = schedules.quota_percent(day)
            # No schedule in force that day: nothing to charge.
            billable = percents[day] is not None and q.counted > allowance(percents[day], total)
            q.billable += billable
        if with_items:
            q.items.append(Item(download_id, record_id, day, counted, billable))
    return q


def charged(library_id: int, year: int) -> Decimal:
    return db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
        LedgerEntry.library_id == library_id, LedgerEntry.year == year,
        LedgerEntry.rule == "download.over_quota")) or Decimal("0")
