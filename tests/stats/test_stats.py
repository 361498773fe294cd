"""Usage statistics on a small known catalogue: each figure, Beijing months on both engines, the pages."""
import csv
import io
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.accounts.models import RoleGrant
from app.catalog import services
from app.catalog.models import Holding
from app.catalog.workflow_models import Download
from app.certification.attempt_models import Attempt, Certificate
from app.certification.models import ExamBlueprint, ExamRound, Registration, Sitting
from app.core.types import utcnow
from app.extensions import db
from app.members.models import STATUS_REGISTERED
from app.stats import figures, svg
from tests.catalog.records import cnmarc_book
from tests.factories import gen_library, gen_region, gen_user, login

BEIJING = figures.BEIJING


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def this_month_start() -> datetime:
    """Midnight of the first day of the current Beijing month, as UTC."""
    today = utcnow().astimezone(BEIJING).date()
    return datetime(today.year, today.month, 1, tzinfo=BEIJING).astimezone(timezone.utc)


def _round(code, released: bool):
    bp = db.session.scalar(sa.select(ExamBlueprint).limit(1))
    if bp is None:
        bp = ExamBlueprint(code="bp", version=1, scope="chinese", level=3, title_zh="蓝图", title_en="bp",
                           content={}, content_hash="x")
        db.session.add(bp)
        db.session.flush()
    now = utcnow()
    r = ExamRound(code=code, title_zh=code, title_en=code, blueprint_id=bp.id, scope="chinese", level=3,
                  status="closed", registration_opens_at=now - timedelta(days=30),
                  registration_closes_at=now - timedelta(days=20), results_released_at=now if released else None)
    db.session.add(r)
    db.session.flush()
    s = Sitting(round_id=r.id, section="A", opens_at=now - timedelta(days=10), closes_at=now - timedelta(days=9))
    db.session.add(s)
    db.session.flush()
    return r, s


def _sat(r, s, user, passed, submitted=True):
    reg = Registration(round_id=r.id, user_id=user.id, library_id=user.library_id, status="registered",
                       basis="admin_approval", passed=passed)
    db.session.add(reg)
    db.session.flush()
    db.session.add(Attempt(registration_id=reg.id, sitting_id=s.id, section="A",
                           status="submitted" if submitted else "in_progress", seed=1,
                           deadline=utcnow(), live_token="t", max_score=Decimal("100")))


@pytest.fixture
def world(ctx):
    figures.clear_cache()
    east, west = gen_region(code="EAST", name_en="East"), gen_region(code="WEST", name_en="West")
    a1 = gen_library(code="A1", region=east, upload_right=True)
    a2 = gen_library(code="A2", region=east)
    gen_library(code="A3", region=east, disabled_at=utcnow())  # disabled: not active
    b1 = gen_library(code="B1", region=west, upload_right=True)
    gen_library(code="B2", region=west, status=STATUS_REGISTERED, upload_right=True)  # not yet a member
    certified = gen_user("cataloguer", ("certified", "chinese", 3), library=a1)
    grant = db.session.scalar(sa.select(RoleGrant).where(RoleGrant.user_id == certified.id,
                                                         RoleGrant.role == "certified"))
    start = this_month_start()
    grant.granted_at = start - timedelta(days=20)  # certified during last month
    plain = gen_user("cataloguer", library=b1)
    admin = gen_user("centre_admin")

    def upload(title, who, lib, at):
        row = services.create(who, cnmarc_book(title), library=lib)
        row.created_at = at
        return row

    rows = [
        upload("本月认证上传一", certified, a1, start + timedelta(hours=1)),
        upload("本月认证上传二", certified, a1, start + timedelta(days=2)),
        upload("本月他人上传", plain, b1, start + timedelta(hours=2)),
        upload("上月认证前上传", certified, a1, start - timedelta(days=25)),   # before the grant: "others"
        upload("上月认证后上传", certified, a1, start - timedelta(days=5)),
    ]
    services.create(certified, cnmarc_book("待审上传"), library=a1, status="review").created_at = start
    services.create(None, cnmarc_book("批量装入"))  # bulk-loaded: in the totals, never an upload
    services.create(None, cnmarc_book("已删除"), status="deleted")
    from tests.catalog.records import marc21_book

    services.create(None, marc21_book("Another book"))
    db.session.flush()
    for lib, row in ((a1, rows[0]), (a1, rows[2]), (b1, rows[0]), (a2, rows[1])):
        db.session.add(Holding(record_id=row.id, library_id=lib.id))
    # Downloads: 2 this month; one on the first Beijing hour of this month (still last month in UTC).
    for at, lib in ((start + timedelta(hours=1), a1),
                    (start + timedelta(minutes=30), b1),
                    (start - timedelta(days=40), a1)):
        db.session.add(Download(at=at, year=at.astimezone(BEIJING).year, library_id=lib.id,
                                user_id=certified.id, record_id=rows[0].id, format="iso2709", encoding="utf-8"))
    # Certification: three sat (one in an unreleased round), two passed of whom one is released.
    r1, s1 = _round("R1", released=True)
    r2, s2 = _round("R2", released=False)
    _sat(r1, s1, certified, True)
    _sat(r1, s1, plain, False)
    _sat(r2, s2, gen_user("cataloguer", library=a2), True)
    _sat(r2, s2, gen_user("cataloguer", library=a2), None, submitted=False)  # never submitted
    today = utcnow().astimezone(BEIJING).date()
    db.session.add_all([
        Certificate(number="C1", verification_code="V1", user_id=certified.id, library_id=a1.id, scope="chinese",
                    level=3, issued_on=today, valid_until=today + timedelta(days=365)),
        Certificate(number="C2", verification_code="V2", user_id=plain.id, library_id=b1.id, scope="chinese",
                    level=3, issued_on=date(2019, 1, 1), valid_until=date(2022, 1, 1)),  # expired
    ])
    db.session.commit()
    return dict(a1=a1, a2=a2, b1=b1, certified=certified, plain=plain, admin=admin, start=start, today=today)


