"""The user's notifications page; opening one marks it read and follows its link."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from app.extensions import db

from . import services

bp = Blueprint("notify", __name__, url_prefix="/notifications")


@bp.get("/")
@login_required
def index():
    page = services.for_user(current_user, page=request.args.get("page", 1, type=int))
    return render_template("notify/index.html", page=page, form=FlaskForm(),
                           unread=services.unread_count(current_user))


@bp.post("/<int:notification_id>/open")
@login_required
def open_(notification_id):
    n = services.get_own(current_user, notification_id)
    services.mark_read(current_user, n)
    db.session.commit()
    return redirect(n.link or url_for("notify.index"))


@bp.post("/read-all")
@login_required
def read_all():
    if FlaskForm().validate_on_submit():
        services.mark_read(current_user)
        db.session.commit()
    return redirect(url_for("notify.index"))
