"""Public joining pages and a member's own library."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.accounts import services as accounts
from app.accounts.forms import GrantForm, PersonForm, ReasonForm
from app.accounts.roles import describe, get_grant, grant, revoke
from app.core.errors import DomainError
from app.core.forms import show_error
from app.core.web import _localized
from app.permissions import LIBRARY_GRANTABLE, MANAGE_LIBRARY_PEOPLE, VIEW_LIBRARY, require

from . import services
from .forms import AgreementForm, MemberInfoForm, RegisterForm
from .models import STATUS_AGREED, STATUS_REGISTERED, STATUS_SUBMITTED

bp = Blueprint("members", __name__, url_prefix="/members")


@bp.route("/join", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    form.fill_choices(services.regions(), services.centres(), _localized)
    if form.validate_on_submit():
        try:
            services.register(form.name_zh.data, form.name_en.data, form.type.data, form.region_id.data,
                              form.centre_id.data, form.contact_name.data, form.contact_email.data,
                              form.contact_phone.data)
        except DomainError as err:
            show_error(form, err)
        else:
            return render_template("members/registered.html", email=form.contact_email.data)
    return render_template("members/register.html", form=form)


@bp.route("/application/<token>", methods=["GET", "POST"])
def application(token):
    lib = services.library_for_token(token)
    agreements = {k: services.current_agreement(k) for k in ("service", "union_catalogue")}
    agree = AgreementForm(prefix="a")
    info = MemberInfoForm(prefix="i", obj=lib)
    if request.method == "GET":
        agree.service_id.data = getattr(agreements["service"], "id", "")
        agree.union_catalogue_id.data = getattr(agreements["union_catalogue"], "id", "")
    step = request.form.get("step")
    if step == "agreements" and agree.validate_on_submit():
        try:
            ids = {"service": _int(agree.service_id.data), "union_catalogue": _int(agree.union_catalogue_id.data)}
            services.accept_agreements(lib, agree.accepted_by_name.data, ids)
        except DomainError as err:
            show_error(agree, err)
        else:
            return redirect(url_for("members.application", token=token))
    if step == "info" and info.validate_on_submit():
        try:
            services.submit_member_info(lib, {k: getattr(info, k).data for k in services.INFO_FIELDS})
        except DomainError as err:
            show_error(info, err)
        else:
            flash(_l("Thank you: the centre will review your application."), "success")
            return redirect(url_for("members.application", token=token))
    return render_template("members/application.html", lib=lib, agreements=agreements, agree=agree,
                           info=info, STATUS_REGISTERED=STATUS_REGISTERED, STATUS_AGREED=STATUS_AGREED,
                           STATUS_SUBMITTED=STATUS_SUBMITTED)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.get("/mine")
@login_required
def my_library():
    lib = current_user.library
    if lib is None:
        return render_template("members/no_library.html")
    return redirect(url_for("members.library", library_id=lib.id))


@bp.get("/<int:library_id>")
@login_required
def library(library_id):
    lib = services.get_library(library_id)
    require(VIEW_LIBRARY, current_user, lib)
    can_manage = MANAGE_LIBRARY_PEOPLE(current_user, lib)
    people = [(u, [describe(g) for g in u.active_grants]) for u in lib.users]
    from app.catalog.downloads import yearly_count

    return render_template("members/library.html", lib=lib, people=people, can_manage=can_manage,
                           person_form=PersonForm(), describe=describe, downloads_this_year=yearly_count(lib))


@bp.post("/<int:library_id>/people")
@login_required
def add_person(library_id):
    lib = services.get_library(library_id)
    require(MANAGE_LIBRARY_PEOPLE, current_user, lib)
    form = PersonForm()
    if form.validate_on_submit():
        try:
            accounts.create_user(current_user, form.email.data, form.name.data, library=lib, phone=form.phone.data)
        except DomainError as err:
            show_error(form, err)
        else:
            flash(_l("The person has been added and an activation e-mail sent."), "success")
            return redirect(url_for("members.library", library_id=lib.id))
    people = [(u, [describe(g) for g in u.active_grants]) for u in lib.users]
    return render_template("members/library.html", lib=lib, people=people, can_manage=True,
                           person_form=form, describe=describe), 400


def _person(library_id, user_id):
    lib = services.get_library(library_id)
    user = accounts.get_user(user_id)
    if user.library_id != lib.id:
        abort(404)
    require(MANAGE_LIBRARY_PEOPLE, current_user, lib)
    return lib, user


@bp.route("/<int:library_id>/people/<int:user_id>", methods=["GET", "POST"])
@login_required
def person(library_id, user_id):
    lib, user = _person(library_id, user_id)
    form = GrantForm(prefix="g")
    form.role.choices = [c for c in form.role.choices if c.value in LIBRARY_GRANTABLE]
    reason = ReasonForm(prefix="r")
    if form.validate_on_submit():
        try:
            grant(current_user, user, form.role.data, form.reason.data)
        except DomainError as err:
            show_error(form, err)
        else:
            flash(_l("The role has been granted."), "success")
            return redirect(url_for("members.person", library_id=lib.id, user_id=user.id))
    return render_template("members/person.html", lib=lib, user=user, form=form, reason=reason, describe=describe)


@bp.post("/<int:library_id>/people/<int:user_id>/revoke/<int:grant_id>")
@login_required
def revoke_role(library_id, user_id, grant_id):
    lib, user = _person(library_id, user_id)
    g = get_grant(grant_id)
    if g.user_id != user.id:
        abort(404)
    form = ReasonForm(prefix="r")
    if not form.validate_on_submit():
        flash(_l("Give a reason."), "error")
    else:
        revoke(current_user, g, form.reason.data)
        flash(_l("The role has been revoked."), "success")
    return redirect(url_for("members.person", library_id=lib.id, user_id=user.id))


@bp.post("/<int:library_id>/people/<int:user_id>/disable")
@login_required
def disable_person(library_id, user_id):
    lib, user = _person(library_id, user_id)
    form = ReasonForm(prefix="r")
    if not form.validate_on_submit():
        flash(_l("Give a reason."), "error")
    elif user.disabled_at is None:
        accounts.disable_user(current_user, user, form.reason.data)
        flash(_l("The account has been disabled."), "success")
    else:
        accounts.enable_user(current_user, user, form.reason.data)
        flash(_l("The account has been enabled again."), "success")
    return redirect(url_for("members.person", library_id=lib.id, user_id=user.id))
