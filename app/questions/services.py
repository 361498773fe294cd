"""The question bank's rules: import, authoring, review, retirement, export.

A version is never changed once written (an attempt keeps the exact version it drew): importing a
changed item or editing a question adds a version. Items from the repository's question_bank/ were
reviewed there (a second cataloguer checks every item, README §3), so they arrive approved; files
uploaded through the web or given to `questions import --format gift|moodle` arrive *in review*
and need a trainer or expert other than the importer to approve them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import selectinload

from app.accounts import audit
from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.types import utcnow
from app.extensions import db
from app.permissions import QUESTION_AUTHOR, require

from . import bankfiles
from .checkers import checker_for
from .models import CATEGORIES, LANGUAGE_GROUPS, OBJECTIVE_TYPES, TYPES, Question, QuestionVersion

DEFAULT_POINTS = {"single": Decimal(2), "truefalse": Decimal(2), "fill": Decimal(2), "multiple": Decimal(4),
                  "marc_task": Decimal(20)}
CODE = re.compile(r"^[a-z0-9_]+-[a-z0-9_-]{1,30}$")


class ItemProblems(DomainError):
    """What the checker found wrong with items; an import stops before writing anything."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:5]) + (f" (+{len(problems) - 5})" if len(problems) > 5 else ""))
        self.problems = problems


@dataclass
class ImportResult:
    added: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.new_versions)} new versions, {len(self.unchanged)} unchanged"
                + (f", {len(self.retired)} retired" if self.retired else "") + (" (dry run)" if self.dry_run else ""))


def _may_author(actor) -> None:
    require(QUESTION_AUTHOR, actor, _l("Only trainers and experts may write or review questions."))


def canonical_points(value) -> Decimal:
    """2, 2.00 and Moodle's 2.0000000 are the same points, and must hash the same."""
    d = Decimal(str(value))
    return Decimal(int(d)) if d == d.to_integral_value() else d.quantize(Decimal("0.01"))


def _hash(q: Question, content: dict, key: dict, points) -> str:
    """The same digest the bank importer computes, so a web version and its file compare equal."""
    return bankfiles.content_hash(bankfiles.ItemSpec(
        code=q.code, type=q.type, category=q.category, language_group=q.language_group, difficulty=q.difficulty,
        tags=list(q.tags or []), points=canonical_points(points), content=content, key=key))


def problems_of(type_: str, content: dict, key: dict) -> list[str]:
    if type_ not in TYPES:
        return [f"unknown type {type_!r}"]
    return list(checker_for(type_).validate(content, key))


# --- import -------------------------------------------------------------------------------------
def import_specs(actor, specs, *, origin: str = "bank", dry_run: bool = False,
                 retire_missing: bool = False) -> ImportResult:
    """Whole or nothing: every item is checked before anything is written, in one transaction.

    `actor` None is the system (the command line). `retire_missing` (a full question_bank/ import)
    retires bank questions whose item was removed from the files, as README §3 promises.
    """
    if actor is not None:
        _may_author(actor)
    status = "approved" if origin == "bank" else "in_review"
    problems, seen = [], set()
    for spec in specs:
        where = f"{spec.code or '?'}" + (f" ({spec.source_path})" if getattr(spec, "source_path", None) else "")
        if not spec.code:
            problems.append(f"{where}: the item has no id")
        elif spec.code in seen:
            problems.append(f"{where}: the id is used twice")
        seen.add(spec.code)
        if spec.category not in CATEGORIES:
            problems.append(f"{where}: unknown category {spec.category!r}")
        if spec.language_group not in LANGUAGE_GROUPS:
            problems.append(f"{where}: unknown language group {spec.language_group!r}")
        problems.extend(f"{where}: {p}" for p in problems_of(spec.type, spec.content, spec.key))
    existing = {q.code: q for q in db.session.scalars(select(Question).where(Question.code.in_(seen)))} if seen else {}
    for spec in specs:
        q = existing.get(spec.code)
        if q is not None and q.type != spec.type:
            problems.append(f"{spec.code}: the bank holds it as a {q.type} question; a code never changes type")
    if problems:
        raise ItemProblems(problems)

    result = ImportResult(dry_run=dry_run)
    now = utcnow()
    blueprints = _shipped_blueprints()
    try:
        for spec in specs:
            digest = bankfiles.content_hash(replace(spec, points=canonical_points(
                spec.points if spec.points is not None else DEFAULT_POINTS[spec.type])))
            q = existing.get(spec.code)
            if q is None:
                result.added.append(spec.code)
                q = Question(code=spec.code, type=spec.type, origin=origin, created_by_id=getattr(actor, "id", None))
                q.for_exam, q.for_practice = default_pools(spec, blueprints)
                _classify(q, spec)
                db.session.add(q)
                db.session.flush()
                _add_version(q, 1, spec, digest, status, actor, now)
                audit.record(actor, "question.imported", q, code=q.code, origin=origin, version=1, status=status)
                continue
            _classify(q, spec)
            known = {v.content_hash for v in (q.latest, q.current) if v is not None}
            if digest in known:
                result.unchanged.append(spec.code)
                continue
            number = q.latest.number + 1 if q.latest else 1
            _add_version(q, number, spec, digest, status, actor, now)
            result.new_versions.append(spec.code)
            audit.record(actor, "question.imported", q, code=q.code, origin=origin, version=number, status=status)
        if retire_missing:
            for q in db.session.scalars(select(Question).where(Question.origin == "bank", Question.retired_at.is_(None),
                                                               Question.code.not_in(seen))):
                q.retired_at = now
                result.retired.append(q.code)
                audit.record(actor, "question.retired", q, reason="removed from question_bank/", code=q.code)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def _check_pools(for_exam: bool, for_practice: bool) -> None:
    """Practice shows the key after each answer, so an exam item is never a practice item."""
    if for_exam and for_practice:
        raise DomainError(_l("A question that may be drawn into exam papers cannot be offered for practice: "
                             "practice shows its key. Choose one."), "for_practice")


