"""The public bulletin: archive by year, issues as pages and PDFs, images, search, Atom, subscribing.

Unpublished issues (and their images and PDFs) answer 404 to everyone outside the editorial
team. The editor's pages are in editor_views.py, on the same blueprint.
"""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.core.errors import NotFound
from app.core.markdown import render_markdown
from app.core.types import utcnow

from . import feed as atom
from . import images, search, services, subscriptions
from .forms import KIND_LABELS, STATUS_LABELS
from .pdf import BULLETIN_NAME

bp = Blueprint("bulletins", __name__, url_prefix="/bulletins")
ARCHIVE_SIZE = 500


@bp.context_processor
def _labels():
    return {"KIND_LABELS": KIND_LABELS, "STATUS_LABELS": STATUS_LABELS, "BULLETIN_NAME": BULLETIN_NAME,
            "editorial": services.EDITORIAL(current_user)}


def section_bodies(b) -> list:
    """Each section's HTML, its `image:NAME` references pointing at our image route."""
    def url(name):
        return url_for("bulletins.image", bulletin_id=b.id, image_name=name)
    return [(s, render_markdown(images.rewrite(s.body, url))) for s in b.sections]


@bp.get("/")
def index():
    years = services.years()
    latest = services.published(limit=12)
    return render_template("bulletins/index.html", years=years, issues=latest, year=None,
                           subscribed=subscriptions.is_subscribed(current_user))


@bp.get("/archive/<int:bulletin_year>")
def year(bulletin_year):
    return render_template("bulletins/index.html", years=services.years(), year=bulletin_year,
                           issues=services.published(year=bulletin_year, limit=ARCHIVE_SIZE),
                           subscribed=subscriptions.is_subscribed(current_user))


@bp.get("/issues/<int:bulletin_id>")
def issue(bulletin_id):
    b = services.get_visible(current_user, bulletin_id)
    return render_template("bulletins/issue.html", b=b, sections=section_bodies(b),
                           subscribed=subscriptions.is_subscribed(current_user))


@bp.get("/issues/<int:bulletin_id>.pdf")
def issue_pdf(bulletin_id):
    from .pdf import render_pdf

    b = services.get_visible(current_user, bulletin_id)
    name = f"bulletin-{b.year}-{b.number}.pdf" if b.number else f"bulletin-draft-{b.id}.pdf"
    return Response(render_pdf(b), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"',
        "Cache-Control": "public, max-age=3600" if b.status == "published" else "private, no-store"})


@bp.get("/issues/<int:bulletin_id>/images/<image_name>")
def image(bulletin_id, image_name):
    b = services.get_visible(current_user, bulletin_id)
    img = images.by_name(b.id, image_name)
    if img is None:
        raise NotFound(_l("No such image."))
    return Response(img.data, mimetype=img.mime, headers={
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Content-Disposition": f'inline; filename="{img.name}"',
        "ETag": f'"{img.sha256}"',
        "Cache-Control": "public, max-age=86400" if b.status == "published" else "private, no-store"})


@bp.get("/search")
def search_page():
    q = request.args.get("q", "").strip()[:search.MAX_QUERY]
    page = max(request.args.get("page", 1, type=int), 1)
    found, total = search.search(q, limit=search.PER_PAGE, offset=(page - 1) * search.PER_PAGE)
    return render_template("bulletins/search.html", q=q, results=[(b, search.snippet(b, q)) for b in found],
                           total=total, page=page, pages=max(1, -(-total // search.PER_PAGE)))


@bp.get("/feed.atom")
def feed():
    issues = services.published(limit=50)
    body = atom.build(
        issues, feed_url=subscriptions.public_url("bulletins.feed"),
        home_url=subscriptions.public_url("bulletins.index"),
        title=BULLETIN_NAME + " · " + str(_l("Bulletin of the cooperative cataloguing centre")),
        author=str(_l("Bianmu cooperative cataloguing centre")),
        issue_url=subscriptions.issue_url,
        pdf_url=lambda b: subscriptions.public_url("bulletins.issue_pdf", bulletin_id=b.id),
        summary=lambda b: " / ".join(s.title for s in b.sections) + " — " + search.snippet(b, "", 200),
        updated=utcnow())
    return Response(body, mimetype="application/atom+xml")


@bp.post("/subscribe")
@login_required
def subscribe():
    if subscriptions.subscribe(current_user):
        flash(_l("You will receive a mail when a new issue is published."), "success")
    return redirect(url_for("bulletins.index"))


@bp.post("/unsubscribe")
@login_required
def unsubscribe():
    if subscriptions.unsubscribe(current_user):
        flash(_l("You will no longer receive mails about new issues."), "success")
    return redirect(url_for("bulletins.index"))


from . import editor_views as _editor  # noqa: E402,F401  (adds the editor's routes to bp)
