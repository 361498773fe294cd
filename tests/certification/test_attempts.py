"""Sitting the shipped level-3 Chinese paper: drawing, saving, the deadline, takeover, grading,
release, the certificate and the upload right it brings."""
from datetime import timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.accounts.models import AuditEntry
from app.catalog.upload import may_upload, on_probation
from app.certification import attempts, grading, results
from app.certification.attempt_models import Attempt, Certificate, GradingReview, ScoreChange
from app.core.errors import DomainError, PermissionDenied
from app.core.types import utcnow
from app.extensions import db


def _right_answer(item):
    v = item.version
    if v.question.type == "marc_task":
        return {"mrk": v.key["references"][0]}
    if v.question.type == "fill":
        return v.key["answer"][0]
    return v.key["answer"]


def _sit(cand, reg, section, answer=_right_answer, now=None):
    a = attempts.start_or_resume(cand, reg, section, now=now)
    for item in a.items:
        attempts.save(cand, a.id, a.live_token, item.position, answer(item), 1, now=now)
    return attempts.submit(cand, a.id, a.live_token, now=now)


def test_paper_is_drawn_as_the_blueprint_says_and_frozen(exam):
    a = attempts.start_or_resume(exam["cand"], exam["reg"], "A")
    types = [i.version.question.type for i in a.items]
    assert (types.count("single"), types.count("truefalse"), types.count("multiple")) == (20, 20, 5)
    assert a.max_score == Decimal("100.00")
    assert {i.version.question.language_group for i in a.items} <= {"chinese", "all"}
    assert len({i.question_version_id for i in a.items}) == 45
    assert timedelta(minutes=89) < a.deadline - a.started_at <= timedelta(minutes=90)
    before = [i.question_version_id for i in a.items]
    again = attempts.start_or_resume(exam["cand"], exam["reg"], "A")
    assert again.id == a.id and [i.question_version_id for i in again.items] == before


def test_a_perfect_candidate_passes_gets_a_certificate_and_upload_right(exam):
    cand, reg = exam["cand"], exam["reg"]
    a = _sit(cand, reg, "A")
    assert a.status == "submitted" and a.score == Decimal("100.00")
    b = _sit(cand, reg, "B")
    assert b.score == Decimal("100.00")
    assert not may_upload(cand, "chinese")
    later = max(s.closes_at for s in exam["round"].sittings) + timedelta(minutes=1)
    assert results.release(exam["admin"], exam["round"], now=later) == 1
    db.session.refresh(cand)
    cert = db.session.scalar(select(Certificate).where(Certificate.user_id == cand.id))
    assert cert.scope == "chinese" and cert.level == 3 and len(cert.verification_code) == 12
    assert reg.passed is True and reg.total == Decimal("200.00")
    assert exam["lib"].upload_right
    assert may_upload(cand, "chinese") and not may_upload(cand, "western")
    assert on_probation(cand, "chinese")
    assert results.by_code(cert.verification_code.lower()).id == cert.id
    results.revoke_certificate(exam["admin"], cert, "Exam misconduct found later")
    db.session.refresh(cand)
    assert not may_upload(cand, "chinese")


def test_no_release_before_the_last_sitting_closes_or_with_open_reviews(exam):
    cand, reg = exam["cand"], exam["reg"]
    _sit(cand, reg, "A")
    with force_locale("en"), pytest.raises(DomainError, match="last sitting"):
        results.release(exam["admin"], exam["round"])
    b = _sit(cand, reg, "B")
    db.session.add(GradingReview(item=b.items[0], reason="band"))
    db.session.commit()
    later = max(s.closes_at for s in exam["round"].sittings) + timedelta(minutes=1)
    with force_locale("en"), pytest.raises(DomainError, match="review"):
        results.release(exam["admin"], exam["round"], now=later)
    grading.compute_result(reg)
    assert reg.passed is None  # no result while a score waits for an expert


def test_late_save_is_refused_and_the_saved_answers_are_submitted(exam):
    cand, reg = exam["cand"], exam["reg"]
    a = attempts.start_or_resume(cand, reg, "A")
    first = a.items[0]
    attempts.save(cand, a.id, a.live_token, first.position, _right_answer(first), 1)
    late = a.deadline + timedelta(seconds=1)
    with pytest.raises(attempts.SaveRefused) as e:
        attempts.save(cand, a.id, a.live_token, a.items[1].position, _right_answer(a.items[1]), 1, now=late)
    assert e.value.code == "late"
    db.session.refresh(a)
    assert a.status == "submitted" and a.submit_kind == "deadline"
    assert a.submitted_at == a.deadline
    assert a.items[0].response == _right_answer(first) and a.items[1].response is None
    assert a.score == first.points