def default_pools(spec, blueprints) -> tuple[bool, bool]:
    """(for_exam, for_practice) of a newly imported item: whatever a shipped paper can draw is
    for the exam, the rest (fill-in questions, correction and copy tasks today) for practice."""
    from app.certification.draw import as_pool_item

    item = as_pool_item({"code": spec.code, "type": spec.type, "category": spec.category,
                         "language_group": spec.language_group, "difficulty": spec.difficulty,
                         "tags": spec.tags or (), "kind": spec.content.get("kind") if spec.type == "marc_task" else None})
    drawn = any(d.matches(item) for bp in blueprints for s in bp.sections for d in s.draws)
    return drawn, not drawn


def _shipped_blueprints():
    from app.certification.blueprint import load_blueprints
    from app.certification.papers import EXAMS_DIR

    return list(load_blueprints(EXAMS_DIR).values())


def _classify(q: Question, spec) -> None:
    """Classification is kept on the question (the hash covers it too, so a changed file item also gets a version)."""
    q.category, q.language_group, q.difficulty = spec.category, spec.language_group, int(spec.difficulty)
    q.tags = list(spec.tags or [])


def _add_version(q, number, spec, digest, status, actor, now) -> QuestionVersion:
    v = QuestionVersion(question=q, number=number, content=spec.content, key=spec.key,
                        points=Decimal(spec.points if spec.points is not None else DEFAULT_POINTS[spec.type]),
                        content_hash=digest, status=status, created_by_id=getattr(actor, "id", None),
                        created_at=now, submitted_at=now if status != "draft" else None,
                        reviewed_at=now if status == "approved" else None)
    db.session.add(v)
    db.session.flush()
    return v


def import_file(actor, path: str, fmt: str, *, dry_run: bool = False, category: str | None = None,
                language_group: str | None = None) -> ImportResult:
    """A question_bank/ directory (fmt bank), or one GIFT / Moodle XML file."""
    if fmt == "bank":
        try:
            specs = bankfiles.load_bank(path)
        except bankfiles.BankError as err:
            raise ItemProblems([str(err)]) from None
        return import_specs(actor, specs, origin="bank", dry_run=dry_run, retire_missing=True)
    with open(path, "rb") as fh:
        data = fh.read()
    return import_upload(actor, data, fmt, dry_run=dry_run, category=category, language_group=language_group)


def parse_upload(data: bytes, fmt: str, *, category: str | None = None,
                 language_group: str | None = None) -> tuple[list, list[str]]:
    """(ItemSpecs, warnings) from a GIFT or Moodle XML file; anything skipped is a problem.

    Exchange files carry no code of ours unless they came from us: an item without one gets a code
    made from its text, so importing the same file again finds the same question.
    """
    from .formats import gift, moodle_xml
    from .formats.common import FormatError

    try:
        if fmt == "gift":
            parsed = gift.import_gift(data.decode("utf-8-sig"), category=category)
        elif fmt == "moodle":
            parsed = moodle_xml.import_moodle_xml(data, category=category)
        else:
            raise DomainError(_l("Unknown format."), "format")
    except UnicodeDecodeError:
        raise DomainError(_l("The file is not UTF-8 text."), "file") from None
    except FormatError as err:
        raise DomainError(str(err), "file") from None
    problems = [f"{s.position} {s.name or ''} [{s.qtype}]: {s.reason}" for s in parsed.skipped]
    specs = []
    for item in parsed.items:
        cat = item.get("category") or category
        if cat is None:
            problems.append(f"{item.get('code') or item.get('name') or item['content']['text'][:30]}: "
                            "no category of ours; choose one for the file")
            continue
        code = item.get("code") or f"{cat}-x{_digest(item)[:8]}"
        specs.append(bankfiles.ItemSpec(
            code=code, type=item["type"], category=cat, language_group=item.get("language_group") or language_group
            or "all", difficulty=int(item.get("difficulty") or 2), tags=list(item.get("tags") or []),
            points=Decimal(item["points"]) if item.get("points") else DEFAULT_POINTS[item["type"]],
            content=item["content"], key=item["key"], source_path=item.get("name") or ""))
    if problems:
        raise ItemProblems(problems)
    return specs, list(parsed.warnings)


def _digest(item: dict) -> str:
    import hashlib
    import json

    doc = json.dumps([item["type"], item["content"]], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(doc.encode("utf-8")).hexdigest()


def import_upload(actor, data: bytes, fmt: str, *, dry_run: bool = False, category: str | None = None,
                  language_group: str | None = None) -> ImportResult:
    if actor is not None:
        _may_author(actor)
    specs, warnings = parse_upload(data, fmt, category=category, language_group=language_group)
    if not specs:
        raise DomainError(_l("The file holds no questions."), "file")
    result = import_specs(actor, specs, origin="moodle" if fmt == "moodle" else "gift", dry_run=dry_run)
    result.warnings = warnings
    return result


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
