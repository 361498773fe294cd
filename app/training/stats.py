"""Training statistics: sessions held by kind and year; people and libraries trained, by region.

Grouped in Python over small row sets (a centre holds tens of sessions a year), so that one code
path serves SQLite and PostgreSQL without dialect-specific date functions.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app.core.types import utcnow
from app.extensions import db
from app.members.models import Library, Region

from .models import KINDS, SHANGHAI, TrainingRegistration, TrainingSession


@dataclass
class RegionRow:
    code: str
    name_zh: str
    name_en: str
    people: int = 0
    libraries: int = 0


@dataclass
class TrainingStats:
    years: list[int]
    year: int | None
    sessions_by_year_kind: dict[int, dict[str, int]]   # held: published and begun
    sessions_held: int
    people: int
    libraries: int
    people_by_kind: dict[str, int]
    regions: list[RegionRow] = field(default_factory=list)


def statistics(year: int | None = None, today: date | None = None) -> TrainingStats:
    """Everything, or one calendar year (by the session's first day)."""
    today = today or utcnow().astimezone(SHANGHAI).date()
    held = db.session.execute(select(TrainingSession.id, TrainingSession.kind, TrainingSession.starts_on)
                              .where(TrainingSession.status == "published",
                                     TrainingSession.starts_on <= today)).all()
    by_year: dict[int, dict[str, int]] = defaultdict(lambda: {k: 0 for k in KINDS})
    for _id, kind, starts_on in held:
        by_year[starts_on.year][kind if kind in KINDS else "other"] += 1
    years = sorted(by_year, reverse=True)
    chosen = {i for i, _k, s in held if year is None or s.year == year}

    rows = db.session.execute(
        select(TrainingRegistration.session_id, TrainingRegistration.user_id, TrainingRegistration.library_id,
               TrainingSession.kind, Region.code, Region.name_zh, Region.name_en)
        .join(TrainingSession, TrainingSession.id == TrainingRegistration.session_id)
        .outerjoin(Library, Library.id == TrainingRegistration.library_id)
        .outerjoin(Region, Region.id == Library.region_id)
        .where(TrainingRegistration.attended.is_(True), TrainingRegistration.status == "registered")).all()
    rows = [r for r in rows if r.session_id in chosen]
    people_by_kind = {k: len({r.user_id for r in rows if r.kind == k}) for k in KINDS}
    regions: dict[str, RegionRow] = {}
    region_people: dict[str, set] = defaultdict(set)
    region_libs: dict[str, set] = defaultdict(set)
    for r in rows:
        code = r.code or "-"
        regions.setdefault(code, RegionRow(code, r.name_zh or "—", r.name_en or "—"))
        region_people[code].add(r.user_id)
        if r.library_id is not None:
            region_libs[code].add(r.library_id)
    for code, row in regions.items():
        row.people, row.libraries = len(region_people[code]), len(region_libs[code])
    return TrainingStats(
        years=years, year=year,
        sessions_by_year_kind={y: dict(by_year[y]) for y in years if year is None or y == year},
        sessions_held=len(chosen), people=len({r.user_id for r in rows}),
        libraries=len({r.library_id for r in rows if r.library_id is not None}),
        people_by_kind=people_by_kind, regions=sorted(regions.values(), key=lambda x: x.code))
