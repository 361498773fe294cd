"""Scores: automatic on submission, adjusted only by an expert with a written reason.

Objective items and MARC tasks are graded by their checkers (app/questions/checkers.py). A MARC task
whose score lies within the blueprint's band around the pass mark, and any appealed item, goes to
the expert queue; the result waits until the queue for that candidate is empty.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts import audit
from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.types import utcnow
from app.extensions import db
from app.permissions import REVIEW_EXAM_WORK, require
from app.questions.checkers import checker_for

from . import papers
from .attempt_models import Attempt, AttemptItem, GradingReview, ScoreChange
from .models import Registration

CENT = Decimal("0.01")


def q2(x) -> Decimal:
    return Decimal(x).quantize(CENT, rounding=ROUND_HALF_UP)


def grade_attempt(attempt: Attempt) -> None:
    bp = attempt.registration.round.blueprint
    for item in attempt.items:
        v = item.version
        outcome = checker_for(v.question.type).score(v.content, v.key, item.response, item.points,
                                                     partial_credit=item.partial_credit)
        item.auto_score = item.score = q2(outcome.score)
        item.feedback = dict(outcome.feedback, correct=outcome.correct, answered=outcome.answered)
    near_the_line = papers.review_positions(bp, attempt.section, attempt.items)
    for item in attempt.items:
        if item.position in near_the_line:
            db.session.add(GradingReview(item=item, reason="band"))
    attempt.score = q2(sum(i.score for i in attempt.items))
    attempt.graded_at = utcnow()
    db.session.flush()
    compute_result(attempt.registration)


def open_reviews(registration_id: int) -> int:
    return db.session.scalar(
        select(func.count(GradingReview.id)).join(AttemptItem).join(Attempt)
        .where(Attempt.registration_id == registration_id, GradingReview.status == "open")) or 0


def compute_result(reg: Registration) -> None:
    """The result, once every section is graded and no review is open; otherwise none yet."""
    bp = reg.round.blueprint
    sections = papers.section_codes(bp)
    done = {a.section: a for a in reg.attempts if a.status == "submitted" and a.score is not None}
    if set(sections) - set(done) or open_reviews(reg.id):
        if reg.round.results_released_at is not None:
            return  # a released result stands while an appeal is looked at
        reg.total = reg.passed = reg.result_at = None
        reg.section_results = {}
        return
    out = papers.outcome(bp, {c: done[c].score for c in sections})
    reg.section_results = {
        o.code: {"score": str(o.score), "max": str(o.max_points), "passed": o.passed,
                 "pass": None if o.pass_points is None else str(o.pass_points)}
        for o in out.sections}
    reg.total = q2(out.total)
    reg.passed = out.passed
    reg.result_at = utcnow()


def get_review(review_id: int) -> GradingReview:
    r = db.session.get(GradingReview, review_id)
    if r is None:
        raise NotFound(_l("No such review."))
    return r


def check_reviewer(expert, review: GradingReview) -> None:
    require(REVIEW_EXAM_WORK, expert)
    reg = review.item.attempt.registration
    if reg.user_id == expert.id:
        raise PermissionDenied(_l("You cannot review your own exam work."))
    if expert.library_id is not None and expert.library_id == reg.library_id:
        raise PermissionDenied(_l("A colleague from the candidate's library may not review this work."))


def resolve(expert, review: GradingReview, new_score, reason: str, now: datetime | None = None) -> None:
    """Confirm or change the score of a reviewed item; every change is kept with its reason."""
    check_reviewer(expert, review)
    if review.status != "open":
        raise DomainError(_l("This review is closed already."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Give the reason for your decision."), "reason")
    item = review.item
    try:
        new = q2(new_score)
    except Exception:
        raise DomainError(_l("Give the score as a number."), "score") from None
    if not Decimal(0) <= new <= item.points:
        raise DomainError(_l("The score must be between 0 and %(p)s.", p=item.points), "score")
    now = now or utcnow()
    if new != item.score:
        db.session.add(ScoreChange(item=item, review_id=review.id, actor_id=expert.id, old_score=item.score,
                                   new_score=new, reason=reason, created_at=now))
        audit.record(expert, "exam.score_changed", item.attempt, reason=reason, item=item.position,
                     old=str(item.score), new=str(new), review_id=review.id)
        item.score = new
        item.attempt.score = q2(sum(i.score for i in item.attempt.items))
    else:
        audit.record(expert, "exam.score_confirmed", item.attempt, reason=reason, item=item.position,
                     score=str(new), review_id=review.id)
    review.status, review.resolved_at, review.resolved_by_id, review.resolution = "done", now, expert.id, reason
    db.session.flush()
    reg = item.attempt.registration
    compute_result(reg)
    if reg.round.results_released_at is not None:
        from .results import after_late_change

        after_late_change(reg, now)
    db.session.commit()


def appeal(user, item: AttemptItem, text: str, now: datetime | None = None) -> GradingReview:
    """A candidate asks the panel to look again at one item, after results are out."""
    now = now or utcnow()
    reg = item.attempt.registration
    if reg.user_id != user.id:
        raise PermissionDenied(_l("This is not your exam work."))
    released = reg.round.results_released_at
    if released is None:
        raise DomainError(_l("Appeals open when the results are released."))
    days = current_app.config.get("EXAM_APPEAL_DAYS", 14)
    if now > released + timedelta(days=days):
        raise DomainError(_l("Appeals close %(n)d days after the results are released.", n=days))
    text = (text or "").strip()
    if len(text) < 10:
        raise DomainError(_l("Say what you think was graded wrongly (at least 10 characters)."), "text")
    if db.session.scalar(select(GradingReview.id).where(GradingReview.item_id == item.id,
                                                        GradingReview.status == "open")):
        raise DomainError(_l("This item is already waiting for review."))
    review = GradingReview(item=item, reason="appeal", appeal_text=text[:5000], created_by_id=user.id,
                           created_at=now)
    db.session.add(review)
    db.session.flush()
    audit.record(user, "exam.appealed", item.attempt, item=item.position, review_id=review.id)
    db.session.commit()
    return review


def queue(status: str = "open"):
    return db.session.scalars(select(GradingReview).where(GradingReview.status == status)
                              .order_by(GradingReview.created_at)).all()
