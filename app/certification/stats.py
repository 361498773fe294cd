"""What the statistics page and `flask exams round-stats` show: counts, pass rates, item analysis.

The database side only: rows are gathered here in a few queries (never one per candidate) and the
computing is left to the pure `itemstats`. Items are told apart by question version ("cnmarc-001
v2"), because two versions of one question are two different items for the analysis.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.members.models import Library
from app.questions.models import Question, QuestionVersion

from . import itemstats, papers
from .attempt_models import Attempt, AttemptItem
from .models import ExamRound, Registration


@dataclass
class Rate:
    """Counts of one group (a library, a section, a scope) and its pass rate among those who sat."""
    label: str
    registered: int = 0
    sat: int = 0
    passed: int = 0

    @property
    def rate(self) -> float | None:
        return self.passed / self.sat if self.sat else None


@dataclass
class SectionStats:
    code: str
    title: str
    max_points: Decimal
    pass_points: Decimal | None
    scores: list[Decimal]
    analysis: itemstats.TestStats
    item_types: dict[str, str] = field(default_factory=dict)


@dataclass
class RoundStats:
    round: ExamRound
    overall: Rate
    by_section: list[Rate]
    by_scope: list[Rate]
    by_library: list[Rate]
    sections: list[SectionStats]


def round_stats(r: ExamRound, lang: str = "zh") -> RoundStats:
    bp = papers.parsed(r.blueprint)
    regs = db.session.execute(
        select(Registration.id, Registration.library_id, Registration.status, Registration.passed)
        .where(Registration.round_id == r.id)).all()
    rows = db.session.execute(
        select(Attempt.id, Attempt.registration_id, Attempt.section, Attempt.score)
        .join(Registration, Registration.id == Attempt.registration_id)
        .where(Registration.round_id == r.id, Attempt.status == "submitted",
               Attempt.score.is_not(None))).all()
    names = {lib.id: (lib.code, lib.name_zh if lang.startswith("zh") else (lib.name_en or lib.name_zh))
             for lib in db.session.scalars(select(Library).where(
                 Library.id.in_({lib_id for _, lib_id, _, _ in regs})))}
    sat_regs = {reg_id for _, reg_id, _, _ in rows}

    overall, libraries = Rate(r.code), {}
    for reg_id, lib_id, status, passed in regs:
        if status != "registered":
            continue
        code, name = names.get(lib_id, ("", ""))
        lib = libraries.setdefault(lib_id, Rate(f"{name} ({code})" if code else name))
        for group in (overall, lib):
            group.registered += 1
            if reg_id in sat_regs:
                group.sat += 1
                group.passed += bool(passed)
    by_section = []
    for s in bp.sections:
        rate = Rate(s.code, registered=overall.registered)
        for _, _, section, score in rows:
            if section == s.code:
                rate.sat += 1
                rate.passed += s.pass_points is None or score >= s.pass_points
        by_section.append(rate)
    scope = Rate(r.scope, overall.registered, overall.sat, overall.passed)
    sections = [_section_stats(s, [row for row in rows if row[2] == s.code], lang) for s in bp.sections]
    return RoundStats(r, overall, by_section, [scope],
                      sorted(libraries.values(), key=lambda x: x.label), sections)


def _section_stats(section, attempt_rows, lang: str) -> SectionStats:
    ids = [row[0] for row in attempt_rows]
    per_attempt: dict[int, dict[str, Decimal]] = {i: {} for i in ids}
    max_points: dict[str, Decimal] = {}
    types: dict[str, str] = {}
    if ids:
        items = db.session.execute(
            select(AttemptItem.attempt_id, AttemptItem.score, AttemptItem.points, Question.code,
                   Question.type, QuestionVersion.number)
            .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
            .join(Question, Question.id == QuestionVersion.question_id)
            .where(AttemptItem.attempt_id.in_(ids))
            .order_by(AttemptItem.attempt_id, AttemptItem.position)).all()
        for attempt_id, score, points, code, type_, number in items:
            label = f"{code} v{number}"
            per_attempt[attempt_id][label] = score or Decimal(0)
            max_points[label] = max(points, max_points.get(label, Decimal(0)))
            types[label] = type_
    analysis = itemstats.analyse([per_attempt[i] for i in ids], max_points)
    return SectionStats(section.code, section.title.get(lang), section.max_points, section.pass_points,
                        [row[3] for row in attempt_rows], analysis, types)


def histogram_svg(s: SectionStats, gettext) -> str:
    """The section's score distribution; SVG built by itemstats from numbers and escaped labels."""
    svg = itemstats.score_histogram_svg(
        s.scores, s.max_points, s.pass_points, title=gettext("Section %(s)s", s=s.code),
        x_label=gettext("Score"), y_label=gettext("Attempts"), pass_label=gettext("Pass mark"),
        id_prefix=f"hist-{s.code}")
    head = svg.split(">", 1)[0]
    if " width=" not in head:  # the page's CSP forbids inline styles: size it by attributes
        svg = svg.replace("<svg ", '<svg width="560" height="260" ', 1)
    return svg


def flag_text(flag: str, lang: str) -> str:
    zh, en = itemstats.FLAG_REASONS.get(flag, (flag, flag))
    return zh if lang.startswith("zh") else en


ITEM_CSV_HEADER = ["section", "item", "type", "attempts", "max_points", "mean", "facility", "sd",
                   "discrimination_index", "discriminative_efficiency", "flags"]


def _f(value) -> str:
    return "" if value is None else f"{value:.4f}"


def items_csv(stats: RoundStats) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(ITEM_CSV_HEADER)
    for s in stats.sections:
        for it in s.analysis.items:
            w.writerow([s.code, it.code, s.item_types.get(it.code, ""), it.attempts, f"{it.max_points:g}",
                        _f(it.mean), _f(it.facility), _f(it.sd), _f(it.discrimination), _f(it.efficiency),
                        " ".join(it.flags)])
    return out.getvalue()


def by_code(code: str) -> ExamRound | None:
    return db.session.scalar(select(ExamRound).where(ExamRound.code == code))


# ------------------------------------------------------------------ the round page's tables

def registration_counts(r: ExamRound) -> list[tuple[Library, dict[str, int]]]:
    """Per library: how many registrations in each status."""
    from sqlalchemy import func

    found = db.session.execute(
        select(Registration.library_id, Registration.status, func.count(Registration.id))
        .where(Registration.round_id == r.id)
        .group_by(Registration.library_id, Registration.status)).all()
    counts: dict[int, dict[str, int]] = {}
    for lib_id, status, n in found:
        counts.setdefault(lib_id, {})[status] = n
    libs = {lib.id: lib for lib in db.session.scalars(select(Library).where(Library.id.in_(counts)))}
    return sorted(((libs[i], c) for i, c in counts.items()), key=lambda pair: pair[0].code or "")


def results_rows(r: ExamRound) -> list[dict]:
    """Every admitted candidate who sat something: section scores, total and pass (None: pending)."""
    regs = db.session.scalars(select(Registration).where(
        Registration.round_id == r.id, Registration.status == "registered")
        .order_by(Registration.library_id, Registration.id)).all()
    scores: dict[int, dict[str, Decimal | None]] = {}
    for reg_id, section, score in db.session.execute(
            select(Attempt.registration_id, Attempt.section, Attempt.score)
            .join(Registration, Registration.id == Attempt.registration_id)
            .where(Registration.round_id == r.id, Attempt.status == "submitted")):
        scores.setdefault(reg_id, {})[section] = score
    return [{"registration": reg, "sections": scores[reg.id], "total": reg.total, "passed": reg.passed}
            for reg in regs if reg.id in scores]
