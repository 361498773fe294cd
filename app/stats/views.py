"""Statistics pages: /stats for everyone (cached summary), /stats/details for centre administrators."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup

from app.core.types import utcnow
from app.permissions import CENTRE_ADMIN, require

from . import figures, svg

bp = Blueprint("stats", __name__, url_prefix="/stats")
VIEW_DETAILS = CENTRE_ADMIN


def _zh() -> bool:
    return str(get_locale() or "zh_CN").startswith("zh")


def _charts(s: figures.Summary) -> dict[str, Markup]:
    labels = [m[2:] for m in s.months]  # "24-11": short enough for twelve bars
    return {
        "downloads": Markup(svg.bar_chart(
            "chart-downloads", str(_l("Records downloaded per month")),
            str(_l("Records downloaded by member libraries in each of the last %(n)d months, Beijing time.",
                   n=len(s.months))),
            labels, [(str(_l("Downloads")), [s.downloads[m] for m in s.months])],
            str(_l("Month")), str(_l("Records downloaded")))),
        "uploads": Markup(svg.bar_chart(
            "chart-uploads", str(_l("Records uploaded per month")),
            str(_l("Records uploaded by member libraries in each of the last %(n)d months, by certified "
                   "cataloguers and by others.", n=len(s.months))),
            labels, [(str(_l("Certified cataloguers")), [s.uploads[m][0] for m in s.months]),
                     (str(_l("Others")), [s.uploads[m][1] for m in s.months])],
            str(_l("Month")), str(_l("Records uploaded")))),
    }


@bp.get("/")
def index():
    s = figures.cached("summary", figures.summary)
    return render_template("stats/index.html", s=s, charts=_charts(s), zh=_zh(),
                           may_see_details=VIEW_DETAILS(current_user))


def _year() -> int:
    this = utcnow().astimezone(figures.BEIJING).year
    year = request.args.get("year", type=int) or this
    if year < 2000 or year > this:
        abort(404)
    return year


@bp.get("/details")
@login_required
def details():
    require(VIEW_DETAILS, current_user)
    year = _year()
    d = figures.cached(("details", year), lambda: figures.details(year))
    this = utcnow().astimezone(figures.BEIJING).year
    return render_template("stats/details.html", d=d, zh=_zh(), years=list(range(this, this - 6, -1)))


@bp.get("/details.csv")
@login_required
def details_csv():
    require(VIEW_DETAILS, current_user)
    year = _year()
    d = figures.cached(("details", year), lambda: figures.details(year))
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["year", "library_code", "library_zh", "library_en", "region", "member", "upload_right",
                "holdings", "uploads", "uploads_by_certified", "downloads", "certified_cataloguers"])
    for r in d.libraries:
        w.writerow([d.year, r.code, r.name_zh, r.name_en, r.region, int(r.member), int(r.upload_right),
                    r.holdings, r.uploads, r.uploads_certified, r.downloads, r.certified_people])
    return Response("\ufeff" + out.getvalue(), headers={
        "Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store",
        "Content-Disposition": f"attachment; filename=bianmu-statistics-{d.year}.csv"})
