"""The heading browse: authority headings in order, with their see and see-also references."""
from flask import render_template, request

from ..authorities import browse
from .opac import bp


@bp.get("/headings")
def headings():
    start = (request.args.get("from") or "").strip()[:200]
    return render_template("catalog/headings.html", start=start, rows=browse(start, limit=50))
