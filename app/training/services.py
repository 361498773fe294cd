"""The rules of training: sessions, registration with a waiting list, attendance, certificates.

Plain arguments (a user, never `request`), so the CLI, the demo seed and the tests obey the same
rules as the web. Every change is audited in the caller's transaction; `commit=False` lets a
caller group several changes.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale, gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts import audit
from app.certification.models import TrainingCertificate
from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.types import utcnow
from app.extensions import db
from app.mail import services as mail
from app.permissions import CATALOGUER, TRAINER, require

from .models import KINDS, MODES, SHANGHAI, TrainingRegistration, TrainingSession

MANAGE_TRAINING = TRAINER
ACTIVE = ("registered", "waitlisted")
EDITABLE = ("kind", "title_zh", "title_en", "description", "mode", "city", "venue", "online_url",
            "starts_on", "ends_on", "registration_closes_at", "capacity")


def get_session(session_id: int) -> TrainingSession:
    s = db.session.get(TrainingSession, session_id)
    if s is None:
        raise NotFound(_l("No such training session."))
    return s


def get_registration(reg_id: int) -> TrainingRegistration:
    reg = db.session.get(TrainingRegistration, reg_id)
    if reg is None:
        raise NotFound(_l("No such registration."))
    return reg


# --- sessions ----------------------------------------------------------------------------------
def _clean(values: dict) -> dict:
    v = {k: (values.get(k).strip() if isinstance(values.get(k), str) else values.get(k)) for k in EDITABLE}
    for k in ("description", "city", "venue", "online_url"):
        v[k] = v[k] or None
    if v["kind"] not in KINDS:
        raise DomainError(_l("Choose the kind of training."), "kind")
    if not v["title_zh"] or not v["title_en"]:
        raise DomainError(_l("Give the title in Chinese and in English."),
                          "title_zh" if not v["title_zh"] else "title_en")
    if v["mode"] not in MODES:
        raise DomainError(_l("Choose whether the session is held in a city or online."), "mode")
    if v["mode"] == "city" and not v["city"]:
        raise DomainError(_l("Say in which city the session is held."), "city")
    if v["mode"] == "online":
        if not v["online_url"]:
            raise DomainError(_l("Give the link of the online session."), "online_url")
        if not v["online_url"].lower().startswith(("https://", "http://")):
            raise DomainError(_l("The link must start with https:// or http://."), "online_url")
    if not isinstance(v["starts_on"], date) or not isinstance(v["ends_on"], date):
        raise DomainError(_l("Give the first and the last day."), "starts_on")
    if v["ends_on"] < v["starts_on"]:
        raise DomainError(_l("The last day cannot come before the first."), "ends_on")
    closes = v["registration_closes_at"]
    if not isinstance(closes, datetime) or closes.tzinfo is None:
        raise DomainError(_l("Say when registration closes."), "registration_closes_at")
    probe = TrainingSession(starts_on=v["starts_on"], ends_on=v["ends_on"])
    if closes > probe.ends_at:
        raise DomainError(_l("Registration must close before the session ends."), "registration_closes_at")
    if v["capacity"] is not None and v["capacity"] < 1:
        raise DomainError(_l("Capacity must be a positive number, or empty for no limit."), "capacity")
    return v


def create_session(actor, commit: bool = True, **values) -> TrainingSession:
    """A draft; nobody sees it until it is published."""
    require(MANAGE_TRAINING, actor)
    s = TrainingSession(**_clean(values), status="draft", created_by_id=actor.id)
    db.session.add(s)
    db.session.flush()
    audit.record(actor, "training.session_created", s, kind=s.kind, title=s.title_zh)
    if commit:
        db.session.commit()
    return s


def update_session(actor, s: TrainingSession, commit: bool = True, **values) -> TrainingSession:
    require(MANAGE_TRAINING, actor)
    if s.status == "cancelled":
        raise DomainError(_l("A cancelled session cannot be changed."))
    cleaned = _clean({k: values.get(k, getattr(s, k)) for k in EDITABLE})
    changed = sorted(k for k, v in cleaned.items() if getattr(s, k) != v)
    taken = places_taken(s)
    if cleaned["capacity"] is not None and cleaned["capacity"] < taken:
        raise DomainError(_l("%(n)d people are registered already; the capacity cannot be less.", n=taken),
                          "capacity")
    for k, v in cleaned.items():
        setattr(s, k, v)
    audit.record(actor, "training.session_updated", s, fields=changed)
    _fill_places(actor, s)
    if commit:
        db.session.commit()
    return s


def publish(actor, s: TrainingSession, commit: bool = True) -> None:
    require(MANAGE_TRAINING, actor)
    if s.status != "draft":
        raise DomainError(_l("Only a draft can be published."))
    s.status, s.published_at = "published", utcnow()
    audit.record(actor, "training.session_published", s)
    if commit:
        db.session.commit()


def cancel_session(actor, s: TrainingSession, reason: str, commit: bool = True) -> int:
    """Cancels, and tells everyone registered or waiting why. Returns how many were told."""
    require(MANAGE_TRAINING, actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Give a reason for cancelling; the registered will read it."), "reason")
    if s.status == "cancelled":
        raise DomainError(_l("This session is cancelled already."))
    s.status, s.cancelled_at, s.cancel_reason = "cancelled", utcnow(), reason
    told = 0
    for reg in s.registrations:
        if reg.status in ACTIVE:
            tell(reg.user, s, "cancelled", reason=reason)
            told += 1
    audit.record(actor, "training.session_cancelled", s, reason=reason, told=told)
    if commit:
        db.session.commit()
    return told


def sessions(*, statuses=("published",), upcoming: bool | None = None, today: date | None = None,
             limit: int = 200) -> list[TrainingSession]:
    """Upcoming: not yet over (soonest first); past: over (latest first)."""
    today = today or utcnow().astimezone(SHANGHAI).date()
    q = select(TrainingSession).where(TrainingSession.status.in_(statuses))
    if upcoming is True:
        q = q.where(TrainingSession.ends_on >= today).order_by(TrainingSession.starts_on, TrainingSession.id)
    elif upcoming is False:
        q = q.where(TrainingSession.ends_on < today).order_by(TrainingSession.starts_on.desc(),
                                                              TrainingSession.id.desc())
    else:
        q = q.order_by(TrainingSession.starts_on.desc(), TrainingSession.id.desc())
    return db.session.scalars(q.limit(limit)).all()


# --- registration ------------------------------------------------------------------------------
def places_taken(s: TrainingSession) -> int:
    return db.session.scalar(select(func.count(TrainingRegistration.id)).where(
        TrainingRegistration.session_id == s.id, TrainingRegistration.status == "registered")) or 0


def own_registration(user, s: TrainingSession) -> TrainingRegistration | None:
    return db.session.scalar(select(TrainingRegistration).where(
        TrainingRegistration.session_id == s.id, TrainingRegistration.user_id == user.id))


def registration_open(s: TrainingSession, now: datetime | None = None) -> bool:
    return s.status == "published" and (now or utcnow()) < s.registration_closes_at


def register(user, s: TrainingSession, now: datetime | None = None, commit: bool = True) -> TrainingRegistration:
    """A place if one is free, else a place on the waiting list."""
    now = now or utcnow()
    require(CATALOGUER, user, message=_l("Only cataloguers of active member libraries may register."))
    if s.status != "published":
        raise DomainError(_l("This session is not open for registration."))
    if now >= s.registration_closes_at:
        raise DomainError(_l("Registration for this session has closed."))
    reg = own_registration(user, s)
    if reg is not None and reg.status in ACTIVE:
        raise DomainError(_l("You are registered for this session already."))
    full = s.capacity is not None and places_taken(s) >= s.capacity
    reg = reg or TrainingRegistration(session=s, user_id=user.id)
    reg.library_id, reg.status, reg.created_at, reg.cancelled_at = (
        user.library_id, "waitlisted" if full else "registered", now, None)
    reg.attended = reg.attendance_recorded_at = reg.attendance_recorded_by_id = None
    db.session.add(reg)
    db.session.flush()
    audit.record(user, "training.registered", reg, session_id=s.id, status=reg.status)
    if commit:
        db.session.commit()
    return reg


def cancel_registration(user, reg: TrainingRegistration, now: datetime | None = None,
                        commit: bool = True) -> TrainingRegistration | None:
    """Cancels the user's own registration; returns whoever was moved up from the waiting list."""
    now = now or utcnow()
    if reg.user_id != user.id:
        raise PermissionDenied(_l("This is not your registration."))
    if reg.status not in ACTIVE:
        raise DomainError(_l("This registration is not active."))
    if now >= reg.session.starts_at:
        raise DomainError(_l("The session has begun; the registration can no longer be cancelled."))
    was = reg.status
    reg.status, reg.cancelled_at = "cancelled", now
    db.session.flush()
    audit.record(user, "training.registration_cancelled", reg, session_id=reg.session_id, previous=was)
    promoted = _fill_places(user, reg.session, now) if was == "registered" else []
    if commit:
        db.session.commit()
    return promoted[0] if promoted else None


