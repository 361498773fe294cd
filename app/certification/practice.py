"""Practice: a cataloguer answers questions from the bank and sees the key straight away.

Only questions marked `for_practice` are offered, and the answer key of any question offered here
is shown after answering. A question that must stay secret until an exam is over is kept out of
practice by setting `for_practice` False (the centre's rule for exam-only items, docs/questions.md);
knowing cheaply whether a version sits in a paper being taken right now is not possible.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.core.errors import NotFound
from app.extensions import db
from app.permissions import PRACTISE, require
from app.questions.checkers import checker_for
from app.questions.models import Question, QuestionVersion, current_versions_query

from .attempt_models import PracticeAnswer

FILTERS = ("category", "type", "language_group")


def _may_practise(user) -> None:
    require(PRACTISE, user, _l("Practice is open to the cataloguers of member libraries."))


def pool(category: str | None = None, type: str | None = None, language_group: str | None = None):
    """Approved current versions of live questions meant for practice ('all' serves both groups)."""
    q = current_versions_query().where(Question.for_practice.is_(True))
    if category:
        q = q.where(Question.category == category)
    if type:
        q = q.where(Question.type == type)
    if language_group in ("chinese", "western"):
        q = q.where(Question.language_group.in_((language_group, "all")))
    elif language_group:
        q = q.where(Question.language_group == language_group)
    return q


def draw(user, **filters) -> QuestionVersion | None:
    """A random question, preferring ones this cataloguer has not answered yet."""
    _may_practise(user)
    filters = {k: v for k, v in filters.items() if k in FILTERS and v}
    base = pool(**filters)
    answered = (select(QuestionVersion.question_id).join(PracticeAnswer, PracticeAnswer.question_version_id
                                                          == QuestionVersion.id)
                .where(PracticeAnswer.user_id == user.id))
    fresh = base.where(QuestionVersion.question_id.not_in(answered))
    for q in (fresh, base):
        v = db.session.scalars(q.order_by(func.random()).limit(1)).first()
        if v is not None:
            return v
    return None


def get_practice_version(user, version_id: int) -> QuestionVersion:
    """A version that may be practised: approved, of a live question open to practice.

    An older approved version stays answerable for a while, so a page opened before an update still works.
    """
    _may_practise(user)
    v = db.session.get(QuestionVersion, version_id)
    if v is None or v.status != "approved" or not v.question.for_practice or v.question.retired_at is not None:
        raise NotFound(_l("This question is not open to practice."))
    return v


def public_view(v: QuestionVersion) -> dict:
    return checker_for(v.question.type).public_view(v.content)


@dataclass
class Feedback:
    answer: PracticeAnswer
    outcome: object
    details: dict


def answer(user, v: QuestionVersion, response, lang: str = "zh") -> Feedback:
    """Grade the response, keep it in the cataloguer's history, and return the key's feedback."""
    v = get_practice_version(user, v.id)
    checker = checker_for(v.question.type)
    outcome = checker.score(v.content, v.key, response, v.points)
    row = PracticeAnswer(user_id=user.id, question_version_id=v.id, response=response,
                         score=outcome.score, max_score=outcome.max)
    db.session.add(row)
    db.session.commit()
    return Feedback(row, outcome, checker.practice_feedback(v.content, v.key, outcome, lang))


def history(user, page: int = 1, per_page: int = 20):
    _may_practise(user)
    q = (select(PracticeAnswer).where(PracticeAnswer.user_id == user.id)
         .order_by(PracticeAnswer.answered_at.desc(), PracticeAnswer.id.desc()))
    return db.paginate(q, page=page, per_page=per_page, error_out=False)


@dataclass
class Progress:
    category: str
    answered: int
    score: Decimal
    max_score: Decimal

    @property
    def percent(self) -> Decimal:
        if not self.max_score:
            return Decimal("0")
        return (self.score * 100 / self.max_score).quantize(Decimal("1"))


def progress(user) -> list[Progress]:
    """Answers and the share of points earned, per category (sums in the database, Decimal here)."""
    _may_practise(user)
    rows = db.session.execute(
        select(Question.category, func.count(PracticeAnswer.id), func.sum(PracticeAnswer.score),
               func.sum(PracticeAnswer.max_score))
        .join(QuestionVersion, QuestionVersion.id == PracticeAnswer.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(PracticeAnswer.user_id == user.id)
        .group_by(Question.category).order_by(Question.category)).all()
    cent = Decimal("0.01")
    return [Progress(c, n, Decimal(s or 0).quantize(cent), Decimal(m or 0).quantize(cent)) for c, n, s, m in rows]


def available(language_group: str | None = None) -> dict[str, int]:
    """How many practice questions each category offers, for the chooser."""
    q = pool(language_group=language_group).with_only_columns(Question.category, func.count()).group_by(Question.category)
    return {c: n for c, n in db.session.execute(q).all()}
