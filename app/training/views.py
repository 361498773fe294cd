"""Training pages (/training): the public list, registering, my training, and the trainers' side.

Thin: every rule is in services / certificates; this module turns forms into their arguments and
DomainErrors into messages. Trainer pages check the role before looking anything up, so an
outsider learns nothing from a 404.
"""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.certification.admin_forms import to_local_input
from app.core.errors import DomainError
from app.core.forms import show_error
from app.core.markdown import render_markdown
from app.core.types import utcnow
from app.extensions import db
from app.permissions import CATALOGUER, CENTRE_ADMIN, require

from . import certificates, services, stats
from .forms import (KIND_NAMES, MODE_LABELS, REGISTRATION_STATUS_LABELS, SESSION_STATUS_LABELS, CancelForm,
                    SessionForm, YearForm)
from .models import SHANGHAI
from .services import MANAGE_TRAINING

bp = Blueprint("training", __name__, url_prefix="/training")
VIEW_STATISTICS = (MANAGE_TRAINING | CENTRE_ADMIN).named("training_statistics")


@bp.context_processor
def _helpers():
    return {"render_markdown": render_markdown, "is_trainer": MANAGE_TRAINING(current_user),
            "may_see_statistics": VIEW_STATISTICS(current_user),
            "kind_label": lambda k: KIND_NAMES.get(k, k), "mode_label": lambda m: MODE_LABELS.get(m, m),
            "session_status_label": lambda s: SESSION_STATUS_LABELS.get(s, s),
            "registration_status_label": lambda s: REGISTRATION_STATUS_LABELS.get(s, s)}


def _lang() -> str:
    return str(get_locale() or "zh_CN")


def _trainer() -> None:
    require(MANAGE_TRAINING, current_user, message=_l("Only trainers may do this."))


# --- public and cataloguers' pages -------------------------------------------------------------
@bp.get("/")
def index():
    managed = services.sessions(statuses=("draft", "cancelled"), limit=100) if MANAGE_TRAINING(current_user) else []
    return render_template("training/index.html", upcoming=services.sessions(upcoming=True),
                           past=services.sessions(upcoming=False, limit=50), managed=managed, lang=_lang())


@bp.get("/sessions/<int:session_id>")
def session_page(session_id):
    s = services.get_session(session_id)
    if s.status == "draft" and not MANAGE_TRAINING(current_user):
        abort(404)
    reg = services.own_registration(current_user, s) if current_user.is_authenticated else None
    return render_template("training/session.html", s=s, reg=reg, lang=_lang(), now=utcnow(),
                           may_register=CATALOGUER(current_user), taken=services.places_taken(s),
                           waiting=len(services.registrations(s, ("waitlisted",))),
                           open=services.registration_open(s))


@bp.post("/sessions/<int:session_id>/register")
@login_required
def register(session_id):
    require(CATALOGUER, current_user, message=_l("Only cataloguers of active member libraries may register."))
    s = services.get_session(session_id)
    try:
        reg = services.register(current_user, s)
    except DomainError as e:
        db.session.rollback()
        flash(e.message, "error")
    else:
        flash(_l("You are registered.") if reg.status == "registered" else
              _l("The session is full: you are on the waiting list and will be told if a place frees up."),
              "success")
    return redirect(url_for("training.session_page", session_id=s.id))


@bp.post("/registrations/<int:reg_id>/cancel")
@login_required
def cancel_registration(reg_id):
    reg = services.get_registration(reg_id)
    if reg.user_id != current_user.id:
        abort(404)  # someone else's registration: not even its existence
    try:
        services.cancel_registration(current_user, reg)
    except DomainError as e:
        db.session.rollback()
        flash(e.message, "error")
    else:
        flash(_l("Your registration is cancelled."), "success")
    return redirect(url_for("training.session_page", session_id=reg.session_id))


@bp.get("/mine")
@login_required
def mine():
    return render_template("training/mine.html", regs=services.my_registrations(current_user),
                           certs=certificates.certificates_of(current_user), lang=_lang())