def test_totals(world):
    assert figures.totals() == {"records": 7, "authorities": 0, "holdings": 4}


def test_downloads_by_month_in_beijing_time(world):
    months = figures.last_months(12, world["today"])
    counts = figures.downloads_by_month(months)
    assert counts[months[-1]] == 2
    assert sum(counts.values()) == 3
    assert len(months) == 12 and months == sorted(months)


def test_the_month_expression_on_this_engine(ctx):
    figures.clear_cache()
    lib = gen_library()
    user = gen_user("cataloguer", library=lib)
    row = services.create(None, cnmarc_book("月份"))
    # 2025-12-31 16:30 UTC is 2026-01-01 00:30 in Beijing; 15:59 UTC is still 2025-12-31.
    for at in (utc(2025, 12, 31, 16, 30), utc(2025, 12, 31, 15, 59), utc(2026, 2, 28, 23, 0)):
        db.session.add(Download(at=at, year=2026, library_id=lib.id, user_id=user.id, record_id=row.id,
                                format="iso2709", encoding="utf-8"))
    db.session.commit()
    month = figures.month_of(Download.at)
    got = dict(db.session.execute(sa.select(month, sa.func.count()).group_by(month)).all())
    assert got == {"2025-12": 1, "2026-01": 1, "2026-03": 1}


def test_uploads_by_month_certified_at_the_time_or_not(world):
    months = figures.last_months(12, world["today"])
    up = figures.uploads_by_month(months)
    assert up[months[-1]] == (2, 1)
    assert up[months[-2]] == (1, 1)
    s = figures.summary(world["today"])
    assert s.uploads_total == (3, 2) and s.certified_share == pytest.approx(0.6)


def test_libraries_by_region_and_certification(world):
    regions = {r.code: r.libraries for r in figures.libraries_by_region()}
    assert regions == {"EAST": 2, "WEST": 1}
    assert figures.certification(world["today"]) == {"sat": 3, "passed": 1, "certified": 1, "upload_right": 2}


def test_details_per_library_and_region(world):
    d = figures.details(world["today"].year)
    by_code = {r.code: r for r in d.libraries}
    a1 = by_code["A1"]
    assert (a1.holdings, a1.certified_people, a1.member, a1.upload_right) == (2, 1, True, True)
    # Uploads of this calendar year (the month before may be last year in January).
    in_year = sum(1 for at in (world["start"] + timedelta(hours=1), world["start"] + timedelta(days=2),
                               world["start"] - timedelta(days=25), world["start"] - timedelta(days=5))
                  if at.astimezone(BEIJING).year == d.year)
    assert a1.uploads == in_year
    assert by_code["B1"].uploads == 1 and by_code["B1"].uploads_certified == 0
    assert not by_code["A3"].member and not by_code["B2"].member
    east = next(r for r in d.regions if r["code"] == "EAST")
    assert (east["libraries"], east["members"], east["holdings"]) == (3, 2, 3)


def test_the_public_summary_is_cached(world):
    first = figures.cached("summary", figures.summary)
    services.create(None, cnmarc_book("缓存之后"))
    db.session.commit()
    assert figures.cached("summary", figures.summary) is first
    figures.clear_cache()
    assert figures.cached("summary", figures.summary).totals["records"] == 8


def test_the_chart_is_accessible_svg_without_style():
    out = svg.bar_chart("c", "标题 <x>", "描述", ["01", "02"], [("A", [3, 0]), ("B", [1, 2])], "月", "条")
    assert out.startswith("<svg") and 'role="img"' in out and 'aria-labelledby="c-title c-desc"' in out
    assert "<title id=\"c-title\">标题 &lt;x&gt;</title>" in out and "style" not in out
    assert out.count("<rect") == 3 + 2  # three bars with a value, a legend of two


def test_public_page_and_admin_details(world, client):
    resp = client.get("/stats/")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<svg" in page and "style=" not in page
    assert "/stats/details" not in page
    assert client.get("/stats/details").status_code == 302
    login(client, world["plain"])
    assert client.get("/stats/details").status_code == 403
    assert client.get("/stats/details.csv").status_code == 403
    client.post("/account/logout")
    login(client, world["admin"])
    assert "/stats/details" in client.get("/stats/").get_data(as_text=True)
    assert client.get("/stats/details").status_code == 200
    resp = client.get(f"/stats/details.csv?year={world['today'].year}")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    a1 = next(r for r in rows if r["library_code"] == "A1")
    assert (a1["holdings"], a1["certified_cataloguers"], a1["member"]) == ("2", "1", "1")
    assert client.get("/stats/details?year=1999").status_code == 404
