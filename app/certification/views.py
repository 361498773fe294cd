"""Candidate pages: rounds, registration, sitting a section, results, certificates; verification."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from app.catalog.editor import parse
from app.core.errors import DomainError, PermissionDenied
from app.core import images
from app.core.markdown import render_markdown
from app.questions import assets
from app.questions.models import Question
from app.core.types import utcnow
from app.extensions import db
from app.permissions import MANAGE_EXAMS, SIT_EXAMS, require

from . import attempts, candidate, grading, papers, results, rounds
from .attempt_models import AttemptItem, Certificate
from .forms import AppealForm, RegisterForm
from .models import Registration

bp = Blueprint("exams", __name__, url_prefix="/exams")


@bp.context_processor
def _helpers():
    return {"render_markdown": render_markdown, "marc_template": candidate.marc_template,
            "question_markdown": assets.markdown}


def _lang() -> str:
    return str(get_locale() or "zh_CN")


@bp.get("/")
@login_required
def index():
    return render_template("certification/index.html", **candidate.overview(current_user, utcnow()))


@bp.get("/rounds/<int:round_id>")
@login_required
def round_page(round_id):
    r = rounds.get_round(round_id)
    if r.status == "draft":
        abort(404)
    reg = db.session.scalar(select(Registration).where(Registration.round_id == r.id,
                                                       Registration.user_id == current_user.id))
    return render_template("certification/round.html", round=r, reg=reg, form=RegisterForm(),
                           bp=papers.parsed(r.blueprint), may_sit=SIT_EXAMS(current_user),
                           seats_taken=rounds.seats_taken(r), now=utcnow())


@bp.post("/rounds/<int:round_id>/register")
@login_required
def register(round_id):
    r = rounds.get_round(round_id)
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            reg = rounds.register(current_user, r, note=form.note.data)
        except DomainError as e:
            flash(e.message, "error")
        else:
            flash(_l("You are registered.") if reg.status == "registered"
                  else _l("Your registration waits for the centre's approval."), "success")
    return redirect(url_for("exams.round_page", round_id=r.id))


@bp.post("/registrations/<int:reg_id>/withdraw")
@login_required
def withdraw(reg_id):
    reg = candidate.own_registration(current_user, reg_id)
    rounds.withdraw(current_user, reg)
    flash(_l("Your registration is withdrawn."), "success")
    return redirect(url_for("exams.round_page", round_id=reg.round_id))


@bp.post("/registrations/<int:reg_id>/start/<section>")
@login_required
def start(reg_id, section):
    require(SIT_EXAMS, current_user)
    reg = candidate.own_registration(current_user, reg_id)
    attempt = attempts.start_or_resume(current_user, reg, section)
    if attempt.status != "in_progress":
        return redirect(url_for("exams.done", attempt_id=attempt.id))
    return redirect(url_for("exams.attempt", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id):
    a = attempts.get_attempt(current_user, attempt_id)
    a = attempts.start_or_resume(current_user, a.registration, a.section)  # this browser takes over
    if a.status != "in_progress":
        return redirect(url_for("exams.done", attempt_id=a.id))
    a = attempts.get_attempt(current_user, a.id, with_items=True)  # the takeover's commit expired it
    bp_ = papers.parsed(a.registration.round.blueprint)
    section = bp_.section(a.section)
    paper = attempts.candidate_paper(a)
    current = None
    if section.layout == "one_per_page":
        current = max(1, min(request.args.get("q", 1, type=int), len(paper)))
    return render_template("certification/attempt.html", attempt=a, paper=paper, section=section,
                           blueprint=bp_, current=current, lang=_lang(), now=utcnow(),
                           labels=candidate.draw_labels(section, paper, _lang()))


def _json_error(e: DomainError, status: int):
    return jsonify(code=getattr(e, "code", "error"), message=str(e.message)), status


@bp.post("/attempts/<int:attempt_id>/save")
@login_required
def save(attempt_id):
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("position"), int) \
            or not isinstance(data.get("seq"), int):
        return jsonify(code="bad_request", message=str(_l("The save could not be read."))), 400
    try:
        ack = attempts.save(current_user, attempt_id, str(data.get("token") or ""), data["position"],
                            data.get("response"), data["seq"])
    except attempts.SaveRefused as e:
        return _json_error(e, 409 if e.code in ("submitted", "late", "taken_over") else 400)
    return jsonify(ack)


@bp.post("/attempts/<int:attempt_id>/save-all")
@login_required
def save_all(attempt_id):
    """The paper posted as a plain form (no JavaScript): every answer saved in one go."""
    then_submit = request.form.get("then") == "submit"
    try:
        attempts.save_many(current_user, attempt_id, request.form.get("token", ""),
                           lambda item: candidate.response_from_form(item, request.form), then_submit)
    except attempts.SaveRefused as e:
        flash(e.message, "error")
        return redirect(url_for("exams.done", attempt_id=attempt_id) if e.code in ("submitted", "late")
                        else url_for("exams.attempt", attempt_id=attempt_id))
    if then_submit:
        return redirect(url_for("exams.done", attempt_id=attempt_id))
    flash(_l("Your answers are saved."), "success")
    return redirect(url_for("exams.attempt", attempt_id=attempt_id, q=request.form.get("q", type=int)))


@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
def submit(attempt_id):
    try:
        attempts.submit(current_user, attempt_id, request.form.get("token", ""))
    except attempts.SaveRefused as e:
        flash(e.message, "error")
        return redirect(url_for("exams.attempt", attempt_id=attempt_id))
    return redirect(url_for("exams.done", attempt_id=attempt_id))


@bp.get("/attempts/<int:attempt_id>/status")
@login_required
def status(attempt_id):
    now = utcnow()
    a = attempts.get_attempt(current_user, attempt_id)
    if a.status == "in_progress" and now >= a.deadline:
        a = attempts.close_if_overdue(current_user, attempt_id, now)
    token = request.args.get("token", "")
    return jsonify(status=a.status, deadline=a.deadline.isoformat(), now=now.isoformat(),
                   holder=bool(token) and token == a.live_token)


@bp.post("/attempts/<int:attempt_id>/check")
@login_required
def check(attempt_id):
    """Validation of the candidate's record, as in the cataloguing editor: never a comparison."""
    attempts.get_attempt(current_user, attempt_id)
    data = request.get_json(silent=True) or {}
    parsed = parse(str(data.get("mrk") or "")[:attempts.MAX_RESPONSE_BYTES])
    zh = _lang().startswith("zh")
    return jsonify(messages=[{"line": m.line, "severity": m.severity, "tag": m.tag,
                              "text": m.zh if zh else m.en} for m in parsed.messages])