def _fill_places(actor, s: TrainingSession, now: datetime | None = None) -> list[TrainingRegistration]:
    """Moves the waiting list up, first come first served, while places are free; tells them."""
    if s.status != "published" or (now or utcnow()) >= s.starts_at:
        return []
    waiting = sorted((r for r in s.registrations if r.status == "waitlisted"),
                     key=lambda r: (r.created_at, r.id))
    free = len(waiting) if s.capacity is None else max(0, s.capacity - places_taken(s))
    moved = waiting[:free]
    for reg in moved:
        reg.status = "registered"
        audit.record(actor, "training.promoted_from_waitlist", reg, session_id=s.id, user_id=reg.user_id)
        tell(reg.user, s, "promoted")
    db.session.flush()
    return moved


def registrations(s: TrainingSession, statuses=ACTIVE) -> list[TrainingRegistration]:
    return [r for r in s.registrations if r.status in statuses]


def my_registrations(user) -> list[TrainingRegistration]:
    return db.session.scalars(select(TrainingRegistration).join(TrainingSession).where(
        TrainingRegistration.user_id == user.id).order_by(TrainingSession.starts_on.desc())).all()


# --- attendance ---------------------------------------------------------------
def record_attendance(actor, reg: TrainingRegistration, attended: bool, now: datetime | None = None,
                      commit: bool = True) -> None:
    now = now or utcnow()
    require(MANAGE_TRAINING, actor, message=_l("Only trainers record attendance."))
    s = reg.session
    if s.status != "published":
        raise DomainError(_l("Attendance is recorded for published sessions only."))
    if now < s.starts_at:
        raise DomainError(_l("Attendance can be recorded once the session has begun."))
    if reg.status != "registered":
        raise DomainError(_l("Only people with a place can attend."))
    if reg.attended is not None and not attended and certificate_for(reg) is not None:
        raise DomainError(_l("A certificate was issued for this attendance; revoke it first."))
    reg.attended, reg.attendance_recorded_at, reg.attendance_recorded_by_id = bool(attended), now, actor.id
    audit.record(actor, "training.attendance_recorded", reg, session_id=s.id, user_id=reg.user_id,
                 attended=bool(attended))
    if commit:
        db.session.commit()


