"""Importing questions: the shipped question_bank/, GIFT and Moodle XML files; whole or nothing.

Items from the repository's question_bank/ were reviewed there (a second cataloguer checks every
item, README §3), so they arrive approved; files uploaded through the web or given to
`questions import --format gift|moodle` arrive *in review* and need a trainer or expert other than
the importer to approve them. A version is never changed: a changed item adds a version.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts import audit
from app.core.errors import DomainError
from app.core.types import utcnow
from app.extensions import db

from . import bankfiles
from .models import CATEGORIES, LANGUAGE_GROUPS, Question, QuestionVersion
from .rules import DEFAULT_POINTS, ImportResult, ItemProblems, _may_author, canonical_points, problems_of

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


