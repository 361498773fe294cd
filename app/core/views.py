from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired

from app.core.forms import options
from app.extensions import db
from app.members.models import STATUS_ACTIVE, Library, Region

bp = Blueprint("core", __name__)


class LanguageForm(FlaskForm):
    lang = SelectField(choices=options([("zh_CN", "中文"), ("en", "English")]), validators=[DataRequired()])
    next = HiddenField()


@bp.get("/")
def home():
    members = db.session.scalar(select(func.count()).select_from(Library).where(Library.status == STATUS_ACTIVE))
    regions = db.session.execute(
        select(Region, func.count(Library.id))
        .outerjoin(Library, (Library.region_id == Region.id) & (Library.status == STATUS_ACTIVE))
        .group_by(Region.id).order_by(Region.code)
    ).all()
    return render_template("core/home.html", members=members, regions=regions)


@bp.post("/lang")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit() and form.lang.data in current_app.config["LANGUAGES"]:
        session["lang"] = form.lang.data
    target = form.next.data or request.referrer or ""
    # Only go back to a page of this site.
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("core.home")
    return redirect(target)


@bp.get("/healthz")
def healthz():
    db.session.execute(select(1))
    return {"status": "ok"}
