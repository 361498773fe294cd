"""Who answers a new question: the duty roster, substitutes and absences; the roster's editing.

Order for a category in the current week: the expert on duty; if absent (or no longer an expert),
the entry's substitute; if none is available, the panel lead of that week and category; if no one,
the question stays unassigned and every expert sees it in the shared queue.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from app.accounts import audit
from app.accounts.models import RoleGrant, User
from app.core.errors import DomainError, NotFound
from app.core.types import utcnow
from app.extensions import db
from app.permissions import CENTRE_ADMIN, EXPERT, require

from .models import CATEGORIES
from .roster_models import Absence, RosterEntry
from .workdays import local_date, week_start

MANAGE_ROSTER = CENTRE_ADMIN


def today() -> date:
    return local_date(utcnow())


def is_absent(user_id: int, day: date) -> bool:
    return db.session.scalar(select(Absence.id).where(
        Absence.expert_id == user_id, Absence.date_from <= day, Absence.date_to >= day).limit(1)) is not None


def available(user: User | None, day: date) -> bool:
    return user is not None and EXPERT(user) and not is_absent(user.id, day)


def entry(category: str, day: date, lead: bool = False) -> RosterEntry | None:
    return db.session.scalar(select(RosterEntry).where(
        RosterEntry.week_start == week_start(day), RosterEntry.category == category,
        RosterEntry.is_lead.is_(lead)))


def lead_for(category: str, day: date) -> User | None:
    e = entry(category, day, lead=True)
    return e.expert if e is not None and available(e.expert, day) else None


def route(category: str, day: date | None = None) -> tuple[User | None, str]:
    """(expert, why): why is duty | substitute | lead | unassigned."""
    day = day or today()
    duty = entry(category, day)
    if duty is not None:
        if available(duty.expert, day):
            return duty.expert, "duty"
        if available(duty.substitute, day):
            return duty.substitute, "substitute"
    lead = lead_for(category, day)
    if lead is not None:
        return lead, "lead"
    return None, "unassigned"


def experts() -> list[User]:
    """Everyone who may be put on the roster (either panel), by name."""
    now = utcnow()
    users = db.session.scalars(select(User).join(RoleGrant, RoleGrant.user_id == User.id).where(
        RoleGrant.role == "expert", RoleGrant.revoked_at.is_(None)).distinct()).all()
    return sorted((u for u in users if u.is_active and any(g.role == "expert" and g.is_active(now) for g in u.grants)),
                  key=lambda u: u.name)


def week(monday: date) -> dict[str, dict[str, RosterEntry | None]]:
    """{category: {"duty": entry, "lead": entry}} for one week."""
    rows = db.session.scalars(select(RosterEntry).where(RosterEntry.week_start == monday)).all()
    grid = {c: {"duty": None, "lead": None} for c in CATEGORIES}
    for r in rows:
        if r.category in grid:
            grid[r.category]["lead" if r.is_lead else "duty"] = r
    return grid


def _expert(user_id: int | None, field: str) -> User | None:
    if not user_id:
        return None
    user = db.session.get(User, user_id)
    if user is None or not EXPERT(user):
        raise DomainError(_l("Only members of the expert panel or the quality-control group can be on the roster."),
                          field)
    return user


def set_week(actor, monday: date, rows: dict[str, dict], commit: bool = True) -> None:
    """rows: {category: {"duty": id|None, "substitute": id|None, "lead": id|None}}; empty removes."""
    require(MANAGE_ROSTER, actor)
    monday = week_start(monday)
    for category, wanted in rows.items():
        if category not in CATEGORIES:
            raise DomainError(_l("Unknown category."))
        duty = _expert(wanted.get("duty"), f"duty_{category}")
        sub = _expert(wanted.get("substitute"), f"substitute_{category}")
        lead = _expert(wanted.get("lead"), f"lead_{category}")
        if sub is not None and duty is None:
            raise DomainError(_l("A substitute stands in for the expert on duty: choose that expert first."),
                              f"substitute_{category}")
        if sub is not None and sub.id == duty.id:
            raise DomainError(_l("The substitute must be someone else."), f"substitute_{category}")
        for is_lead, person, substitute in ((False, duty, sub), (True, lead, None)):
            current = db.session.scalar(select(RosterEntry).where(
                RosterEntry.week_start == monday, RosterEntry.category == category, RosterEntry.is_lead.is_(is_lead)))
            before = (current.expert_id, current.substitute_id) if current else (None, None)
            after = (person.id if person else None, substitute.id if substitute else None)
            if before == after:
                continue
            if person is None:
                db.session.delete(current)
            elif current is None:
                db.session.add(RosterEntry(week_start=monday, category=category, is_lead=is_lead,
                                           expert_id=after[0], substitute_id=after[1]))
            else:
                current.expert_id, current.substitute_id, current.updated_at = after[0], after[1], utcnow()
            audit.record(actor, "consult.roster_changed", None, week=monday.isoformat(), category=category,
                         lead=is_lead, expert_id=after[0], substitute_id=after[1],
                         before_expert_id=before[0], before_substitute_id=before[1])
    db.session.flush()
    if commit:
        db.session.commit()


def add_absence(actor, expert_id: int | None, date_from: date | None, date_to: date | None, reason: str,
                commit: bool = True) -> Absence:
    require(MANAGE_ROSTER, actor)
    expert = _expert(expert_id, "expert")
    if expert is None:
        raise DomainError(_l("Choose the expert."), "expert")
    if date_from is None or date_to is None:
        raise DomainError(_l("Give both dates."), "date_from")
    if date_to < date_from:
        raise DomainError(_l("The absence cannot end before it begins."), "date_to")
    a = Absence(expert_id=expert.id, date_from=date_from, date_to=date_to, reason=(reason or "").strip()[:200],
                created_by_id=actor.id)
    db.session.add(a)
    db.session.flush()
    audit.record(actor, "consult.absence_added", expert, absence_id=a.id, date_from=date_from.isoformat(),
                 date_to=date_to.isoformat(), reason=a.reason)
    if commit:
        db.session.commit()
    return a


def delete_absence(actor, absence_id: int, commit: bool = True) -> None:
    require(MANAGE_ROSTER, actor)
    a = db.session.get(Absence, absence_id)
    if a is None:
        raise NotFound(_l("No such absence."))
    audit.record(actor, "consult.absence_deleted", a.expert, absence_id=a.id, date_from=a.date_from.isoformat(),
                 date_to=a.date_to.isoformat())
    db.session.execute(delete(Absence).where(Absence.id == a.id))
    if commit:
        db.session.commit()


def absences(from_day: date) -> list[Absence]:
    return db.session.scalars(select(Absence).where(Absence.date_to >= from_day)
                              .order_by(Absence.date_from, Absence.id)).all()
