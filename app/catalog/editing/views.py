from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from app.core.errors import DomainError, PermissionDenied
from app.core.forms import show_error
from app.extensions import db
from app.marc.display import brief, marc_view
from app.permissions import CATALOGUER, CENTRE_ADMIN, require

from .. import review, services, upload
from ..authorities import lookup
from ..editor import parse
from ..indexing import from_json
from ..models import Record
from ..workflow_models import ProbationRule
from .forms import DecisionForm, EditorForm, HeadingSearchForm, NewDraftForm, ProbationForm

bp = Blueprint("cataloguing", __name__, url_prefix="/catalog/work")


@bp.before_request
@login_required
def _signed_in():
    pass


@bp.get("/")
def drafts():
    require(CATALOGUER, current_user)
    scopes = [s for s in upload.SCOPES if upload.may_upload(current_user, s)]
    return render_template("catalog/work/drafts.html", drafts=upload.my_drafts(current_user), form=NewDraftForm(),
                           scopes=scopes, probation={s: upload.on_probation(current_user, s) for s in scopes})


@bp.post("/new")
def new():
    require(CATALOGUER, current_user)
    form = NewDraftForm()
    if not form.validate_on_submit():
        flash(_l("Choose a template."), "error")
        return redirect(url_for("cataloguing.drafts"))
    draft = upload.new_draft(current_user, template=form.template.data)
    return redirect(url_for("cataloguing.draft", draft_id=draft.id))


@bp.post("/record/<int:record_id>")
def edit_record(record_id):
    draft = upload.edit_record(current_user, services.get_record(record_id))
    return redirect(url_for("cataloguing.draft", draft_id=draft.id))


@bp.route("/draft/<int:draft_id>", methods=["GET", "POST"])
def draft(draft_id):
    require(CATALOGUER, current_user)
    draft = upload.get_draft(current_user, draft_id)
    form = EditorForm(obj=draft)
    messages = None
    status = 200
    if form.validate_on_submit():
        upload.save_draft(current_user, draft, form.text.data or "")
        action = form.action.data or request.form.get("do", "save")
        if action == "check":
            messages = parse(draft.text).messages
        elif action == "submit":
            try:
                row, item = upload.submit(current_user, draft, call_number=form.call_number.data)
            except upload.Rejected as err:
                messages, status = err.messages, 422
                form.form_errors.append(err.message)
            except DomainError as err:  # PermissionDenied included: say why, keep the text
                show_error(form, err)
                status = 403 if isinstance(err, PermissionDenied) else 422
            else:
                if item is None:
                    flash(_l("The record is in the union catalogue as number %(id)d.", id=row.id), "success")
                else:
                    flash(_l("The record was submitted and waits for review (%(why)s).",
                             why=_l("suspected duplicate") if item.kind == "duplicate" else _l("probation")), "info")
                return redirect(url_for("cataloguing.drafts"))
        else:
            flash(_l("Draft saved."), "success")
            return redirect(url_for("cataloguing.draft", draft_id=draft.id))
    return render_template("catalog/work/editor.html", draft=draft, form=form, messages=messages,
                           headings=HeadingSearchForm()), status


@bp.post("/draft/<int:draft_id>/delete")
def delete(draft_id):
    require(CATALOGUER, current_user)
    draft = upload.get_draft(current_user, draft_id)
    upload.delete_draft(current_user, draft)
    flash(_l("Draft deleted."), "success")
    return redirect(url_for("cataloguing.drafts"))


@bp.get("/headings")
def headings():
    require(CATALOGUER | CENTRE_ADMIN, current_user)
    form = HeadingSearchForm(request.args)
    found = lookup(form.q.data) if form.validate() else []
    return render_template("catalog/work/headings.html", form=form, found=found)


# --- review queue -------------------------------------------------------------------------------------
@bp.get("/review")
def review_queue():
    kind = request.args.get("kind") or None
    status = request.args.get("status", "open")
    if status not in ("open", "accepted", "merged", "rejected"):
        status = "open"
    pagination = review.queue(current_user, status=status, kind=kind,
                              page=max(request.args.get("page", 1, type=int), 1))
    return render_template("catalog/work/review_queue.html", pagination=pagination, counts=review.counts(current_user),
                           status=status, kind=kind)


@bp.route("/review/<int:item_id>", methods=["GET", "POST"])
def review_item(item_id):
    item = review.get_item(current_user, item_id)
    form = DecisionForm()
    if item.candidates and request.method == "GET":
        form.into.data = item.candidates[0]["id"]
    if form.validate_on_submit():
        try:
            if form.decision.data == "accept":
                review.accept(current_user, item, form.reason.data)
            elif form.decision.data == "merge":
                if not form.into.data:
                    raise DomainError(_l("Give the number of the record to merge into."), "into")
                review.merge(current_user, item, form.into.data, form.reason.data)
            else:
                review.reject(current_user, item, form.reason.data)
        except DomainError as err:
            show_error(form, err)
        else:
            flash(_l("Decision recorded."), "success")
            return redirect(url_for("cataloguing.review_queue"))
    proposed = from_json(item.proposed_marc) if item.proposed_marc else services.marc_of(item.record)
    ids = [c["id"] for c in item.candidates]
    others = {r.id: r for r in db.session.scalars(select(Record).where(Record.id.in_(ids)))} if ids else {}
    candidates = [(c, others.get(c["id"])) for c in item.candidates]
    return render_template("catalog/work/review_item.html", item=item, form=form, proposed=proposed,
                           candidates=candidates, brief=brief, marc_view=marc_view, marc_of=services.marc_of)


@bp.route("/probation", methods=["GET", "POST"])
def probation():
    require(CENTRE_ADMIN, current_user)
    form = ProbationForm()
    if form.validate_on_submit():
        try:
            review.set_probation(current_user, form.scope.data, form.records.data)
        except DomainError as err:
            flash(err.message, "error")
        else:
            flash(_l("Saved."), "success")
        return redirect(url_for("cataloguing.probation"))
    rules = {r.scope: r.records_required for r in db.session.scalars(select(ProbationRule))}
    return render_template("catalog/work/probation.html", rules=rules, scopes=upload.SCOPES,
                           default=upload.records_required("__default__"), form=form)
