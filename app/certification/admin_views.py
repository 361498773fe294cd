"""The centre's side of the certification exams, and the experts' review queue (/exams/admin).

Thin: every rule is in rounds / grading / results; this module turns forms into their arguments
and their DomainErrors into messages. Experts see candidates only as "candidate #<registration>",
so a score is judged on the work and not on the person.
"""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import func, or_, select

from app.accounts.models import User
from app.accounts.services import find_by_email
from app.core.errors import DomainError, NotFound
from app.core.forms import options, show_error
from app.core.markdown import render_markdown
from app.core.types import utcnow
from app.extensions import db
from app.permissions import CENTRE_ADMIN, MANAGE_EXAMS, REVIEW_EXAM_WORK, require

from . import grading, papers, results, rounds, stats
from .admin_forms import (SHANGHAI, ButtonForm, DecisionForm, ReasonForm, ResolveForm, RoundForm, SearchForm,
                          SittingForm, StatusForm, TrainingCertificateForm)
from .attempt_models import Certificate, GradingReview, ScoreChange
from .models import ExamRound, Registration, TrainingCertificate

bp = Blueprint("exam_admin", __name__, url_prefix="/exams/admin")
LIST_LIMIT = 200


@bp.before_request
@login_required
def _signed_in():
    require(REVIEW_EXAM_WORK, current_user)


def _manager():
    require(MANAGE_EXAMS, current_user)


def _lang() -> str:
    return str(get_locale() or "zh_CN")


