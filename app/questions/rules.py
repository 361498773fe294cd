"""Rules shared by importing and authoring questions: who may, what is a valid item, its digest."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from app.core.errors import DomainError
from app.permissions import QUESTION_AUTHOR, require

from . import bankfiles
from .checkers import checker_for
from .models import TYPES, Question

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


def _check_pools(for_exam: bool, for_practice: bool) -> None:
    """Practice shows the key after each answer, so an exam item is never a practice item."""
    if for_exam and for_practice:
        raise DomainError(_l("A question that may be drawn into exam papers cannot be offered for practice: "
                             "practice shows its key. Choose one."), "for_practice")
