"""The duty roster: experts see it, the centre administrator edits the weekly grid and absences."""
from __future__ import annotations

from datetime import date, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from app.core.errors import DomainError, PermissionDenied
from app.core.forms import show_error
from app.extensions import db
from app.permissions import require

from . import routing, services
from .forms import AbsenceForm
from .models import CATEGORIES
from .views import bp
from .workdays import iso_week_label, week_start


def _monday() -> date:
    try:
        return week_start(date.fromisoformat(request.args.get("week") or request.form.get("week") or ""))
    except ValueError:
        return week_start(routing.today())


def _page(monday: date, errors: dict | None = None, absence_form=None, status=200):
    experts = routing.experts()
    form = absence_form or AbsenceForm()
    form.expert.choices = [(u.id, u.name) for u in experts]
    return render_template("consult/roster.html", monday=monday, label=iso_week_label(monday),
                           prev=monday - timedelta(days=7), next=monday + timedelta(days=7),
                           grid=routing.week(monday), experts=experts, errors=errors or {},
                           may_edit=routing.MANAGE_ROSTER(current_user), csrf_form=FlaskForm(),
                           absence_form=form, absences=routing.absences(monday),
                           today=routing.today(), categories=CATEGORIES), status


@bp.get("/roster")
@login_required
def roster():
    require(services.STAFF, current_user)
    return _page(_monday())


def _id(name: str) -> int | None:
    value = request.form.get(name) or ""
    return int(value) if value.isdigit() else None


@bp.post("/roster")
@login_required
def save_roster():
    require(routing.MANAGE_ROSTER, current_user)
    monday = _monday()
    if not FlaskForm().validate_on_submit():
        flash(_l("The form expired. Please submit it again."), "error")
        return redirect(url_for("consult.roster", week=monday.isoformat()))
    rows = {c: {"duty": _id(f"duty_{c}"), "substitute": _id(f"substitute_{c}"), "lead": _id(f"lead_{c}")}
            for c in CATEGORIES}
    try:
        routing.set_week(current_user, monday, rows)
    except PermissionDenied:
        raise
    except DomainError as e:
        db.session.rollback()
        return _page(monday, errors={e.field or "_": e.message})
    flash(_l("The roster for %(week)s is saved.", week=iso_week_label(monday)), "success")
    return redirect(url_for("consult.roster", week=monday.isoformat()))


@bp.post("/roster/absences")
@login_required
def add_absence():
    require(routing.MANAGE_ROSTER, current_user)
    form = AbsenceForm()
    form.expert.choices = [(u.id, u.name) for u in routing.experts()]
    if form.validate_on_submit():
        try:
            routing.add_absence(current_user, form.expert.data, form.date_from.data, form.date_to.data,
                                form.reason.data)
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_l("The absence is recorded."), "success")
            return redirect(url_for("consult.roster", week=week_start(form.date_from.data).isoformat()))
    return _page(_monday(), absence_form=form)


@bp.post("/roster/absences/<int:absence_id>/delete")
@login_required
def delete_absence(absence_id):
    require(routing.MANAGE_ROSTER, current_user)
    if FlaskForm().validate_on_submit():
        routing.delete_absence(current_user, absence_id)
        flash(_l("The absence is removed."), "success")
    return redirect(url_for("consult.roster"))