def test_deadline_never_passes_the_close_of_the_sitting(exam):
    s = next(s for s in exam["round"].sittings if s.section == "A")
    s.closes_at = utcnow() + timedelta(minutes=10)
    db.session.commit()
    a = attempts.start_or_resume(exam["cand"], exam["reg"], "A")
    assert a.deadline == s.closes_at


def test_double_submission_is_harmless(exam):
    cand, reg = exam["cand"], exam["reg"]
    a = _sit(cand, reg, "A")
    score = a.score
    again = attempts.submit(cand, a.id, "whatever")
    assert again.score == score
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "exam.attempt_submitted")) == 1
    with pytest.raises(attempts.SaveRefused) as e:
        attempts.save(cand, a.id, a.live_token, 1, "A", 99)
    assert e.value.code == "submitted"


def test_a_second_browser_takes_over_and_the_first_is_told(exam):
    cand, reg = exam["cand"], exam["reg"]
    first = attempts.start_or_resume(cand, reg, "A").live_token
    second = attempts.start_or_resume(cand, reg, "A").live_token
    assert first != second
    a = db.session.scalar(select(Attempt))
    with pytest.raises(attempts.SaveRefused) as e:
        attempts.save(cand, a.id, first, 1, "A", 1)
    assert e.value.code == "taken_over"
    with pytest.raises(attempts.SaveRefused):
        attempts.submit(cand, a.id, first)
    assert attempts.save(cand, a.id, second, 1, "A", 1)["stale"] is False


def test_an_older_save_arriving_late_does_not_overwrite_a_newer_one(exam):
    cand, reg = exam["cand"], exam["reg"]
    a = attempts.start_or_resume(cand, reg, "A")
    pos = next(i.position for i in a.items if i.version.question.type == "single")
    attempts.save(cand, a.id, a.live_token, pos, "B", 5)
    ack = attempts.save(cand, a.id, a.live_token, pos, "A", 4)
    assert ack["stale"] and ack["seq"] == 5
    assert next(i for i in a.items if i.position == pos).response == "B"


def test_malformed_answers_and_other_peoples_attempts_are_refused(exam):
    cand, reg = exam["cand"], exam["reg"]
    a = attempts.start_or_resume(cand, reg, "A")
    single = next(i for i in a.items if i.version.question.type == "single")
    with pytest.raises(attempts.SaveRefused):
        attempts.save(cand, a.id, a.live_token, single.position, {"x": 1}, 1)
    with pytest.raises(attempts.SaveRefused):
        attempts.save(cand, a.id, a.live_token, single.position, "A" * 70000, 1)
    other = exam["gen"].gen_user("cataloguer", library=exam["lib"])
    with pytest.raises(PermissionDenied):
        attempts.save(other, a.id, a.live_token, single.position, "A", 1)


def test_expert_changes_a_score_with_a_reason_and_it_is_kept(exam):
    cand, reg = exam["cand"], exam["reg"]
    _sit(cand, reg, "A")
    b = _sit(cand, reg, "B")
    review = GradingReview(item=b.items[0], reason="band")
    db.session.add(review)
    db.session.commit()
    expert = exam["gen"].gen_user(("expert", "quality"), library=exam["gen"].gen_library())
    colleague = exam["gen"].gen_user(("expert", "quality"), library=exam["lib"])
    with pytest.raises(PermissionDenied):
        grading.resolve(colleague, review, 15, "looks fine")
    with pytest.raises(DomainError):
        grading.resolve(expert, review, 15, "")
    with pytest.raises(DomainError):
        grading.resolve(expert, review, 25, "too many")
    old = review.item.score
    grading.resolve(expert, review, 15, "The 200 $f is right per CALIS practice")
    change = db.session.scalar(select(ScoreChange))
    assert (change.old_score, change.new_score) == (old, Decimal("15.00"))
    assert review.item.score == Decimal("15.00") and review.status == "done"
