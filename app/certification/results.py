"""Releasing results, certificates, and the upload permission that passing grants.

Passing gives the certified-cataloguer role for the round's scope and level, valid as long as the
certificate (the grant expires with it, so expiry needs no job); the library gains upload right with
its first certified cataloguer; revoking a certificate revokes the grant. The holder starts on
probation automatically (app/catalog/upload.py counts their reviewed records).
"""
from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta, timezone

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts import audit, roles
from app.core.errors import DomainError, NotFound
from app.core.types import utcnow
from app.extensions import db
from app.mail import services as mail
from app.permissions import MANAGE_EXAMS, require

from . import attempts, grading
from .attempt_models import Attempt, Certificate, GradingReview
from .models import ExamRound, Registration

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
SHANGHAI = timezone(timedelta(hours=8))


def open_reviews_in_round(r: ExamRound) -> int:
    return db.session.scalar(
        select(func.count(GradingReview.id)).join(GradingReview.item).join(Attempt)
        .join(Registration).where(Registration.round_id == r.id, GradingReview.status == "open")) or 0


def release(actor, r: ExamRound, now: datetime | None = None) -> int:
    """Publish the round's results; returns the number of certificates issued."""
    now = now or utcnow()
    if actor is not None:
        require(MANAGE_EXAMS, actor)
    if r.results_released_at is not None:
        raise DomainError(_l("The results of this round are released already."))
    if now < max((s.closes_at for s in r.sittings), default=now):
        raise DomainError(_l("Results can be released only after the last sitting has closed."))
    attempts.close_overdue(now)
    waiting = open_reviews_in_round(r)
    if waiting:
        raise DomainError(_l("%(n)d scores are still waiting for expert review.", n=waiting))
    issued = 0
    for reg in r.registrations:
        if reg.status != "registered" or not reg.attempts:
            continue
        grading.compute_result(reg)
        if reg.passed:
            issue_certificate(reg, now)
            issued += 1
        _tell(reg)
    r.results_released_at, r.results_released_by_id = now, getattr(actor, "id", None)
    audit.record(actor, "exam.results_released", r, certificates=issued)
    db.session.commit()
    return issued


def release_due(now: datetime | None = None) -> list[str]:
    """Release every round whose set release time has come (run by `flask exams release-due`)."""
    now = now or utcnow()
    done = []
    for r in db.session.scalars(select(ExamRound).where(ExamRound.results_released_at.is_(None),
                                                        ExamRound.results_release_at <= now)).all():
        try:
            release(None, r, now)
            done.append(r.code)
        except DomainError:
            db.session.rollback()  # reviews still open: tried again at the next run
    return done


def _number(r: ExamRound, today: date) -> str:
    prefix = f"BM{r.scope[:2].upper()}{r.level}-{today.year}-"
    n = db.session.scalar(select(func.count(Certificate.id)).where(Certificate.number.like(prefix + "%"))) or 0
    return f"{prefix}{n + 1:05d}"


def issue_certificate(reg: Registration, now: datetime) -> Certificate:
    existing = db.session.scalar(select(Certificate).where(Certificate.registration_id == reg.id))
    if existing is not None:
        return existing
    r = reg.round
    today = now.astimezone(SHANGHAI).date()
    try:
        valid_until = today.replace(year=today.year + r.certificate_valid_years)
    except ValueError:  # 29 February
        valid_until = today.replace(year=today.year + r.certificate_valid_years, day=28)
    expires = datetime.combine(valid_until + timedelta(days=1), time(0), SHANGHAI).astimezone(timezone.utc)
    cert = Certificate(number=_number(r, today), verification_code="".join(
        secrets.choice(CODE_ALPHABET) for _ in range(12)), user_id=reg.user_id, library_id=reg.library_id,
        registration_id=reg.id, scope=r.scope, level=r.level, issued_on=today, valid_until=valid_until)
    db.session.add(cert)
    db.session.flush()
    grant = roles.grant(None, reg.user, "certified", f"Passed exam round {r.code}, certificate {cert.number}",
                        scope=r.scope, level=r.level, expires_at=expires, commit=False)
    cert.grant_id = grant.id
    lib = reg.library
    if not lib.upload_right:
        lib.upload_right = True
        audit.record(None, "library.upload_right_granted", lib,
                     reason=f"First certified cataloguer ({cert.number})")
    audit.record(None, "exam.certificate_issued", reg.user, number=cert.number, scope=r.scope,
                 level=r.level, valid_until=valid_until.isoformat())
    return cert


def after_late_change(reg: Registration, now: datetime) -> None:
    """A score changed after release (an appeal): a new pass earns its certificate."""
    if reg.passed:
        issue_certificate(reg, now)
    _tell(reg, changed=True)


def revoke_certificate(actor, cert: Certificate, reason: str, now: datetime | None = None) -> None:
    require(MANAGE_EXAMS, actor)
    if cert.revoked_at is not None:
        raise DomainError(_l("This certificate is revoked already."))
    if not (reason or "").strip():
        raise DomainError(_l("Give a reason."), "reason")
    now = now or utcnow()
    cert.revoked_at, cert.revoked_by_id, cert.revoke_reason = now, actor.id, reason.strip()
    if cert.grant_id is not None:
        g = roles.get_grant(cert.grant_id)
        if g.revoked_at is None:
            roles.revoke(actor, g, f"Certificate {cert.number} revoked: {reason.strip()}", commit=False)
    audit.record(actor, "exam.certificate_revoked", cert.user, reason=reason.strip(), number=cert.number)
    db.session.commit()


def by_code(code: str) -> Certificate:
    code = "".join((code or "").split()).upper()
    cert = db.session.scalar(select(Certificate).where(Certificate.verification_code == code))
    if cert is None:
        raise NotFound(_l("No certificate has this verification code."))
    return cert


def _tell(reg: Registration, changed: bool = False) -> None:
    user = reg.user
    with force_locale(user.locale or "zh_CN"):
        subject = _("Exam results: %(round)s", round=reg.round.title(user.locale or "zh_CN"))
        body = (_("Your result has changed after review.") + "\n\n" if changed else "") + _(
            "The results of the exam round are out. Sign in to the portal to see your scores.")
    mail.queue(user.email, subject, body, "exam_result")
