"""The editor's pages: drafts, an issue's sections and images, submitting, reviewing, publishing.

Each view checks the role before looking anything up (403 before 404), and the services check
again, with the workflow's rules (only drafts are edited; the author never publishes).
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.core.errors import DomainError
from app.core.forms import show_error
from app.permissions import require

from . import images, services
from .forms import ImageForm, IssueForm, MoveForm, ReturnForm, SectionForm
from .services import EDITORIAL, PUBLISH_BULLETINS, WRITE_BULLETINS
from .views import bp, section_bodies


def _to_edit(b):
    return redirect(url_for("bulletins.edit", bulletin_id=b.id))


@bp.get("/editor/")
@login_required
def editor():
    require(EDITORIAL, current_user)
    return render_template("bulletins/editor.html", issues=services.editorial_queue(current_user),
                           may_write=WRITE_BULLETINS(current_user))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_issue():
    require(WRITE_BULLETINS, current_user)
    form = IssueForm()
    if form.validate_on_submit():
        try:
            b = services.create(current_user, form.title_zh.data, form.title_en.data)
        except DomainError as e:
            show_error(form, e)
        else:
            return _to_edit(b)
    return render_template("bulletins/new.html", form=form)


@bp.route("/issues/<int:bulletin_id>/edit", methods=["GET", "POST"])
@login_required
def edit(bulletin_id):
    require(WRITE_BULLETINS, current_user)
    b = services.get(bulletin_id)
    form = IssueForm(obj=b)
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.update(current_user, b, form.title_zh.data, form.title_en.data)
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_l("Saved."), "success")
            return _to_edit(b)
    return render_template("bulletins/edit.html", b=b, form=form, section_form=SectionForm(),
                           image_form=ImageForm(), move_form=MoveForm())


@bp.post("/issues/<int:bulletin_id>/sections")
@login_required
def add_section(bulletin_id):
    require(WRITE_BULLETINS, current_user)
    b = services.get(bulletin_id)
    form = SectionForm()
    if form.validate_on_submit():
        try:
            services.add_section(current_user, b, form.kind.data, form.title.data, form.body.data)
        except DomainError as e:
            flash(e.message, "error")
        else:
            flash(_l("Section added."), "success")
    else:
        flash(_l("Give the section a kind and a title."), "error")
    return _to_edit(b)


@bp.route("/sections/<int:section_id>/edit", methods=["GET", "POST"])
@login_required
def edit_section(section_id):
    require(WRITE_BULLETINS, current_user)
    s = services.get_section(section_id)
    form = SectionForm(obj=s)
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.update_section(current_user, s, form.kind.data, form.title.data, form.body.data)
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_l("Saved."), "success")
            return _to_edit(s.bulletin)
    return render_template("bulletins/section.html", s=s, b=s.bulletin, form=form)


@bp.post("/sections/<int:section_id>/move")
@login_required
def move_section(section_id):
    require(WRITE_BULLETINS, current_user)
    s = services.get_section(section_id)
    try:
        services.move_section(current_user, s, -1 if request.form.get("direction") == "up" else 1)
    except DomainError as e:
        flash(e.message, "error")
    return _to_edit(s.bulletin)


@bp.post("/sections/<int:section_id>/delete")
@login_required
def delete_section(section_id):
    require(WRITE_BULLETINS, current_user)
    s = services.get_section(section_id)
    b = s.bulletin
    try:
        services.delete_section(current_user, s)
    except DomainError as e:
        flash(e.message, "error")
    return _to_edit(b)


@bp.post("/issues/<int:bulletin_id>/images")
@login_required
def upload_image(bulletin_id):
    require(WRITE_BULLETINS, current_user)
    b = services.get(bulletin_id)
    upload = request.files.get("file")
    data = upload.stream.read(images.MAX_BYTES + 1) if upload else b""
    try:
        img = images.add(current_user, b, data, filename=upload.filename if upload else None,
                         name=request.form.get("name"))
    except DomainError as e:
        flash(e.message, "error")
        return _to_edit(b)
    flash(_l("Image %(name)s uploaded: show it with ![caption](image:%(name)s).", name=img.name), "success")
    return _to_edit(b)


@bp.post("/images/<int:image_id>/delete")
@login_required
def delete_image(image_id):
    require(WRITE_BULLETINS, current_user)
    img = images.get(image_id)
    b = img.bulletin
    try:
        images.remove(current_user, img)
    except DomainError as e:
        flash(e.message, "error")
    return _to_edit(b)


@bp.post("/issues/<int:bulletin_id>/submit")
@login_required
def submit(bulletin_id):
    require(WRITE_BULLETINS, current_user)
    b = services.get(bulletin_id)
    try:
        services.submit(current_user, b)
    except DomainError as e:
        flash(e.message, "error")
        return _to_edit(b)
    flash(_l("The issue waits for review by another trainer or a centre administrator."), "success")
    return redirect(url_for("bulletins.editor"))


@bp.post("/issues/<int:bulletin_id>/delete")
@login_required
def delete_issue(bulletin_id):
    require(WRITE_BULLETINS, current_user)
    b = services.get(bulletin_id)
    try:
        services.delete(current_user, b)
    except DomainError as e:
        flash(e.message, "error")
        return _to_edit(b)
    flash(_l("The draft is deleted."), "success")
    return redirect(url_for("bulletins.editor"))


@bp.get("/issues/<int:bulletin_id>/review")
@login_required
def review(bulletin_id):
    require(EDITORIAL, current_user)
    b = services.get(bulletin_id)
    return render_template("bulletins/review.html", b=b, sections=section_bodies(b), form=ReturnForm(),
                           may_publish=services.may_publish(current_user, b))


@bp.post("/issues/<int:bulletin_id>/publish")
@login_required
def publish(bulletin_id):
    require(PUBLISH_BULLETINS, current_user)
    b = services.get(bulletin_id)
    try:
        services.publish(current_user, b)
    except DomainError as e:
        flash(e.message, "error")
        return redirect(url_for("bulletins.review", bulletin_id=b.id))
    flash(_l("Published as %(label)s.", label=b.label_zh), "success")
    return redirect(url_for("bulletins.issue", bulletin_id=b.id))


@bp.post("/issues/<int:bulletin_id>/return")
@login_required
def return_issue(bulletin_id):
    require(PUBLISH_BULLETINS, current_user)
    b = services.get(bulletin_id)
    form = ReturnForm()
    try:
        services.return_to_draft(current_user, b, form.note.data or "")
    except DomainError as e:
        flash(e.message, "error")
        return redirect(url_for("bulletins.review", bulletin_id=b.id))
    flash(_l("The issue is back with its authors."), "success")
    return redirect(url_for("bulletins.editor"))
