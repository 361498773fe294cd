"""Fee schedule versions: which rates are in force on a day, and how the centre sets new ones.

A version is never edited. A new one may take effect only after the last day already priced in the
ledger, so no posted figure is ever contradicted by the schedule that is said to have produced it;
a retroactive change is made with correction entries instead (see ledger.correct).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts import audit
from app.core.errors import DomainError, NotFound
from app.extensions import db
from app.permissions import CENTRE_ADMIN, require

from .models import FeeRate, FeeSchedule, LedgerEntry
from .rules import PERCENT, RULES, SCHEDULE_2023, SCHEDULE_2023_FROM, SCHEDULE_2023_NOTE, all_parts, part_of

MANAGE_FEES = CENTRE_ADMIN
MAX_AMOUNT = Decimal("100000")
MAX_PERCENT = Decimal("1000")


def in_force(on: date) -> FeeSchedule | None:
    """The version with the latest effective date on or before `on` (None before the first one)."""
    return db.session.scalar(select(FeeSchedule).where(FeeSchedule.effective_from <= on)
                             .order_by(FeeSchedule.effective_from.desc()).limit(1))


def rates(schedule: FeeSchedule, rule: str) -> list[FeeRate]:
    found = schedule.parts(rule)
    if not found:
        raise DomainError(f"schedule {schedule.effective_from} has no rate for {rule}")
    return found


def quota_percent(on: date) -> Decimal | None:
    schedule = in_force(on)
    return rates(schedule, "download.quota_percent")[0].amount if schedule else None


def all_schedules() -> list[FeeSchedule]:
    return db.session.scalars(select(FeeSchedule).order_by(FeeSchedule.effective_from.desc())).all()


def get_schedule(schedule_id: int) -> FeeSchedule:
    found = db.session.get(FeeSchedule, schedule_id)
    if found is None:
        raise NotFound(_l("No such fee schedule."))
    return found


def last_priced_day() -> date | None:
    return db.session.scalar(select(func.max(LedgerEntry.on_date)))


def field_name(rule: str, part: str) -> str:
    """The form field of one amount: rule and part codes with dots made safe for HTML ids."""
    return f"{rule.replace('.', '__')}___{part}"


def check_amount(rule: str, value) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_l("Give an amount such as 4.00.")) from None
    if not amount.is_finite() or amount < 0:
        raise DomainError(_l("The amount cannot be negative."))
    limit = MAX_PERCENT if RULES[rule].kind == PERCENT else MAX_AMOUNT
    if amount > limit:
        raise DomainError(_l("At most %(n)s.", n=limit))
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(_l("At most two decimal places."))
    return amount.quantize(Decimal("0.01"))


def create_version(actor, effective_from: date, amounts: dict[tuple[str, str], object], note: str = "",
                   commit: bool = True) -> FeeSchedule:
    """A new schedule version. `amounts` gives every (rule, part) of rules.RULES; all are required."""
    if actor is not None:
        require(MANAGE_FEES, actor)
    if effective_from is None:
        raise DomainError(_l("Give the date the schedule takes effect."), "effective_from")
    if db.session.scalar(select(FeeSchedule).where(FeeSchedule.effective_from == effective_from)):
        raise DomainError(_l("A schedule already takes effect on that day."), "effective_from")
    last = last_priced_day()
    if last is not None and effective_from <= last:
        raise DomainError(_l("Payments and charges up to %(d)s have been posted with the schedules in force; "
                             "a new schedule can take effect from the next day on.", d=last.isoformat()),
                          "effective_from")
    checked = {}
    for rule, part in all_parts():
        key = (rule.code, part.code)
        if key not in amounts or amounts[key] in (None, ""):
            raise DomainError(_l("Give an amount (0 if free)."), field_name(*key))
        try:
            checked[key] = check_amount(rule.code, amounts[key])
        except DomainError as err:
            raise DomainError(err.message, field_name(*key)) from None
    schedule = FeeSchedule(effective_from=effective_from, note=(note or "").strip()[:500],
                           created_by_id=getattr(actor, "id", None))
    schedule.rates = [FeeRate(rule=rule, part=part, payee=part_of(rule, part).payee, amount=amount)
                      for (rule, part), amount in checked.items()]
    db.session.add(schedule)
    db.session.flush()
    audit.record(actor, "billing.schedule_created", schedule, effective_from=effective_from.isoformat(),
                 amounts={f"{r}/{p}": str(a) for (r, p), a in checked.items()})
    if commit:
        db.session.commit()
    return schedule


def seed_schedule() -> FeeSchedule:
    """The schedule in force from 2023-01-01, added once (by the CLI and the demo); safe to repeat."""
    existing = db.session.scalar(select(FeeSchedule).where(FeeSchedule.effective_from == SCHEDULE_2023_FROM))
    if existing is not None:
        return existing
    return create_version(None, SCHEDULE_2023_FROM, dict(SCHEDULE_2023), SCHEDULE_2023_NOTE)


def amounts_of(schedule: FeeSchedule | None) -> dict[tuple[str, str], Decimal]:
    """A version's amounts by (rule, part); the 2023 figures for parts it lacks (a form's defaults)."""
    found = dict(SCHEDULE_2023)
    if schedule is not None:
        found.update({(r.rule, r.part): r.amount for r in schedule.rates})
    return found
