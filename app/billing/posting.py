"""Deriving ledger entries from the catalogue's own events, instead of hooking every code path.

`post_pending(until)` is run by cron (`flask --app wsgi billing post`) and before a quota or a
statement is shown. It is idempotent: what is already posted is skipped, by query and by the
ledger's unique key.

Uploads: an original record (first version made by `upload`, with the uploading library recorded on
the record) earns once, when it is released: at submission when it went straight into the catalogue,
or when a reviewer accepted it. The day is that moment in Beijing time; the category is read from the
record as released (its first version), so a later edit never changes what it earned, and versions
never earn again. Records rejected or merged as duplicates are never active, so they never earn.
Unpaid categories (basic-level Chinese/Western/Japanese) are posted at 0.00: the record is then
settled, and counts in the statement and the quota.

Downloads: per library and year the quota is re-assessed (see quota.py) and each download's net
over-quota charge is brought to what it should be; a change (the allowance grew with new holdings)
is a new entry referring to the last one, never an edit.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import distinct, exists, func, select
from sqlalchemy.exc import IntegrityError

from app.catalog.extract import extract
from app.catalog.indexing import from_json
from app.catalog.models import Record, RecordVersion
from app.catalog.services import version_marc
from app.catalog.workflow_models import Download, ReviewItem
from app.extensions import db

from . import ledger, quota, schedules
from .models import FeeRate, FeeSchedule, LedgerEntry
from .rules import upload_rule

BATCH = 500
OVER_QUOTA = "download.over_quota"


def post_pending(until: date | None = None, library_id: int | None = None) -> dict[str, int]:
    """Post every event up to the end of day `until` (Beijing; default today). Commits.

    `library_id` limits the download re-assessment to one library (a page showing its quota).
    """
    until = until or quota.today()
    for attempt in (1, 2):
        try:
            done = {"uploads": post_uploads(until), **post_downloads(until, library_id)}
            db.session.commit()
            return done
        except IntegrityError:
            # Another run posted the same events at the same moment; theirs stand, look again.
            db.session.rollback()
            if attempt == 2:
                raise
    return {}  # pragma: no cover


def _released_at(record_ids: list[int]) -> dict:
    rows = db.session.execute(select(ReviewItem.record_id, func.max(ReviewItem.decided_at)).where(
        ReviewItem.record_id.in_(record_ids), ReviewItem.status == "accepted", ReviewItem.proposed_marc.is_(None))
        .group_by(ReviewItem.record_id)).all()
    return dict(rows)


def _as_released(row: Record) -> tuple[str | None, str | None, str | None]:
    if row.version == 1:
        return row.database, row.material, row.level
    first = db.session.scalar(select(RecordVersion).where(RecordVersion.record_id == row.id,
                                                          RecordVersion.version == 1))
    c = extract(from_json(version_marc(row, first))).classification
    return c.language_group, c.material, c.level


def pending_uploads_query():
    return select(Record).where(
        Record.kind == "bibliographic", Record.status == "active", Record.library_id.is_not(None),
        exists().where(RecordVersion.record_id == Record.id, RecordVersion.version == 1,
                       RecordVersion.action == "upload"),
        ~exists().where(LedgerEntry.source_type == "record", LedgerEntry.source_id == Record.id))


def post_uploads(until: date) -> int:
    count, last_id = 0, 0
    while True:
        rows = db.session.scalars(pending_uploads_query().where(Record.id > last_id)
                                  .order_by(Record.id).limit(BATCH)).all()
        if not rows:
            return count
        accepted = _released_at([r.id for r in rows])
        for row in rows:
            last_id = row.id
            day = ledger.beijing_date(accepted.get(row.id) or row.created_at)
            if day > until or schedules.in_force(day) is None:
                continue
            ledger.post_payment(row.library_id, upload_rule(*_as_released(row)), "record", row.id, day)
            count += 1


def _min_percent() -> Decimal | None:
    return db.session.scalar(select(func.min(FeeRate.amount)).join(FeeSchedule).where(
        FeeRate.rule == "download.quota_percent"))


def post_downloads(until: date, library_id: int | None = None) -> dict[str, int]:
    done = {"charges": 0, "adjustments": 0}
    lowest = _min_percent()
    if lowest is None:
        return done
    q = select(Download.library_id, Download.year, func.count(distinct(Download.record_id))).where(
        Download.at < quota.bound(until))
    if library_id is not None:
        q = q.where(Download.library_id == library_id)
    pairs = db.session.execute(q.group_by(Download.library_id, Download.year)).all()
    with_entries = set(db.session.execute(select(LedgerEntry.library_id, LedgerEntry.year).where(
        LedgerEntry.rule == OVER_QUOTA).distinct()).all())
    for lib_id, year, distinct_records in pairs:
        if (lib_id, year) not in with_entries:
            held = quota.uploads_count(lib_id, year, until) + quota.holdings_count(lib_id, year, until)
            if distinct_records <= quota.allowance(lowest, held):
                continue  # within the smallest allowance any schedule gives, and nothing to undo
        for key, n in reconcile(lib_id, year, until).items():
            done[key] += n
    return done


def reconcile(library_id: int, year: int, until: date) -> dict[str, int]:
    """Bring every download's net charge of the year to what the quota says it is now."""
    done = {"charges": 0, "adjustments": 0}
    q = quota.assess(library_id, year, until)
    entries = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.library_id == library_id, LedgerEntry.year == year, LedgerEntry.rule == OVER_QUOTA)
        .order_by(LedgerEntry.id)).all()
    by_download: dict[int, list[LedgerEntry]] = {}
    for e in entries:
        by_download.setdefault(e.source_id, []).append(e)
    for item in q.items:
        mine = by_download.pop(item.download_id, [])
        if not item.billable and not mine:
            continue
        if not mine:
            ledger.post_charge(library_id, OVER_QUOTA, "download", item.download_id, item.on)
            done["charges"] += 1
            continue
        want = ledger.price(OVER_QUOTA, item.on)[0] if item.billable else None
        have = sum((e.amount for e in mine), Decimal("0"))
        target = want.amount if want else Decimal("0")
        if have != target:
            note = "over the allowance again" if want else "within the allowance after the quota was recalculated"
            ledger.adjust(mine[-1], target - have, note, schedule_id=want.schedule_id if want else None)
            done["adjustments"] += 1
    for mine in by_download.values():  # downloads no longer counted at all
        have = sum((e.amount for e in mine), Decimal("0"))
        if have:
            ledger.adjust(mine[-1], -have, "download no longer counted")
            done["adjustments"] += 1
    return done
