"""The figures of the statistics pages, each one or two aggregate queries (never a row per record).

At scale (millions of records, tens of millions of holdings and downloads) every query is a COUNT
or a GROUP BY that an index answers: totals by (status, kind) read `ix_records_search`; months
read only the last twelve through `ix_downloads_at` / `ix_records_uploaded` (app/stats/models.py);
per-library counts use `ix_holdings_library_record` and `ix_downloads_library_year`. Months are
Beijing months, grouped in SQL by `month_of()`, the one place that knows the two dialects.
The public summary is cached in-process for CACHE_SECONDS (see `cached`).
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.accounts.models import RoleGrant
from app.catalog.models import Holding, Record
from app.catalog.workflow_models import Download
from app.certification.attempt_models import Attempt, Certificate
from app.certification.models import ExamRound, Registration
from app.core.types import utcnow
from app.extensions import db
from app.members.models import STATUS_ACTIVE, Library, Region

BEIJING = ZoneInfo("Asia/Shanghai")
MONTHS = 12
CACHE_SECONDS = 300


# --- months ---------------------------------------------------------------------------------------
def month_of(column):
    """'YYYY-MM' of a UTC timestamp column, in Beijing time (UTC+8 all year: no summer time)."""
    if db.engine.dialect.name == "postgresql":
        return sa.func.to_char(column + sa.literal_column("INTERVAL '8 hours'"), "YYYY-MM")
    return sa.func.strftime("%Y-%m", column, "+8 hours")


def last_months(n: int = MONTHS, today: date | None = None) -> list[str]:
    today = today or utcnow().astimezone(BEIJING).date()
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def month_start(month: str) -> datetime:
    y, m = map(int, month.split("-"))
    return datetime.combine(date(y, m, 1), dtime(0), tzinfo=BEIJING)


def _by_month(query, months: list[str]) -> dict[str, int]:
    counts = {m: 0 for m in months}
    for month, n in db.session.execute(query).all():
        if month in counts:
            counts[month] = n
    return counts


# --- the figures ----------------------------------------------------------------------------------
def totals() -> dict[str, int]:
    rows = db.session.execute(sa.select(Record.kind, sa.func.count()).where(Record.status == "active")
                              .group_by(Record.kind)).all()
    by_kind = dict(rows)
    return {"records": by_kind.get("bibliographic", 0), "authorities": by_kind.get("authority", 0),
            "holdings": db.session.scalar(sa.select(sa.func.count()).select_from(Holding)) or 0}


def downloads_by_month(months: list[str]) -> dict[str, int]:
    month = month_of(Download.at)
    return _by_month(sa.select(month, sa.func.count()).where(Download.at >= month_start(months[0]))
                     .group_by(month), months)


def _certified_then():
    """The uploader held a certification (any scope) when the record was uploaded."""
    g = aliased(RoleGrant)
    return sa.exists().where(g.user_id == Record.created_by_id, g.role == "certified",
                             g.granted_at <= Record.created_at,
                             sa.or_(g.revoked_at.is_(None), g.revoked_at > Record.created_at),
                             sa.or_(g.expires_at.is_(None), g.expires_at > Record.created_at))


def _uploaded():
    """Records a member library uploaded that are in the catalogue (not rejected, merged or deleted)."""
    return sa.and_(Record.library_id.is_not(None), Record.kind == "bibliographic", Record.status == "active")


def uploads_by_month(months: list[str]) -> dict[str, tuple[int, int]]:
    """Month → (by certified cataloguers, by others)."""
    month = month_of(Record.created_at)
    certified = sa.func.sum(sa.case((_certified_then(), 1), else_=0))
    rows = db.session.execute(sa.select(month, certified, sa.func.count())
                              .where(_uploaded(), Record.created_at >= month_start(months[0]))
                              .group_by(month)).all()
    out = {m: (0, 0) for m in months}
    for m, cert, n in rows:
        if m in out:
            out[m] = (int(cert or 0), n - int(cert or 0))
    return out


@dataclass
class RegionRow:
    code: str
    name_zh: str
    name_en: str
    libraries: int = 0


def _member():
    return sa.and_(Library.status == STATUS_ACTIVE, Library.disabled_at.is_(None))


def libraries_by_region() -> list[RegionRow]:
    rows = db.session.execute(
        sa.select(Region.code, Region.name_zh, Region.name_en, sa.func.count(Library.id))
        .outerjoin(Library, sa.and_(Library.region_id == Region.id, _member()))
        .group_by(Region.id, Region.code, Region.name_zh, Region.name_en).order_by(Region.code)).all()
    return [RegionRow(*r) for r in rows]


def certification(today: date | None = None) -> dict[str, int]:
    today = today or utcnow().astimezone(BEIJING).date()
    now = utcnow()
    released = sa.or_(ExamRound.results_released_at.is_not(None), ExamRound.results_release_at <= now)
    return {
        "sat": db.session.scalar(sa.select(sa.func.count(sa.distinct(Attempt.registration_id)))
                                 .where(Attempt.status == "submitted")) or 0,
        # Only rounds whose results are out: the statistics never tell a result before its release.
        "passed": db.session.scalar(sa.select(sa.func.count()).select_from(Registration)
                                    .join(ExamRound, ExamRound.id == Registration.round_id)
                                    .where(Registration.passed.is_(True), released)) or 0,
        "certified": db.session.scalar(sa.select(sa.func.count(sa.distinct(Certificate.user_id))).where(
            Certificate.revoked_at.is_(None), Certificate.valid_until >= today)) or 0,
        "upload_right": db.session.scalar(sa.select(sa.func.count()).select_from(Library)
                                          .where(_member(), Library.upload_right.is_(True))) or 0,
    }


@dataclass
class Summary:
    months: list[str]
    totals: dict[str, int]
    downloads: dict[str, int]
    uploads: dict[str, tuple[int, int]]
    regions: list[RegionRow]
    certification: dict[str, int]
    members: int
    at: datetime = field(default_factory=utcnow)

    @property
    def uploads_total(self) -> tuple[int, int]:
        return (sum(c for c, _ in self.uploads.values()), sum(o for _, o in self.uploads.values()))

    @property
    def certified_share(self) -> float | None:
        cert, other = self.uploads_total
        return cert / (cert + other) if cert + other else None


def summary(today: date | None = None) -> Summary:
    months = last_months(MONTHS, today)
    regions = libraries_by_region()
    return Summary(months=months, totals=totals(), downloads=downloads_by_month(months),
                   uploads=uploads_by_month(months), regions=regions, certification=certification(today),
                   members=sum(r.libraries for r in regions))


# --- the administrators' details --------------------------------------------------------------------
@dataclass
class LibraryRow:
    id: int
    code: str
    name_zh: str
    name_en: str
    region: str
    member: bool
    upload_right: bool
    holdings: int = 0
    uploads: int = 0
    uploads_certified: int = 0
    downloads: int = 0
    certified_people: int = 0


@dataclass
class Details:
    year: int
    libraries: list[LibraryRow]
    regions: list[dict] = field(default_factory=list)


def _year_range(year: int) -> tuple[datetime, datetime]:
    return (datetime(year, 1, 1, tzinfo=BEIJING), datetime(year + 1, 1, 1, tzinfo=BEIJING))


def details(year: int) -> Details:
    """Per library (and summed per region): holdings, the year's uploads and downloads, certified people."""
    start, end = _year_range(year)
    libs = db.session.execute(
        sa.select(Library.id, Library.code, Library.name_zh, Library.name_en, Region.code, Library.status,
                  Library.disabled_at, Library.upload_right)
        .join(Region, Region.id == Library.region_id).order_by(Region.code, Library.code, Library.id)).all()
    rows = {i: LibraryRow(i, code or "", zh, en or zh, region, status == STATUS_ACTIVE and disabled is None, bool(up))
            for i, code, zh, en, region, status, disabled, up in libs}

    def fill(query, attr):
        for library_id, n in db.session.execute(query).all():
            if library_id in rows:
                setattr(rows[library_id], attr, int(n or 0))

    fill(sa.select(Holding.library_id, sa.func.count()).group_by(Holding.library_id), "holdings")
    in_year = sa.and_(_uploaded(), Record.created_at >= start, Record.created_at < end)
    fill(sa.select(Record.library_id, sa.func.count()).where(in_year).group_by(Record.library_id), "uploads")
    fill(sa.select(Record.library_id, sa.func.sum(sa.case((_certified_then(), 1), else_=0)))
         .where(in_year).group_by(Record.library_id), "uploads_certified")
    fill(sa.select(Download.library_id, sa.func.count()).where(Download.year == year)
         .group_by(Download.library_id), "downloads")
    today = utcnow().astimezone(BEIJING).date()
    fill(sa.select(Certificate.library_id, sa.func.count(sa.distinct(Certificate.user_id)))
         .where(Certificate.revoked_at.is_(None), Certificate.valid_until >= today)
         .group_by(Certificate.library_id), "certified_people")

    names = {code: (zh, en) for code, zh, en in db.session.execute(
        sa.select(Region.code, Region.name_zh, Region.name_en)).all()}
    regions: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for r in rows.values():
        agg = regions[r.region]
        agg["libraries"] += 1
        agg["members"] += r.member
        agg["upload_right"] += r.member and r.upload_right
        for attr in ("holdings", "uploads", "uploads_certified", "downloads", "certified_people"):
            agg[attr] += getattr(r, attr)
    region_rows = [dict(code=code, name_zh=names.get(code, ("", ""))[0], name_en=names.get(code, ("", ""))[1],
                        **regions[code]) for code in sorted(regions)]
    return Details(year=year, libraries=list(rows.values()), regions=region_rows)


# --- the in-process cache ---------------------------------------------------------------------------
_cache: dict = {}
_lock = threading.Lock()


def cached(key, compute, seconds: int = CACHE_SECONDS):
    """`compute()` once per `seconds` per process and database. Each worker process keeps its own
    copy, so figures may differ between workers by up to `seconds`; nothing is ever invalidated."""
    full = (str(db.engine.url), key)
    now = time.monotonic()
    with _lock:
        hit = _cache.get(full)
        if hit and hit[0] > now:
            return hit[1]
    value = compute()
    with _lock:
        _cache[full] = (now + seconds, value)
    return value


def clear_cache() -> None:
    with _lock:
        _cache.clear()