@bp.get("/attempts/<int:attempt_id>/done")
@login_required
def done(attempt_id):
    a = attempts.get_attempt(current_user, attempt_id, with_items=True)
    return render_template("certification/done.html", attempt=a,
                           answered=sum(1 for i in a.items if i.response not in (None, "", [], {})))


@bp.get("/registrations/<int:reg_id>/result")
@login_required
def result(reg_id):
    reg = candidate.own_registration(current_user, reg_id)
    if reg.round.results_released_at is None:
        raise PermissionDenied(_l("The results of this round are not released yet."))
    return render_template("certification/result.html", reg=reg, lang=_lang(), form=AppealForm(),
                           sections=candidate.result_view(reg, _lang()))


@bp.post("/items/<int:item_id>/appeal")
@login_required
def appeal(item_id):
    item = db.session.get(AttemptItem, item_id)
    if item is None:
        abort(404)
    form = AppealForm()
    if form.validate_on_submit():
        try:
            grading.appeal(current_user, item, form.text.data)
            flash(_l("Your appeal is with the expert panel."), "success")
        except DomainError as e:
            flash(e.message, "error")
    else:
        flash(_l("Say what you think was graded wrongly."), "error")
    return redirect(url_for("exams.result", reg_id=item.attempt.registration_id))


@bp.get("/certificates/<int:cert_id>.pdf")
@login_required
def certificate_pdf(cert_id):
    cert = db.session.get(Certificate, cert_id)
    if cert is None:
        abort(404)
    if cert.user_id != current_user.id and not MANAGE_EXAMS(current_user):
        raise PermissionDenied(_l("This is not your certificate."))
    pdf = candidate.certificate_pdf(cert, url_for("verify.page", code=cert.verification_code,
                                                  _external=True))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="certificate-{cert.number}.pdf"'})


@bp.get("/questions/<int:question_id>/images/<name>")
@login_required
def question_image(question_id, name):
    """An image of a question, for its authors, candidates whose paper holds it, and practice."""
    q = db.session.get(Question, question_id)
    asset = assets.get(question_id, name) if q is not None else None
    if asset is None or not assets.may_see(current_user, q):
        abort(404)
    return Response(asset.data, headers=images.serve_headers(asset.mime))


verify_bp = Blueprint("verify", __name__, url_prefix="/verify")


@verify_bp.get("/")
def lookup():
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("verify.page", code=code))
    return render_template("certification/verify.html", cert=None, code="")


@verify_bp.get("/<code>")
def page(code):
    try:
        cert = results.by_code(code)
    except DomainError:
        cert = None
    return render_template("certification/verify.html", cert=cert, code=code, today=utcnow().date(),
                           status=404 if cert is None else 200), 404 if cert is None else 200