def _cell(value):
    """Text a spreadsheet would run as a formula (a name typed as "=…") is kept as text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(rows, filename: str) -> Response:
    out = io.StringIO()
    csv.writer(out).writerows([_cell(v) for v in row] for row in rows)
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.app_template_global()
def exam_candidate(reg: Registration) -> str:
    """The candidate as this reader may see them: named for the centre, anonymous for experts."""
    if CENTRE_ADMIN(current_user):
        return f"{reg.user.name} ({reg.user.email})"
    return gettext("candidate #%(n)d", n=reg.id)


ROUND_STATUS = {"draft": _l("Draft"), "open": _l("Open"), "closed": _l("Closed"), "cancelled": _l("Cancelled")}
# The moves rounds.set_status allows, so the form offers only those.
REGISTRATION_STATUS = {"pending": _l("Waiting for approval"), "registered": _l("Registered"),
                       "refused": _l("Refused"), "withdrawn": _l("Withdrawn")}


@bp.context_processor
def _helpers():
    return {"is_exam_manager": MANAGE_EXAMS(current_user),
            "round_status_label": lambda s: ROUND_STATUS.get(s, s),
            "registration_status_label": lambda s: REGISTRATION_STATUS.get(s, s)}


# --- rounds ------------------------------------------------------------------------------------
@bp.get("/")
def index():
    if not MANAGE_EXAMS(current_user):
        return redirect(url_for("exam_admin.reviews"))
    found = db.session.scalars(select(ExamRound).order_by(ExamRound.created_at.desc())).all()
    return render_template("certification/admin/rounds.html", rounds=found,
                           open_reviews=db.session.scalar(select(func.count(GradingReview.id))
                                                          .where(GradingReview.status == "open")))


@bp.route("/rounds/new", methods=["GET", "POST"])
def new_round():
    _manager()
    form = RoundForm()
    form.blueprint_code.choices = options((c, c) for c in papers.shipped_codes())
    if form.validate_on_submit():
        try:
            r = rounds.create_round(
                current_user, blueprint_code=form.blueprint_code.data, code=form.code.data,
                title_zh=form.title_zh.data, title_en=form.title_en.data,
                registration_opens_at=form.registration_opens_at.utc,
                registration_closes_at=form.registration_closes_at.utc, seats=form.seats.data,
                results_release_at=form.results_release_at.utc,
                certificate_valid_years=form.certificate_valid_years.data, note=form.note.data or None)
        except DomainError as err:
            db.session.rollback()
            show_error(form, err)
        else:
            flash(_l("The round has been created. Add a sitting for every section, then open it."), "success")
            return redirect(url_for("exam_admin.round_page", round_id=r.id))
    return render_template("certification/admin/new_round.html", form=form)


def _round_forms(r):
    sitting = SittingForm(prefix="s")
    sitting.section.choices = options((c, c) for c in papers.section_codes(r.blueprint))
    status = StatusForm(prefix="st")
    status.status.choices = [c for c in status.status.choices if c.value in rounds.NEXT_STATUS.get(r.status, ())]
    return sitting, status, DecisionForm(prefix="d"), ButtonForm(prefix="b")


@bp.get("/rounds/<int:round_id>")
def round_page(round_id, sitting=None, status=None):
    _manager()
    r = rounds.get_round(round_id)
    forms = _round_forms(r)
    sitting, status = sitting or forms[0], status or forms[1]
    return render_template("certification/admin/round.html", r=r, sitting=sitting, status_form=status,
                           decision=forms[2], button=forms[3], counts=stats.registration_counts(r),
                           pending=rounds.registrations(r, status="pending"),
                           seats_taken=rounds.seats_taken(r),
                           open_reviews=results.open_reviews_in_round(r),
                           bp=papers.parsed(r.blueprint))


@bp.post("/rounds/<int:round_id>/sittings")
def add_sitting(round_id):
    _manager()
    r = rounds.get_round(round_id)
    form = _round_forms(r)[0]
    if form.validate_on_submit():
        try:
            rounds.add_sitting(current_user, r, form.section.data, form.opens_at.utc, form.closes_at.utc,
                               form.place.data)
        except DomainError as err:
            db.session.rollback()
            show_error(form, err)
        else:
            flash(_l("The sitting has been added."), "success")
            return redirect(url_for("exam_admin.round_page", round_id=r.id))
    return round_page(round_id, sitting=form)


@bp.post("/rounds/<int:round_id>/status")
def set_status(round_id):
    _manager()
    r = rounds.get_round(round_id)
    form = _round_forms(r)[1]
    if form.validate_on_submit():
        try:
            rounds.set_status(current_user, r, form.status.data, form.reason.data or None)
        except DomainError as err:
            db.session.rollback()
            show_error(form, err)
        else:
            flash(_l("The round's status has been changed."), "success")
            return redirect(url_for("exam_admin.round_page", round_id=r.id))
    return round_page(round_id, status=form)


@bp.post("/registrations/<int:registration_id>/decide")
def decide(registration_id):
    _manager()
    reg = db.session.get(Registration, registration_id) or abort(404)
    form = DecisionForm(prefix="d")
    if not form.validate_on_submit():
        flash(_l("Choose to approve or refuse."), "error")
    else:
        try:
            rounds.decide(current_user, reg, form.decision.data == "approve", form.reason.data)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            flash(_l("The registration has been decided."), "success")
    return redirect(url_for("exam_admin.round_page", round_id=reg.round_id))


@bp.get("/rounds/<int:round_id>/registrations.csv")
def registrations_csv(round_id):
    _manager()
    r = rounds.get_round(round_id)
    library_id = request.args.get("library_id", type=int)
    rows = [["registration", "name", "email", "library_code", "library", "status", "basis", "registered_at"]]
    for reg in rounds.registrations(r, library_id=library_id, status="registered"):
        rows.append([reg.id, reg.user.name, reg.user.email, reg.library.code or "", reg.library.name_zh,
                     reg.status, reg.basis, reg.created_at.isoformat()])
    suffix = f"-{library_id}" if library_id else ""
    return _csv(rows, f"registered-{r.code}{suffix}.csv")


@bp.post("/rounds/<int:round_id>/release")
def release(round_id):
    _manager()
    r = rounds.get_round(round_id)
    if ButtonForm(prefix="b").validate_on_submit():
        try:
            issued = results.release(current_user, r)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            flash(_l("The results are released; %(n)d certificates issued.", n=issued), "success")
    return redirect(url_for("exam_admin.round_page", round_id=r.id))


@bp.get("/rounds/<int:round_id>/results")
def round_results(round_id):
    _manager()
    r = rounds.get_round(round_id)
    sections = papers.section_codes(r.blueprint)
    rows = stats.results_rows(r)
    if request.args.get("format") == "csv":
        out = [["registration", "name", "email", "library", *sections, "total", "passed"]]
        for row in rows:
            reg = row["registration"]
            out.append([reg.id, reg.user.name, reg.user.email, reg.library.code or reg.library.name_zh,
                        *("" if row["sections"].get(s) is None else row["sections"][s] for s in sections),
                        "" if row["total"] is None else row["total"],
                        "" if row["passed"] is None else ("yes" if row["passed"] else "no")])
        return _csv(out, f"results-{r.code}.csv")
    return render_template("certification/admin/results.html", r=r, sections=sections, rows=rows)


@bp.get("/rounds/<int:round_id>/stats")
def round_stats(round_id):
    _manager()
    r = rounds.get_round(round_id)
    s = stats.round_stats(r, _lang())
    charts = {sec.code: Markup(stats.histogram_svg(sec, gettext)) for sec in s.sections}  # our own SVG
    return render_template("certification/admin/stats.html", r=r, s=s, charts=charts,
                           flag_text=lambda f: stats.flag_text(f, _lang()))


@bp.get("/rounds/<int:round_id>/stats.csv")
def round_stats_csv(round_id):
    _manager()
    r = rounds.get_round(round_id)
    return Response("\ufeff" + stats.items_csv(stats.round_stats(r, _lang())), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="items-{r.code}.csv"'})


# --- training certificates and certificates ----------------------------------------------------
@bp.route("/training", methods=["GET", "POST"])
def training():
    _manager()
    form = TrainingCertificateForm()
    search = SearchForm(request.args)
    if form.validate_on_submit():
        user = find_by_email(form.email.data)
        if user is None:
            form.email.errors = [*form.email.errors, _l("No account has this e-mail.")]
        else:
            try:
                rounds.record_training_certificate(current_user, user, form.number.data, form.kind.data,
                                                   form.note.data)
            except DomainError as err:
                db.session.rollback()
                show_error(form, err)
            else:
                flash(_l("The training certificate has been recorded."), "success")
                return redirect(url_for("exam_admin.training"))
    q = select(TrainingCertificate).join(TrainingCertificate.user)
    if search.q.data:
        like = f"%{search.q.data}%"
        q = q.where(or_(User.email.ilike(like), User.name.ilike(like), TrainingCertificate.number.ilike(like)))
    found = db.session.scalars(q.order_by(TrainingCertificate.issued_on.desc()).limit(LIST_LIMIT)).all()
    return render_template("certification/admin/training.html", form=form, search=search, found=found)


@bp.get("/certificates")
def certificates():
    _manager()
    search = SearchForm(request.args)
    q = select(Certificate).join(Certificate.user)
    if search.q.data:
        like = f"%{search.q.data}%"
        q = q.where(or_(User.email.ilike(like), User.name.ilike(like), Certificate.number.ilike(like),
                        Certificate.verification_code.ilike(like)))
    found = db.session.scalars(q.order_by(Certificate.id.desc()).limit(LIST_LIMIT)).all()
    return render_template("certification/admin/certificates.html", search=search, found=found,
                           reason=ReasonForm(prefix="r"), today=utcnow().astimezone(SHANGHAI).date())


@bp.post("/certificates/<int:certificate_id>/revoke")
def revoke_certificate(certificate_id):
    _manager()
    cert = db.session.get(Certificate, certificate_id) or abort(404)
    form = ReasonForm(prefix="r")
    if not form.validate_on_submit():
        flash(_l("Give a reason."), "error")
    else:
        try:
            results.revoke_certificate(current_user, cert, form.reason.data)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            flash(_l("The certificate has been revoked."), "success")
    return redirect(url_for("exam_admin.certificates", q=cert.number))


# --- expert review queue -------------------------------------------------------------------------
def _may_review(review) -> bool:
    try:
        grading.check_reviewer(current_user, review)
    except DomainError:
        return False
    return True


@bp.get("/reviews")
def reviews():
    waiting = grading.queue("open")
    mine = [rv for rv in waiting if _may_review(rv)]
    return render_template("certification/admin/reviews.html", reviews=mine, hidden=len(waiting) - len(mine),
                           done=db.session.scalars(select(GradingReview).where(GradingReview.status == "done")
                                                   .order_by(GradingReview.resolved_at.desc()).limit(20)).all())


@bp.route("/reviews/<int:review_id>", methods=["GET", "POST"])
def review(review_id):
    try:
        rv = grading.get_review(review_id)
    except NotFound:
        abort(404)
    grading.check_reviewer(current_user, rv)  # PermissionDenied → 403: own work or own library
    item = rv.item
    form = ResolveForm(prefix="v")
    if request.method == "GET":
        form.score.data = item.score
    elif form.validate_on_submit():
        try:
            grading.resolve(current_user, rv, form.score.data, form.reason.data)
        except DomainError as err:
            db.session.rollback()
            show_error(form, err)
        else:
            flash(_l("The review is closed."), "success")
            return redirect(url_for("exam_admin.reviews"))
    v = item.version
    history = db.session.scalars(select(ScoreChange).where(ScoreChange.item_id == item.id)
                                 .order_by(ScoreChange.created_at)).all()
    content, en = v.content or {}, not _lang().startswith("zh")
    description = (content.get("description_en") if en else None) or content.get("description")
    return render_template("certification/admin/review.html", rv=rv, item=item, v=v, form=form,
                           content=content, key=v.key or {}, feedback=item.feedback or {},
                           description=render_markdown(description), history=history, en=en)
