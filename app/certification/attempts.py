"""Sitting a section: the paper drawn and frozen at the start, server-kept time, autosave, takeover.

The server owns the clock: the deadline is fixed when the attempt starts (start + the section's
limit, never past the sitting's close) and every save is checked against it. An answer is
acknowledged only after its transaction commits, so an acknowledged answer is never lost. Each
attempt row is locked while it is saved or submitted, so a save can never slip in after the
submission that graded the attempt.
"""
from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.accounts import audit
from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.types import utcnow
from app.extensions import db

from . import grading, papers
from app.questions.models import Question, QuestionVersion

from .attempt_models import Attempt, AttemptItem
from .models import Registration, Sitting

MAX_RESPONSE_BYTES = 64 * 1024


class SaveRefused(DomainError):
    """A save or submission the server will not take; `code` tells the page what to show."""

    def __init__(self, message, code: str):
        super().__init__(message)
        self.code = code


def open_sitting(reg: Registration, section: str, now: datetime) -> Sitting | None:
    for s in reg.round.sittings:
        if s.section == section and s.opens_at <= now < s.closes_at:
            return s
    return None


def items_loaded():
    """Every item with its version and question, in three statements instead of two per item."""
    return selectinload(Attempt.items).selectinload(AttemptItem.version).selectinload(QuestionVersion.question)


def get_attempt(user, attempt_id: int, lock: bool = False, with_items: bool = False) -> Attempt:
    """The user's own attempt (ownership checked in the same query), optionally with its items."""
    q = select(Attempt).join(Registration).where(Attempt.id == attempt_id, Registration.user_id == user.id)
    if with_items:
        q = q.options(items_loaded())
    if lock:
        q = q.with_for_update(of=Attempt)
    attempt = db.session.scalars(q).first()
    if attempt is None:
        if db.session.get(Attempt, attempt_id) is None:
            raise NotFound(_l("No such attempt."))
        raise PermissionDenied(_l("This is not your attempt."))
    return attempt


def start_or_resume(user, reg: Registration, section: str, now: datetime | None = None) -> Attempt:
    """Open the candidate's attempt for `section`, drawing the paper the first time.

    Every call hands the attempt to the calling browser (a new live token): a second browser takes
    over, and the first is told at its next save.
    """
    now = now or utcnow()
    if reg.user_id != user.id:
        raise PermissionDenied(_l("This is not your registration."))
    if reg.status != "registered":
        raise DomainError(_l("You are not admitted to this round."))
    existing = _existing(reg, section, lock=True)
    if existing is None:
        sitting = open_sitting(reg, section, now)
        if sitting is None:
            raise DomainError(_l("This section is not open for sitting now."))
        try:
            existing = _create(reg, section, sitting, now)
        except IntegrityError:  # the same candidate started in two browsers at once
            db.session.rollback()
            existing = _existing(reg, section, lock=True)
    if existing.status == "in_progress" and now >= existing.deadline:
        submit_locked(existing, now, "deadline")
    if existing.status != "in_progress":
        db.session.commit()
        return existing
    existing.live_token = secrets.token_hex(16)
    existing.live_since = now
    existing.takeovers += 1
    db.session.commit()
    return existing


def _existing(reg: Registration, section: str, lock: bool) -> Attempt | None:
    q = select(Attempt).where(Attempt.registration_id == reg.id, Attempt.section == section).options(items_loaded())
    if lock:
        q = q.with_for_update()
    return db.session.scalars(q).first()


def _create(reg: Registration, section: str, sitting: Sitting, now: datetime) -> Attempt:
    seed = secrets.randbits(31)
    drawn = papers.draw(reg.round.blueprint, section, seed)
    limit = papers.time_limit_minutes(reg.round.blueprint, section)
    deadline = min(now + timedelta(minutes=limit), sitting.closes_at)
    attempt = Attempt(registration=reg, sitting=sitting, section=section, seed=seed, started_at=now,
                      deadline=deadline, live_token=secrets.token_hex(16), live_since=now,
                      takeovers=-1, max_score=sum(d.points for d in drawn))
    db.session.add(attempt)
    for d in drawn:
        db.session.add(AttemptItem(attempt=attempt, position=d.position, question_version_id=d.version_id,
                                   points=d.points, partial_credit=d.partial_credit))
    db.session.flush()
    audit.record(reg.user, "exam.attempt_started", attempt, round=reg.round.code, section=section,
                 deadline=deadline.isoformat(), seed=seed)
    return attempt


def _check_response(kind: str, response) -> None:
    if len(json.dumps(response, ensure_ascii=False).encode()) > MAX_RESPONSE_BYTES:
        raise SaveRefused(_l("This answer is too long to save."), "too_large")
    ok = (response is None
          or (kind == "single" and isinstance(response, str))
          or (kind == "multiple" and isinstance(response, list) and all(isinstance(k, str) for k in response))
          or (kind == "truefalse" and isinstance(response, bool))
          or (kind == "fill" and isinstance(response, str))
          or (kind == "marc_task" and isinstance(response, dict)
              and isinstance(response.get("mrk", ""), str)
              and isinstance(response.get("choice") or "", str)))
    if not ok:
        raise SaveRefused(_l("This answer has the wrong form for its question."), "bad_response")


