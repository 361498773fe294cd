"""The centre's administration: applications, libraries, people, roles and the audit log."""
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.accounts import services as accounts
from app.accounts.forms import GrantForm, PersonForm, ReasonForm
from app.accounts.roles import describe, get_grant, grant, revoke
from app.core.errors import DomainError
from app.core.forms import options, show_error
from app.core.web import _localized
from app.members import services as members
from app.members.forms import LibraryEditForm, OpenAccountForm
from app.members.models import WORKFLOW, STATUS_REJECTED
from app.permissions import ADMIN_AREA, CENTRE_ADMIN, require

from . import services
from .forms import AuditFilterForm, SearchForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

QUEUE_LABELS = {
    "registered": _l("Registered: waiting for the agreements"),
    "agreed": _l("Agreements accepted: waiting for the member information"),
    "submitted": _l("Submitted: waiting for the centre to open the account"),
    "opened": _l("Account opened: waiting for activation"),
    "active": _l("Members"),
    "rejected": _l("Rejected"),
}


@bp.before_request
@login_required
def _signed_in():
    require(ADMIN_AREA, current_user)


def _centre_only():
    require(CENTRE_ADMIN, current_user)


def _page() -> int:
    return max(request.args.get("page", 1, type=int), 1)


@bp.get("/")
def index():
    if not CENTRE_ADMIN(current_user):
        return redirect(url_for("members.my_library"))
    return render_template("admin/index.html", counts=members.queue_counts(), labels=QUEUE_LABELS,
                           workflow=WORKFLOW)


# --- the joining queues ---------------------------------------------------------------------------
@bp.get("/applications/<status>")
def applications(status):
    _centre_only()
    if status not in QUEUE_LABELS:
        abort(404)
    return render_template("admin/applications.html", status=status, label=QUEUE_LABELS[status],
                           libraries=members.queue(status), labels=QUEUE_LABELS, workflow=WORKFLOW,
                           counts=members.queue_counts())


@bp.route("/applications/library/<int:library_id>", methods=["GET", "POST"])
def application(library_id):
    _centre_only()
    lib = members.get_library(library_id)
    form = OpenAccountForm(prefix="o")
    reject = ReasonForm(prefix="r")
    if request.method == "POST" and request.form.get("action") == "open" and form.validate_on_submit():
        try:
            members.open_account(current_user, lib, form.code.data)
        except DomainError as err:
            show_error(form, err)
        else:
            flash(_l("The account has been opened and the activation e-mail sent."), "success")
            return redirect(url_for("admin.applications", status="submitted"))
    if request.method == "POST" and request.form.get("action") == "reject" and reject.validate_on_submit():
        try:
            members.reject_application(current_user, lib, reject.reason.data)
        except DomainError as err:
            show_error(reject, err)
        else:
            flash(_l("The application has been rejected."), "success")
            return redirect(url_for("admin.applications", status=STATUS_REJECTED))
    return render_template("admin/application.html", lib=lib, form=form, reject=reject, labels=QUEUE_LABELS)


# --- libraries ---------------------------------------------------------------------------------------
@bp.get("/libraries")
def libraries():
    _centre_only()
    form = SearchForm(request.args)
    form.status.choices = options([("", "—")] + list(QUEUE_LABELS.items()) + [("disabled", _l("Disabled"))])
    form.region.choices = options([("", "—")] + [(r.id, _localized(r, "name")) for r in members.regions()])
    pagination = members.search(form.q.data or "", _to_int(form.region.data), form.status.data or None,
                                page=_page())
    return render_template("admin/libraries.html", form=form, pagination=pagination, labels=QUEUE_LABELS)


def _to_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.route("/libraries/<int:library_id>", methods=["GET", "POST"])
def library(library_id):
    _centre_only()
    lib = members.get_library(library_id)
    form = LibraryEditForm(obj=lib)
    form.fill_choices(members.regions(), members.centres(), _localized)
    reason = ReasonForm(prefix="r")
    if form.validate_on_submit():
        data = {k: getattr(form, k).data for k in members.EDITABLE}
        data.update(region_id=form.region_id.data, centre_id=form.centre_id.data)
        try:
            members.edit_library(current_user, lib, data)
        except DomainError as err:
            show_error(form, err)
        else:
            flash(_l("The library has been saved."), "success")
            return redirect(url_for("admin.library", library_id=lib.id))
    return render_template("admin/library.html", lib=lib, form=form, reason=reason, labels=QUEUE_LABELS)


