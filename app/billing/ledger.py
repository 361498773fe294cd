"""The ledger API: post a payment or charge for one source event, idempotently; correct an entry.

Stable entry points for other features (the batch ISBN service charges through `post_charge`):

    post_charge(library, "batch_isbn.match", "batch_job", job.id, on=job.finished_at, quantity=matches)

Posting is keyed by (source_type, source_id, rule, part, revision): the first posting of a source is
revision 0, so posting the same event again returns the entries already there and adds nothing.
Amounts are Decimal, rate × quantity, positive when owed to the library and negative when charged.
The caller commits (the entries belong to the caller's transaction).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts import audit
from app.core.errors import DomainError, NotFound
from app.extensions import db
from app.permissions import CENTRE_ADMIN, require

from . import schedules
from .models import LedgerEntry
from .rules import CHARGE, PAYMENT, RULES

BEIJING = ZoneInfo("Asia/Shanghai")
CENT = Decimal("0.01")
SOURCE_TYPES = ("record", "download", "batch_job")
CORRECT = CENTRE_ADMIN


def beijing_date(when: date | datetime) -> date:
    """An event's day in Beijing time (a naive datetime is taken as UTC, as the database stores it)."""
    if isinstance(when, datetime):
        if when.tzinfo is None:
            when = when.replace(tzinfo=ZoneInfo("UTC"))
        return when.astimezone(BEIJING).date()
    return when


@dataclass(frozen=True)
class Priced:
    rule: str
    part: str
    payee: str
    amount: Decimal  # signed, for the quantity
    schedule_id: int


def price(rule: str, on: date, quantity: int = 1) -> list[Priced]:
    """What `rule` comes to on day `on` for `quantity` items, part by part, signed."""
    kind = RULES[rule].kind
    if kind not in (PAYMENT, CHARGE):
        raise DomainError(f"{rule} is not a payment or a charge")
    schedule = schedules.in_force(on)
    if schedule is None:
        raise DomainError(_l("No fee schedule is in force on %(d)s.", d=on.isoformat()))
    sign = 1 if kind == PAYMENT else -1
    return [Priced(rule, r.part, r.payee, (sign * r.amount * quantity).quantize(CENT), schedule.id)
            for r in schedules.rates(schedule, rule)]


def posted(source_type: str, source_id: int, rule: str | None = None) -> list[LedgerEntry]:
    q = select(LedgerEntry).where(LedgerEntry.source_type == source_type, LedgerEntry.source_id == source_id)
    if rule is not None:
        q = q.where(LedgerEntry.rule == rule)
    return db.session.scalars(q.order_by(LedgerEntry.id)).all()


def post(library, rule: str, source_type: str, source_id: int, on: date | datetime, quantity: int = 1,
         note: str | None = None, actor=None) -> list[LedgerEntry]:
    """The entries of one event (one per part of the rule). Posting it again changes nothing."""
    if source_type not in SOURCE_TYPES:
        raise DomainError(f"unknown source type {source_type}")
    if quantity < 0:
        raise DomainError("a quantity cannot be negative")
    existing = [e for e in posted(source_type, source_id, rule) if e.revision == 0]
    if existing:
        return existing
    day = beijing_date(on)
    library_id = getattr(library, "id", library)
    entries = [LedgerEntry(library_id=library_id, source_type=source_type, source_id=source_id, rule=p.rule,
                           part=p.part, payee=p.payee, revision=0, schedule_id=p.schedule_id, quantity=quantity,
                           amount=p.amount, on_date=day, year=day.year, note=note,
                           created_by_id=getattr(actor, "id", None))
               for p in price(rule, day, quantity)]
    db.session.add_all(entries)
    db.session.flush()
    return entries


def post_charge(library, rule: str, source_type: str, source_id: int, on: date | datetime, quantity: int = 1,
                note: str | None = None, actor=None) -> list[LedgerEntry]:
    if RULES[rule].kind != CHARGE:
        raise DomainError(f"{rule} is not a charge")
    return post(library, rule, source_type, source_id, on, quantity, note, actor)


def post_payment(library, rule: str, source_type: str, source_id: int, on: date | datetime, quantity: int = 1,
                 note: str | None = None, actor=None) -> list[LedgerEntry]:
    if RULES[rule].kind != PAYMENT:
        raise DomainError(f"{rule} is not a payment")
    return post(library, rule, source_type, source_id, on, quantity, note, actor)


def net(source_type: str, source_id: int, rule: str, part: str) -> Decimal:
    return db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
        LedgerEntry.source_type == source_type, LedgerEntry.source_id == source_id,
        LedgerEntry.rule == rule, LedgerEntry.part == part)) or Decimal("0")


def adjust(last: LedgerEntry, delta: Decimal, note: str, actor=None, schedule_id: int | None = None,
           quantity: int | None = None) -> LedgerEntry:
    """A new entry of the same source, rule and part, one revision up, referring to `last`."""
    top = db.session.scalar(select(func.max(LedgerEntry.revision)).where(
        LedgerEntry.source_type == last.source_type, LedgerEntry.source_id == last.source_id,
        LedgerEntry.rule == last.rule, LedgerEntry.part == last.part))
    entry = LedgerEntry(library_id=last.library_id, source_type=last.source_type, source_id=last.source_id,
                        rule=last.rule, part=last.part, payee=last.payee, revision=(top or 0) + 1,
                        schedule_id=schedule_id or last.schedule_id,
                        quantity=last.quantity if quantity is None else quantity,
                        amount=Decimal(delta).quantize(CENT), on_date=last.on_date, year=last.year,
                        corrects_id=last.id, note=note[:500], created_by_id=getattr(actor, "id", None))
    db.session.add(entry)
    db.session.flush()
    return entry


def correct(actor, entry_id: int, amount, reason: str, commit: bool = True) -> LedgerEntry:
    """A centre administrator's correction: a new entry of `amount` (signed) referring to the entry.

    It is dated on the corrected entry's day, so the year's statement is restated rather than the
    next year's statement carrying last year's figure.
    """
    require(CORRECT, actor)
    entry = get_entry(entry_id)
    if not (reason or "").strip():
        raise DomainError(_l("Give the reason for the correction."), "reason")
    try:
        delta = schedules.check_amount(entry.rule, str(amount).lstrip("-"))
    except DomainError as err:
        raise DomainError(err.message, "amount") from None
    if str(amount).strip().startswith("-"):
        delta = -delta
    if delta == 0:
        raise DomainError(_l("A correction of 0 changes nothing."), "amount")
    fixed = adjust(entry, delta, reason.strip(), actor)
    audit.record(actor, "billing.corrected", fixed, reason=reason.strip(), corrects=entry.id, amount=str(delta))
    if commit:
        db.session.commit()
    return fixed


def get_entry(entry_id: int) -> LedgerEntry:
    entry = db.session.get(LedgerEntry, entry_id)
    if entry is None:
        raise NotFound(_l("No such ledger entry."))
    return entry


def entries_of(library_id: int, year: int) -> list[LedgerEntry]:
    return db.session.scalars(select(LedgerEntry).where(LedgerEntry.library_id == library_id,
                                                        LedgerEntry.year == year)
                              .order_by(LedgerEntry.on_date, LedgerEntry.id)).all()
