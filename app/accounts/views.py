from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm

from app.core.errors import DomainError
from app.core.forms import show_error

from . import services
from .forms import ChangePasswordForm, ForgotForm, LoginForm, ProfileForm, SetPasswordForm
from .roles import describe

bp = Blueprint("accounts", __name__, url_prefix="/account")


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("core.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, request.remote_addr)
        except services.LoginThrottled as err:
            show_error(form, err)
            return render_template("accounts/login.html", form=form), 429
        except DomainError as err:
            show_error(form, err)
        else:
            session.clear()  # a fresh session for the signed-in user
            login_user(user, remember=form.remember.data)
            session.permanent = True
            if user.locale:
                session["lang"] = user.locale
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    form = FlaskForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
    return redirect(url_for("core.home"))


@bp.route("/forgot", methods=["GET", "POST"])
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_l("If an active account uses this address, a reset link is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


def _token_page(token: str, purpose: str, title, done):
    try:
        user = services.check_token(token, purpose)
    except DomainError as err:
        return render_template("accounts/token_invalid.html", message=err.message), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password_from_token(token, purpose, form.password.data)
        except DomainError as err:
            show_error(form, err)
        else:
            flash(done, "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/set_password.html", form=form, title=title, user=user,
                           min_length=current_app.config["PASSWORD_MIN_LENGTH"])


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    return _token_page(token, "reset", _l("Choose a new password"), _l("Your password has been changed. Please sign in."))


@bp.route("/activate/<token>", methods=["GET", "POST"])
def activate(token):
    return _token_page(token, "activate", _l("Activate your account"), _l("Your account is active. Please sign in."))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    pw = ChangePasswordForm(prefix="pw")
    if request.method == "POST" and request.form.get("which") == "profile" and form.validate():
        services.update_profile(current_user, form.name.data, form.phone.data, form.locale.data)
        session["lang"] = current_user.locale or session.get("lang")
        flash(_l("Your details have been saved."), "success")
        return redirect(url_for("accounts.profile"))
    if request.method == "POST" and request.form.get("which") == "password" and pw.validate():
        try:
            services.change_password(current_user, pw.current.data, pw.password.data)
        except DomainError as err:
            show_error(pw, err)
        else:
            login_user(current_user._get_current_object())  # the stamp changed: keep this session, drop the others
            flash(_l("Your password has been changed."), "success")
            return redirect(url_for("accounts.profile"))
    grants = [describe(g) for g in current_user.active_grants]
    return render_template("accounts/profile.html", form=form, pw=pw, grants=grants,
                           min_length=current_app.config["PASSWORD_MIN_LENGTH"])
