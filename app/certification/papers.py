"""Between the stored rounds and the pure blueprint/draw modules: which blueprint, which pool.

A round is opened with a blueprint version stored in the database (its parsed YAML), so the paper a
round sets never changes under it when `exams/*.yaml` is edited.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core.errors import DomainError
from app.extensions import db
from app.questions.models import Question, QuestionVersion, current_versions_query

from .blueprint import Blueprint, BlueprintError, evaluate, expert_review_indexes, load_blueprint
from .draw import draw_paper
from .models import ExamBlueprint

EXAMS_DIR = Path(__file__).resolve().parents[2] / "exams"


def shipped_codes() -> list[str]:
    return sorted(p.stem for p in EXAMS_DIR.glob("*.yaml"))


def stored_blueprint(code: str, directory: Path | None = None) -> ExamBlueprint:
    """The newest stored version of blueprint `code`, storing the file's content when it changed."""
    path = (directory or EXAMS_DIR) / f"{code}.yaml"
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", code or "") or not path.is_file():
        raise DomainError(_l("There is no exam blueprint %(c)s.", c=code), "blueprint_code")
    try:
        bp = load_blueprint(path)
    except BlueprintError as e:
        raise DomainError(_l("The blueprint %(c)s is invalid: %(e)s", c=code, e=str(e)), "blueprint_code") from e
    newest = db.session.scalars(select(ExamBlueprint).where(ExamBlueprint.code == bp.code)
                                .order_by(ExamBlueprint.version.desc())).first()
    if newest is not None and newest.content_hash == bp.content_hash():
        return newest
    row = ExamBlueprint(code=bp.code, version=(newest.version + 1) if newest else 1, scope=bp.scope,
                        level=bp.level, title_zh=bp.title.zh, title_en=bp.title.en, content=bp.to_dict(),
                        content_hash=bp.content_hash())
    db.session.add(row)
    db.session.flush()
    return row


@lru_cache(maxsize=64)
def _parsed(row_id: int, content_hash: str, content_json: str) -> Blueprint:
    import json

    return load_blueprint(json.loads(content_json))


def parsed(row: ExamBlueprint) -> Blueprint:
    import json

    return _parsed(row.id, row.content_hash, json.dumps(row.content, sort_keys=True))


def section_codes(row: ExamBlueprint) -> list[str]:
    return [s.code for s in parsed(row).sections]


def eligibility(row: ExamBlueprint) -> str:
    return parsed(row).eligibility


def time_limit_minutes(row: ExamBlueprint, section: str) -> int:
    return parsed(row).section(section).time_limit_minutes


@dataclass(frozen=True)
class PoolItem:
    code: str
    type: str
    category: str
    language_group: str
    difficulty: int
    tags: tuple
    kind: str | None
    version_id: int


@dataclass(frozen=True)
class Drawn:
    position: int
    version_id: int
    points: Decimal
    partial_credit: str | None


def exam_pool() -> list[PoolItem]:
    rows = db.session.execute(current_versions_query(for_exam=True).with_only_columns(
        Question.code, Question.type, Question.category, Question.language_group, Question.difficulty,
        Question.tags, QuestionVersion.id, QuestionVersion.content)).all()
    return [PoolItem(code, type_, cat, group, diff, tuple(tags or ()),
                     (content or {}).get("kind") if type_ == "marc_task" else None, vid)
            for code, type_, cat, group, diff, tags, vid, content in rows]


def draw(row: ExamBlueprint, section: str, seed: int) -> list[Drawn]:
    pool = exam_pool()
    by_code = {p.code: p for p in pool}
    try:
        drawn = draw_paper(parsed(row), section, pool, seed)
    except ValueError as e:
        raise DomainError(_l("The question bank cannot supply this paper: %(e)s", e=str(e))) from e
    return [Drawn(d.position, by_code[d.code].version_id, Decimal(d.points), d.partial_credit)
            for d in drawn]


def public_content(version: QuestionVersion) -> dict:
    """The version's content as a candidate may see it; the key lives in another column."""
    return version.content


def review_positions(row: ExamBlueprint, section: str, items) -> set[int]:
    """Positions of the attempt items (graded) that need an expert."""
    items = list(items)
    idx = expert_review_indexes(parsed(row), section,
                                [(i.version.question.type, i.points, i.score) for i in items])
    return {items[k].position for k in idx}


def outcome(row: ExamBlueprint, section_scores: dict):
    return evaluate(parsed(row), section_scores)