def _live(attempt: Attempt, token: str, now: datetime) -> None:
    if attempt.status != "in_progress":
        raise SaveRefused(_l("This attempt has been submitted; nothing more can be saved."), "submitted")
    if now >= attempt.deadline:
        submit_locked(attempt, now, "deadline")
        db.session.commit()
        raise SaveRefused(_l("Time is up. Your answers saved before the deadline have been submitted; "
                             "this change arrived late and was not saved."), "late")
    if not secrets.compare_digest(token or "", attempt.live_token):
        raise SaveRefused(_l("This exam has been opened in another window or browser, which now holds "
                             "it. Continue there, or reload this page to take it back."), "taken_over")


def save(user, attempt_id: int, token: str, position: int, response, seq: int,
         now: datetime | None = None) -> dict:
    """Store one answer; returns the acknowledgement the page shows ("saved at …")."""
    now = now or utcnow()
    attempt = get_attempt(user, attempt_id, lock=True)
    try:
        _live(attempt, token, now)
        row = db.session.execute(
            select(AttemptItem, Question.type)
            .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
            .join(Question, Question.id == QuestionVersion.question_id)
            .where(AttemptItem.attempt_id == attempt.id, AttemptItem.position == position)).first()
        if row is None:
            raise SaveRefused(_l("No such question in this paper."), "bad_position")
        item, kind = row
        _check_response(kind, response)
    except SaveRefused:
        db.session.rollback()
        raise
    stale = seq <= item.save_seq
    if not stale:
        item.response, item.save_seq, item.saved_at = response, seq, now
    # Built before the commit, which expires the objects: no reloading to acknowledge.
    ack = {"position": position, "seq": item.save_seq,
           "saved_at": item.saved_at.isoformat() if item.saved_at else None,
           "stale": stale, "deadline": attempt.deadline.isoformat()}
    db.session.commit()
    return ack


def save_many(user, attempt_id: int, token: str, response_for, submit_after: bool = False,
              now: datetime | None = None) -> Attempt:
    """The whole paper at once (the page's plain form): one lock, one commit, and, when asked,
    the submission in the same transaction. `response_for(item)` gives an answer or None (absent)."""
    now = now or utcnow()
    attempt = get_attempt(user, attempt_id, lock=True, with_items=True)
    try:
        _live(attempt, token, now)
        changed = []
        for item in attempt.items:
            response = response_for(item)
            if response is None:
                continue
            _check_response(item.version.question.type, response)
            if response != item.response:
                changed.append((item, response))
    except SaveRefused:
        db.session.rollback()
        raise
    for item, response in changed:
        item.response, item.save_seq, item.saved_at = response, item.save_seq + 1, now
    if submit_after:
        submit_locked(attempt, now, "candidate")
    db.session.commit()
    return attempt


def submit(user, attempt_id: int, token: str, now: datetime | None = None) -> Attempt:
    """Hand in; harmless when repeated. Only the browser holding the attempt may submit it."""
    now = now or utcnow()
    attempt = get_attempt(user, attempt_id, lock=True, with_items=True)
    if attempt.status == "in_progress":
        if now < attempt.deadline and not secrets.compare_digest(token or "", attempt.live_token):
            db.session.rollback()
            raise SaveRefused(_l("This exam has been opened in another window or browser; submit it "
                                 "there."), "taken_over")
        submit_locked(attempt, now, "candidate" if now < attempt.deadline else "deadline")
    db.session.commit()
    return attempt


def submit_locked(attempt: Attempt, now: datetime, kind: str) -> None:
    """Close the attempt with what was saved, and grade it. The caller holds the row and commits."""
    attempt.status = "submitted"
    attempt.submitted_at = min(now, attempt.deadline)
    attempt.submit_kind = kind
    audit.record(None if kind == "deadline" else attempt.registration.user, "exam.attempt_submitted",
                 attempt, kind=kind)
    grading.grade_attempt(attempt)


def close_if_overdue(user, attempt_id: int, now: datetime | None = None) -> Attempt:
    """This attempt, submitted first if its time is up (the page asks when its clock runs out)."""
    now = now or utcnow()
    attempt = get_attempt(user, attempt_id, lock=True, with_items=True)
    if attempt.status == "in_progress" and now >= attempt.deadline:
        submit_locked(attempt, now, "deadline")
    db.session.commit()
    return attempt


def close_overdue(now: datetime | None = None) -> int:
    """Submit every attempt whose time is up (run by `flask exams close-due` and before results)."""
    now = now or utcnow()
    ids = db.session.scalars(select(Attempt.id).where(Attempt.status == "in_progress",
                                                      Attempt.deadline <= now)).all()
    for attempt_id in ids:
        attempt = db.session.scalars(select(Attempt).where(Attempt.id == attempt_id).options(items_loaded())
                                     .with_for_update(of=Attempt)).first()
        if attempt.status == "in_progress":
            submit_locked(attempt, now, "deadline")
        db.session.commit()
    return len(ids)


def candidate_paper(attempt: Attempt) -> list[dict]:
    """What the candidate's page may show: question content and their own saved answers, no key."""
    out = []
    for item in attempt.items:
        v = item.version
        out.append({"position": item.position, "type": v.question.type, "points": item.points,
                    "question_id": v.question_id,
                    "content": papers.public_content(v), "response": item.response,
                    "seq": item.save_seq, "saved_at": item.saved_at})
    return out