@bp.post("/libraries/<int:library_id>/<any(disable,enable,grant_upload,revoke_upload):action>")
def library_action(library_id, action):
    _centre_only()
    lib = members.get_library(library_id)
    form = ReasonForm(prefix="r")
    if not form.validate_on_submit():
        flash(_l("Give a reason."), "error")
        return redirect(url_for("admin.library", library_id=lib.id))
    if action in ("disable", "enable"):
        members.set_disabled(current_user, lib, action == "disable", form.reason.data)
    else:
        members.set_upload_right(current_user, lib, action == "grant_upload", form.reason.data)
    flash(_l("Done."), "success")
    return redirect(url_for("admin.library", library_id=lib.id))


# --- people -------------------------------------------------------------------------------------------
@bp.get("/users")
def users():
    _centre_only()
    form = SearchForm(request.args)
    form.status.choices = options([("", "—"), ("active", _l("Active")), ("pending", _l("Waiting for activation")),
                                   ("disabled", _l("Disabled"))])
    form.region.choices = options([("", "—")])
    pagination = services.search_users(current_user, form.q.data or "", form.status.data or None, page=_page())
    return render_template("admin/users.html", form=form, pagination=pagination, describe=describe)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id):
    _centre_only()
    person = accounts.get_user(user_id)
    edit = PersonForm(prefix="e", obj=person)
    form = GrantForm(prefix="g")
    reason = ReasonForm(prefix="r")
    which = request.form.get("which")
    if which == "edit" and edit.validate_on_submit():
        try:
            accounts.edit_user(current_user, person, edit.name.data, edit.email.data, edit.phone.data)
        except DomainError as err:
            show_error(edit, err)
        else:
            flash(_l("Saved."), "success")
            return redirect(url_for("admin.user", user_id=person.id))
    if which == "grant" and form.validate_on_submit():
        expires = None
        if form.expires_on.data:
            local_end = datetime.combine(form.expires_on.data, time(23, 59, 59), ZoneInfo("Asia/Shanghai"))
            expires = local_end.astimezone(timezone.utc)
        try:
            grant(current_user, person, form.role.data, form.reason.data, scope=form.scope.data or None,
                  level=int(form.level.data) if form.level.data else None, expires_at=expires)
        except DomainError as err:
            show_error(form, err)
        else:
            flash(_l("The role has been granted."), "success")
            return redirect(url_for("admin.user", user_id=person.id))
    audit = services.audit_log(current_user, subject_type="user", subject_id=person.id, per_page=20)
    return render_template("admin/user.html", person=person, edit=edit, form=form, reason=reason,
                           describe=describe, audit=audit)


@bp.post("/users/<int:user_id>/revoke/<int:grant_id>")
def revoke_grant(user_id, grant_id):
    _centre_only()
    person = accounts.get_user(user_id)
    g = get_grant(grant_id)
    if g.user_id != person.id:
        abort(404)
    form = ReasonForm(prefix="r")
    if not form.validate_on_submit():
        flash(_l("Give a reason."), "error")
    else:
        revoke(current_user, g, form.reason.data)
        flash(_l("The role has been revoked."), "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.post("/users/<int:user_id>/<any(disable,enable):action>")
def user_action(user_id, action):
    _centre_only()
    person = accounts.get_user(user_id)
    form = ReasonForm(prefix="r")
    if not form.validate_on_submit():
        flash(_l("Give a reason."), "error")
    elif action == "disable":
        accounts.disable_user(current_user, person, form.reason.data)
        flash(_l("The account has been disabled."), "success")
    else:
        accounts.enable_user(current_user, person, form.reason.data)
        flash(_l("The account has been enabled again."), "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.get("/audit")
def audit():
    _centre_only()
    form = AuditFilterForm(request.args)
    pagination = services.audit_log(current_user, form.action.data or "", form.actor.data or "", page=_page())
    return render_template("admin/audit.html", form=form, pagination=pagination)
