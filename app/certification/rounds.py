"""Rounds (期): opened by the centre, registered for by cataloguers, with eligibility and seats."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts import audit
from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.types import utcnow
from app.extensions import db
from app.permissions import MANAGE_EXAMS, SIT_EXAMS, require

from . import papers
from .models import ExamRound, Registration, Sitting, TrainingCertificate

ACTIVE_REGISTRATION = ("pending", "registered")
# The moves a round may make: a closed round may reopen (a late sitting), a cancelled one never.
NEXT_STATUS = {"draft": ("open", "cancelled"), "open": ("closed", "cancelled"), "closed": ("open",),
               "cancelled": ()}


def get_round(round_id: int) -> ExamRound:
    r = db.session.get(ExamRound, round_id)
    if r is None:
        raise NotFound(_l("No such exam round."))
    return r


def create_round(actor, *, blueprint_code: str, code: str, title_zh: str, title_en: str,
                 registration_opens_at: datetime, registration_closes_at: datetime,
                 seats: int | None = None, results_release_at: datetime | None = None,
                 certificate_valid_years: int = 3, note: str | None = None,
                 blueprints_dir=None, commit: bool = True) -> ExamRound:
    """`blueprints_dir` defaults to the shipped `exams/`; tests pass their own."""
    require(MANAGE_EXAMS, actor)
    code = (code or "").strip()
    if not code:
        raise DomainError(_l("Give the round a code, e.g. 2026-2."), "code")
    if db.session.scalar(select(ExamRound.id).where(ExamRound.code == code)) is not None:
        raise DomainError(_l("A round with this code exists already."), "code")
    if not (title_zh or "").strip() or not (title_en or "").strip():
        raise DomainError(_l("Give the title in Chinese and in English."), "title_zh")
    if registration_closes_at <= registration_opens_at:
        raise DomainError(_l("Registration must close after it opens."), "registration_closes_at")
    if seats is not None and seats < 1:
        raise DomainError(_l("Seats must be a positive number, or empty for no limit."), "seats")
    if not 1 <= certificate_valid_years <= 10:
        raise DomainError(_l("Certificates are valid for 1 to 10 years."), "certificate_valid_years")
    bp = papers.stored_blueprint(blueprint_code, *([blueprints_dir] if blueprints_dir else []))
    r = ExamRound(code=code, title_zh=title_zh.strip(), title_en=title_en.strip(), blueprint=bp,
                  scope=bp.scope, level=bp.level, registration_opens_at=registration_opens_at,
                  registration_closes_at=registration_closes_at, seats=seats,
                  results_release_at=results_release_at, certificate_valid_years=certificate_valid_years,
                  note=note, created_by_id=actor.id, status="draft")
    db.session.add(r)
    db.session.flush()
    audit.record(actor, "exam.round_created", r, code=code, blueprint=bp.code, version=bp.version)
    if commit:
        db.session.commit()
    return r


def add_sitting(actor, r: ExamRound, section: str, opens_at: datetime, closes_at: datetime,
                place: str | None = None, commit: bool = True) -> Sitting:
    require(MANAGE_EXAMS, actor)
    sections = papers.section_codes(r.blueprint)
    if section not in sections:
        raise DomainError(_l("The paper has no section %(s)s (it has %(all)s).", s=section,
                             all=", ".join(sections)), "section")
    if closes_at <= opens_at:
        raise DomainError(_l("A sitting must close after it opens."), "closes_at")
    s = Sitting(round=r, section=section, opens_at=opens_at, closes_at=closes_at, place=place or None)
    db.session.add(s)
    db.session.flush()
    audit.record(actor, "exam.sitting_added", r, section=section, opens_at=opens_at.isoformat(),
                 closes_at=closes_at.isoformat())
    if commit:
        db.session.commit()
    return s


def set_status(actor, r: ExamRound, status: str, reason: str | None = None, commit: bool = True) -> None:
    require(MANAGE_EXAMS, actor)
    if status not in NEXT_STATUS.get(r.status, ()):
        raise DomainError(_l("A round cannot go from %(a)s to %(b)s.", a=r.status, b=status), "status")
    if status == "open":
        missing = set(papers.section_codes(r.blueprint)) - {s.section for s in r.sittings}
        if missing:
            raise DomainError(_l("Add a sitting for every section first (missing: %(s)s).",
                                 s=", ".join(sorted(missing))), "status")
    if status == "cancelled" and not (reason or "").strip():
        raise DomainError(_l("Give a reason for cancelling the round."), "reason")
    old, r.status = r.status, status
    audit.record(actor, "exam.round_" + status, r, reason=reason, previous=old)
    if commit:
        db.session.commit()


def valid_training_certificate(user) -> TrainingCertificate | None:
    """The general training certificate that admits to the exam (a subject course does not)."""
    return db.session.scalars(select(TrainingCertificate).where(
        TrainingCertificate.user_id == user.id, TrainingCertificate.kind == "general",
        TrainingCertificate.revoked_at.is_(None))
        .order_by(TrainingCertificate.issued_on.desc())).first()


def seats_taken(r: ExamRound) -> int:
    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.round_id == r.id, Registration.status == "registered")) or 0


def register(user, r: ExamRound, note: str | None = None, now: datetime | None = None,
             commit: bool = True) -> Registration:
    """Register `user`: straight in with a training certificate, else pending an administrator."""
    now = now or utcnow()
    require(SIT_EXAMS, user, message=_l("Only cataloguers of active member libraries may register."))
    if r.status != "open" or not r.registration_opens_at <= now < r.registration_closes_at:
        raise DomainError(_l("Registration for this round is not open."))
    existing = db.session.scalar(select(Registration).where(
        Registration.round_id == r.id, Registration.user_id == user.id))
    if existing is not None and existing.status in ACTIVE_REGISTRATION:
        raise DomainError(_l("You are registered for this round already."))
    policy = papers.eligibility(r.blueprint)
    cert = valid_training_certificate(user)
    if cert is not None and policy in ("training_certificate", "training_or_approval"):
        basis, status = "training_certificate", "registered"
    elif policy in ("admin_approval", "training_or_approval"):
        basis, status = "admin_approval", "pending"
        if policy == "training_or_approval" and not (note or "").strip():
            raise DomainError(_l("Without a training certificate, say why you should be admitted "
                                 "(e.g. the training you attended)."), "note")
    else:
        raise DomainError(_l("This round requires a training certificate, and none is on record "
                             "for you."))
    if status == "registered" and r.seats is not None and seats_taken(r) >= r.seats:
        raise DomainError(_l("All seats of this round are taken."))
    reg = existing or Registration(round=r, user_id=user.id)
    reg.library_id, reg.status, reg.basis = user.library_id, status, basis
    reg.training_certificate_id = cert.id if basis == "training_certificate" else None
    reg.request_note, reg.created_at = (note or "").strip() or None, now
    reg.decided_at = reg.decided_by_id = reg.decision_reason = None
    db.session.add(reg)
    db.session.flush()
    audit.record(user, "exam.registered", reg, round=r.code, status=status, basis=basis)
    if commit:
        db.session.commit()
    return reg


def decide(actor, reg: Registration, approve: bool, reason: str | None = None,
           commit: bool = True) -> None:
    require(MANAGE_EXAMS, actor)
    if reg.status != "pending":
        raise DomainError(_l("This registration is not waiting for a decision."))
    if not approve and not (reason or "").strip():
        raise DomainError(_l("Give a reason for refusing."), "reason")
    if approve and reg.round.seats is not None and seats_taken(reg.round) >= reg.round.seats:
        raise DomainError(_l("All seats of this round are taken."))
    reg.status = "registered" if approve else "refused"
    reg.decided_at, reg.decided_by_id = utcnow(), actor.id
    reg.decision_reason = (reason or "").strip() or None
    audit.record(actor, "exam.registration_" + ("approved" if approve else "refused"), reg,
                 reason=reg.decision_reason, user_id=reg.user_id)
    if commit:
        db.session.commit()


def withdraw(user, reg: Registration, commit: bool = True) -> None:
    if reg.user_id != user.id:
        raise PermissionDenied(_l("This is not your registration."))
    if reg.status not in ACTIVE_REGISTRATION:
        raise DomainError(_l("This registration is not active."))
    if reg.attempts:
        raise DomainError(_l("You have started the exam; the registration can no longer be withdrawn."))
    reg.status = "withdrawn"
    audit.record(user, "exam.withdrawn", reg)
    if commit:
        db.session.commit()


def registrations(r: ExamRound, library_id: int | None = None, status: str | None = None):
    q = select(Registration).where(Registration.round_id == r.id)
    if library_id is not None:
        q = q.where(Registration.library_id == library_id)
    if status:
        q = q.where(Registration.status == status)
    return db.session.scalars(q.order_by(Registration.library_id, Registration.id)).all()


def record_training_certificate(actor, user, number: str, kind: str = "general",
                                note: str | None = None, commit: bool = True) -> TrainingCertificate:
    require(MANAGE_EXAMS, actor)
    number = (number or "").strip()
    if not number:
        raise DomainError(_l("Give the certificate number."), "number")
    if db.session.scalar(select(TrainingCertificate.id).where(TrainingCertificate.number == number)):
        raise DomainError(_l("This certificate number is on record already."), "number")
    tc = TrainingCertificate(number=number, user_id=user.id, kind=kind, issued_by_id=actor.id,
                             note=note or None)
    db.session.add(tc)
    db.session.flush()
    audit.record(actor, "training.certificate_recorded", user, number=number, kind=kind)
    if commit:
        db.session.commit()
    return tc