@bp.get("/certificates/<int:cert_id>.pdf")
@login_required
def certificate_pdf(cert_id):
    cert = certificates.certificate_for_download(current_user, cert_id)
    return Response(certificates.pdf_for(cert), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="training-{cert.number}.pdf"'})


# --- trainers ----------------------------------------------------------------------------------
@bp.route("/sessions/new", methods=["GET", "POST"])
@login_required
def new_session():
    _trainer()
    form = SessionForm()
    if form.validate_on_submit():
        try:
            s = services.create_session(current_user, **form.values())
        except DomainError as err:
            db.session.rollback()
            show_error(form, err)
        else:
            flash(_l("The session is saved as a draft. Publish it when it is ready."), "success")
            return redirect(url_for("training.session_page", session_id=s.id))
    return render_template("training/form.html", form=form, s=None)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit_session(session_id):
    _trainer()
    s = services.get_session(session_id)
    form = SessionForm(obj=s)
    if request.method == "GET":
        form.registration_closes_at.data = to_local_input(s.registration_closes_at)
    elif form.validate_on_submit():
        try:
            services.update_session(current_user, s, **form.values())
        except DomainError as err:
            db.session.rollback()
            show_error(form, err)
        else:
            flash(_l("The session is saved."), "success")
            return redirect(url_for("training.session_page", session_id=s.id))
    return render_template("training/form.html", form=form, s=s)


@bp.post("/sessions/<int:session_id>/publish")
@login_required
def publish(session_id):
    _trainer()
    s = services.get_session(session_id)
    try:
        services.publish(current_user, s)
        flash(_l("The session is published."), "success")
    except DomainError as e:
        db.session.rollback()
        flash(e.message, "error")
    return redirect(url_for("training.session_page", session_id=s.id))


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_session(session_id):
    _trainer()
    s = services.get_session(session_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            told = services.cancel_session(current_user, s, form.reason.data)
        except DomainError as err:
            db.session.rollback()
            show_error(form, err)
        else:
            flash(_l("The session is cancelled; %(n)d people have been told.", n=told), "success")
            return redirect(url_for("training.session_page", session_id=s.id))
    return render_template("training/cancel.html", form=form, s=s, lang=_lang(),
                           affected=len(services.registrations(s)))


@bp.get("/sessions/<int:session_id>/registrations")
@login_required
def registrations(session_id):
    _trainer()
    s = services.get_session(session_id)
    certs = {r.id: services.certificate_for(r) for r in s.registrations if r.attended}
    return render_template("training/registrations.html", s=s, regs=s.registrations, certs=certs,
                           lang=_lang(), begun=utcnow() >= s.starts_at)


@bp.post("/sessions/<int:session_id>/attendance")
@login_required
def attendance(session_id):
    _trainer()
    s = services.get_session(session_id)
    changed = 0
    try:
        for reg in services.registrations(s, ("registered",)):
            value = request.form.get(f"attended-{reg.id}", "")
            if value in ("yes", "no") and reg.attended != (value == "yes"):
                services.record_attendance(current_user, reg, value == "yes", commit=False)
                changed += 1
    except DomainError as e:
        db.session.rollback()
        flash(e.message, "error")
    else:
        db.session.commit()
        flash(_l("Attendance recorded for %(n)d people.", n=changed), "success")
    return redirect(url_for("training.registrations", session_id=s.id))


@bp.post("/sessions/<int:session_id>/certificates")
@login_required
def issue_certificates(session_id):
    _trainer()
    s = services.get_session(session_id)
    try:
        issued = certificates.issue_certificates(current_user, s)
    except DomainError as e:
        db.session.rollback()
        flash(e.message, "error")
    else:
        flash(_l("%(n)d certificates issued.", n=len(issued)), "success")
    return redirect(url_for("training.registrations", session_id=s.id))


def _cell(value) -> str:
    """Text a spreadsheet would run as a formula (a name typed as "=…") is kept as text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.get("/sessions/<int:session_id>/attendees.csv")
@login_required
def attendees_csv(session_id):
    _trainer()
    s = services.get_session(session_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "library", "region", "status", "registered_at_beijing", "attended",
                     "certificate"])
    for r in s.registrations:
        cert = services.certificate_for(r) if r.attended else None
        lib = r.library
        writer.writerow([_cell(v) for v in (
            r.user.name, r.user.email, lib.name_zh if lib else "", lib.region.code if lib else "", r.status,
            r.created_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
            "" if r.attended is None else ("yes" if r.attended else "no"), cert.number if cert else "")])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="training-{s.id}-attendees.csv"'})


@bp.get("/statistics")
@login_required
def statistics():
    require(VIEW_STATISTICS, current_user)
    form = YearForm(request.args)
    year = form.year.data if form.validate() else None
    return render_template("training/statistics.html", st=stats.statistics(year), form=form)
