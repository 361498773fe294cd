"""Batch copy pages (/billing/batch): send a list, watch it run, fetch the file and the report.

Thin: the rules are in `batch`. The job page polls `…/status` (app/static/batch.js); without
JavaScript it still works by reloading. After the commit that queues a job the view starts a thread
for it (lists up to BATCH_THREAD_MAX ISBNs, default 20 000 = every list; 0 leaves every job to
`flask billing batch-work`), so the portal works without a worker; a job left queued or stale
(the process that ran it was restarted) is started again when its page is looked at.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.catalog.downloads import ENCODING_LABELS, FORMAT_LABELS, mimetype
from app.core.errors import DomainError, NotFound
from app.core.forms import show_error
from app.core.types import utcnow
from app.extensions import db
from app.permissions import require

from . import batch, batch_lists, batch_run
from .batch_forms import BatchForm

bp = Blueprint("batch", __name__, url_prefix="/billing/batch")
KICK_AFTER = timedelta(seconds=15)
DENIED = _l("Batch copy is for cataloguers of member libraries.")


def _allowed() -> None:
    require(batch.BATCH_ISBN, current_user, message=str(DENIED))


def _thread_max() -> int:
    return int(current_app.config.get("BATCH_THREAD_MAX", 20_000))


def _start(job) -> None:
    if job.total <= _thread_max():
        batch_run.start_thread(current_app._get_current_object(), job.id)


def _kick(job) -> None:
    """A job nobody is running (queued a while, or its runner went silent) is started here."""
    if job.status == "running" and batch_run.requeue_stale():
        db.session.refresh(job)
    if job.status == "queued" and job.created_at < utcnow() - KICK_AFTER:
        _start(job)


@bp.context_processor
def _helpers():
    return {"format_label": lambda f: FORMAT_LABELS.get(f, f), "encoding_label": lambda e: ENCODING_LABELS.get(e, e),
            "reason": batch.reason, "max_items": batch_lists.MAX_ITEMS}


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    _allowed()
    form = BatchForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            if request.content_length and request.content_length > batch_lists.MAX_BYTES + 65536:
                raise DomainError(batch.LIST_ERRORS["too_big"], "file")
            data = upload.read(batch_lists.MAX_BYTES + 1) if upload else None
            items = batch.read_list(form.isbns.data, getattr(upload, "filename", None), data)
            job = batch.submit(current_user, items, form.format.data, form.encoding.data,
                               getattr(upload, "filename", None) or "")
        except DomainError as err:
            db.session.rollback()
            show_error(form, err)
        else:
            _start(job)
            return redirect(url_for("batch.job", job_id=job.id))
    return render_template("billing/batch_index.html", form=form, jobs=batch.jobs_of(current_user))


@bp.get("/<int:job_id>")
@login_required
def job(job_id):
    _allowed()
    found = batch.get_job(current_user, job_id)
    _kick(found)
    return render_template("billing/batch_job.html", job=found, invalid=batch.invalid_lines(found),
                           marc=batch.file_of(found, "marc"), report=batch.file_of(found, "report"))


@bp.get("/<int:job_id>/status")
@login_required
def job_status(job_id):
    _allowed()
    found = batch.get_job(current_user, job_id)
    _kick(found)
    return jsonify(batch.status_of(found))


def _file(job_id: int, kind: str):
    _allowed()
    found = batch.get_job(current_user, job_id)
    f = batch.file_of(found, kind)
    if f is None:
        raise NotFound(_l("This file is not available (the job is not done, or its files have expired)."))
    kind_type = mimetype(found.format, found.encoding) if kind == "marc" else "text/csv; charset=utf-8"
    return Response(f.data, headers={"Content-Type": kind_type, "Cache-Control": "no-store",
                                     "Content-Disposition": f"attachment; filename={f.name}"})


@bp.get("/<int:job_id>/records")
@login_required
def result(job_id):
    return _file(job_id, "marc")


@bp.get("/<int:job_id>/report.csv")
@login_required
def report(job_id):
    return _file(job_id, "report")