def certificate_for(reg: TrainingRegistration) -> TrainingCertificate | None:
    """The certificate this session issued to this person, if any."""
    return db.session.scalar(select(TrainingCertificate).where(
        TrainingCertificate.session_id == reg.session_id, TrainingCertificate.user_id == reg.user_id))


# --- mail --------------------------------------------------------------------------------------
def session_link(s: TrainingSession) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/training/sessions/{s.id}"


def tell(user, s: TrainingSession, what: str, **kw) -> None:
    locale = user.locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "zh_CN")
    with force_locale(locale):
        title = s.title(locale)
        if what == "cancelled":
            subject = _("Training cancelled: %(t)s", t=title)
            body = _("The training session you registered for has been cancelled.") + "\n\n" + \
                _("Reason: %(r)s", r=kw["reason"])
        elif what == "promoted":
            subject = _("You have a place: %(t)s", t=title)
            body = _("A place became free and you have moved up from the waiting list: you are now "
                     "registered for the session.")
        else:
            subject = _("Training certificate %(n)s", n=kw["number"])
            body = _("Your training certificate %(n)s has been issued. You can download it from "
                     "\"My training\" on the portal.", n=kw["number"])
        body += "\n\n" + title + "\n" + session_link(s)
    mail.queue(user.email, subject, body, "training")
