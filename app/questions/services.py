"""The question bank's rules for authoring, review, retirement, search and export.

A version is never changed once written (an attempt keeps the exact version it drew): editing a
question adds a version. Importing files is in `importing.py`; shared rules in `rules.py`.
"""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import selectinload

from app.accounts import audit
from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.types import utcnow
from app.extensions import db

from . import bankfiles
from .importing import (default_pools, import_file, import_specs, import_upload,  # noqa: F401
                        parse_upload)
from .rules import (CODE, DEFAULT_POINTS, ImportResult, ItemProblems, _check_pools, _hash,  # noqa: F401
                    _may_author, canonical_points, problems_of)
from .models import CATEGORIES, LANGUAGE_GROUPS, OBJECTIVE_TYPES, TYPES, Question, QuestionVersion


# --- authoring ----------------------------------------------------------------------------------
def get_question(question_id: int) -> Question:
    q = db.session.get(Question, question_id)
    if q is None:
        raise NotFound(_l("No such question."))
    return q


def get_version(version_id: int) -> QuestionVersion:
    v = db.session.get(QuestionVersion, version_id)
    if v is None:
        raise NotFound(_l("No such question version."))
    return v


def _next_code(category: str) -> str:
    prefix = f"{category}-w"
    codes = db.session.scalars(select(Question.code).where(Question.code.like(prefix + "%"))).all()
    numbers = [int(c[len(prefix):]) for c in codes if c[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def _check(type_, content, key) -> None:
    problems = problems_of(type_, content, key)
    if problems:
        raise ItemProblems(problems)


def create_question(actor, *, type: str, category: str, language_group: str, difficulty: int = 2,
                    tags=(), content: dict, key: dict, points=None, code: str | None = None,
                    for_exam: bool = True, for_practice: bool = False) -> Question:
    """A new question with version 1 as a draft of its author."""
    _may_author(actor)
    if type not in TYPES:
        raise DomainError(_l("Unknown question type."), "type")
    if category not in CATEGORIES:
        raise DomainError(_l("Unknown category."), "category")
    if language_group not in LANGUAGE_GROUPS:
        raise DomainError(_l("Unknown language group."), "language_group")
    if (type == "marc_task") != (category == "marc_task"):
        raise DomainError(_l("MARC tasks, and only they, belong to the category marc_task."), "category")
    code = (code or "").strip().lower() or _next_code(category)
    if not CODE.match(code):
        raise DomainError(_l("A code is lower-case letters, digits and hyphens, like cnmarc-w001."), "code")
    if db.session.scalar(select(Question.id).where(Question.code == code)) is not None:
        raise DomainError(_l("A question with this code exists already."), "code")
    _check(type, content, key)
    _check_pools(for_exam, for_practice)
    points = Decimal(points if points is not None else DEFAULT_POINTS[type])
    q = Question(code=code, type=type, category=category, language_group=language_group,
                 difficulty=int(difficulty), tags=list(tags), origin="web", for_exam=for_exam,
                 for_practice=for_practice, created_by_id=actor.id)
    db.session.add(q)
    db.session.flush()
    db.session.add(QuestionVersion(question=q, number=1, content=content, key=key, points=points,
                                   content_hash=_hash(q, content, key, points), status="draft",
                                   created_by_id=actor.id))
    audit.record(actor, "question.created", q, code=code, type=type)
    db.session.commit()
    return q


def update_metadata(actor, q: Question, *, category=None, language_group=None, difficulty=None, tags=None,
                    for_exam=None, for_practice=None, commit: bool = True) -> None:
    """Classification is not part of a version: changing it needs no review."""
    _may_author(actor)
    changes = {}
    for name, value in (("category", category), ("language_group", language_group), ("difficulty", difficulty),
                        ("tags", tags), ("for_exam", for_exam), ("for_practice", for_practice)):
        if value is not None and getattr(q, name) != value:
            changes[name] = [getattr(q, name), value]
            setattr(q, name, value)
    if q.category not in CATEGORIES or q.language_group not in LANGUAGE_GROUPS:
        raise DomainError(_l("Unknown category or language group."), "category")
    _check_pools(q.for_exam, q.for_practice)
    if changes:
        audit.record(actor, "question.reclassified", q, code=q.code, changes=changes)
    if commit:
        db.session.commit()


def edit_question(actor, q: Question, *, content: dict, key: dict, points=None, **metadata) -> QuestionVersion | None:
    """A new draft version; the versions before it stay as they were. None if only metadata changed."""
    _may_author(actor)
    if q.retired_at is not None:
        raise DomainError(_l("This question is retired; bring it back first."))
    _check(q.type, content, key)
    update_metadata(actor, q, commit=False, **metadata)
    points = Decimal(points if points is not None else (q.latest.points if q.latest else DEFAULT_POINTS[q.type]))
    last = q.latest
    if last is not None and (last.content, last.key, Decimal(last.points)) == (content, key, points):
        db.session.commit()
        return None
    digest = _hash(q, content, key, points)
    v = QuestionVersion(question=q, number=(q.latest.number + 1 if q.latest else 1), content=content, key=key,
                        points=points, content_hash=digest, status="draft", created_by_id=actor.id)
    db.session.add(v)
    db.session.flush()
    audit.record(actor, "question.edited", q, code=q.code, version=v.number)
    db.session.commit()
    return v


def submit_for_review(actor, v: QuestionVersion) -> None:
    _may_author(actor)
    if v.status != "draft":
        raise DomainError(_l("Only a draft can be submitted for review."))
    v.status, v.submitted_at = "in_review", utcnow()
    audit.record(actor, "question.submitted", v.question, code=v.question.code, version=v.number)
    db.session.commit()


def _reviewable(actor, v: QuestionVersion) -> None:
    _may_author(actor)
    if v.created_by_id is not None and v.created_by_id == actor.id:
        raise PermissionDenied(_l("A version is reviewed by someone other than its author."))
    if v.status != "in_review":
        raise DomainError(_l("This version is not waiting for review."))


def approve(actor, v: QuestionVersion, note: str | None = None) -> None:
    _reviewable(actor, v)
    current = v.question.current
    if current is not None and current.number > v.number:
        raise DomainError(_l("A newer version is approved already; reject this one."))
    v.status, v.reviewed_at, v.reviewed_by_id = "approved", utcnow(), actor.id
    v.review_note = (note or "").strip() or None
    audit.record(actor, "question.approved", v.question, reason=v.review_note, code=v.question.code, version=v.number)
    db.session.commit()


def reject(actor, v: QuestionVersion, note: str) -> None:
    _reviewable(actor, v)
    note = (note or "").strip()
    if not note:
        raise DomainError(_l("Say why the version is rejected."), "note")
    v.status, v.reviewed_at, v.reviewed_by_id, v.review_note = "rejected", utcnow(), actor.id, note
    audit.record(actor, "question.rejected", v.question, reason=note, code=v.question.code, version=v.number)
    db.session.commit()


def retire(actor, q: Question, reason: str | None = None) -> None:
    """A retired question is drawn into no new paper and offered to no practice; its versions stay."""
    _may_author(actor)
    if q.retired_at is None:
        q.retired_at = utcnow()
        audit.record(actor, "question.retired", q, reason=reason, code=q.code)
    db.session.commit()


def unretire(actor, q: Question, reason: str | None = None) -> None:
    _may_author(actor)
    if q.retired_at is not None:
        q.retired_at = None
        audit.record(actor, "question.unretired", q, reason=reason, code=q.code)
    db.session.commit()


# --- reading ------------------------------------------------------------------------------------
def _latest_numbers():
    return (select(QuestionVersion.question_id, func.max(QuestionVersion.number).label("n"))
            .group_by(QuestionVersion.question_id).subquery())


def search(actor, *, type=None, category=None, language_group=None, difficulty=None, status=None, text="",
           retired=False, page: int = 1, per_page: int = 25):
    """Questions with their newest version; `status` filters on that newest version."""
    _may_author(actor)
    latest = _latest_numbers()
    q = (select(Question).options(selectinload(Question.versions))
         .join(latest, latest.c.question_id == Question.id)
         .join(QuestionVersion, (QuestionVersion.question_id == Question.id) & (QuestionVersion.number == latest.c.n)))
    for column, value in ((Question.type, type), (Question.category, category),
                          (Question.language_group, language_group), (Question.difficulty, difficulty),
                          (QuestionVersion.status, status)):
        if value:
            q = q.where(column == value)
    q = q.where(Question.retired_at.is_not(None) if retired else Question.retired_at.is_(None))
    text = (text or "").strip()
    if text:
        q = q.where(or_(Question.code.ilike(_like(text), escape="!"), *(
            cast(QuestionVersion.content, String).ilike(_like(form), escape="!") for form in _json_forms(text))))
    return db.paginate(q.order_by(Question.code), page=page, per_page=per_page, error_out=False)


def _like(text: str) -> str:
    return "%" + text.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"


def _json_forms(text: str) -> set[str]:
    """JSON columns hold non-ASCII text escaped (\\u9898), so search for both spellings."""
    import json

    return {text, json.dumps(text)[1:-1]}


def review_queue(actor):
    _may_author(actor)
    return db.session.scalars(select(QuestionVersion).where(QuestionVersion.status == "in_review")
                              .order_by(QuestionVersion.submitted_at, QuestionVersion.id)).all()


def counts_by_status(actor) -> dict[str, int]:
    _may_author(actor)
    latest = _latest_numbers()
    rows = db.session.execute(
        select(QuestionVersion.status, func.count()).join(
            latest, (latest.c.question_id == QuestionVersion.question_id) & (latest.c.n == QuestionVersion.number))
        .group_by(QuestionVersion.status)).all()
    return {s: n for s, n in rows}


# --- export -------------------------------------------------------------------------------------
def export(actor, fmt: str, *, codes=None, category=None, language_group=None) -> tuple[str | bytes, int]:
    """Current (approved) versions of objective questions, as GIFT text or Moodle XML bytes."""
    if actor is not None:
        _may_author(actor)
    from .formats import gift, moodle_xml
    from .models import current_versions_query

    query = current_versions_query().where(Question.type.in_(OBJECTIVE_TYPES)).order_by(Question.code)
    if codes:
        query = query.where(Question.code.in_(list(codes)))
    if category:
        query = query.where(Question.category == category)
    if language_group:
        query = query.where(Question.language_group == language_group)
    versions = db.session.scalars(query).all()
    items = [_spec_of(v) for v in versions]
    if fmt == "gift":
        return gift.export_gift(items), len(items)
    if fmt == "moodle":
        return moodle_xml.export_moodle_xml(items), len(items)
    raise DomainError(_l("Unknown format."), "format")


def _spec_of(v: QuestionVersion):
    q = v.question
    return bankfiles.ItemSpec(code=q.code, type=q.type, category=q.category, language_group=q.language_group,
                              difficulty=q.difficulty, tags=list(q.tags or []), points=v.points, content=v.content,
                              key=v.key, source_path="")
