"""Billing pages (/billing): fee schedules (centre), quota (a library's people), statements, summary.

Thin: rules live in schedules / statements. Permission is checked before anything is looked up
beyond the library named in the URL, and again in the services.
"""
from __future__ import annotations

import csv
import io


from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.core.errors import DomainError
from app.core.forms import show_error
from app.extensions import db
from app.permissions import require

from . import ledger, schedules, statements
from .forms import CorrectionForm, schedule_form
from .pdf import render_statement_pdf
from .quota import today
from .rules import PERCENT, RULES, all_parts
from .schedules import MANAGE_FEES, field_name

bp = Blueprint("billing", __name__, url_prefix="/billing")


def _lang() -> str:
    return str(get_locale() or "zh_CN")


def _year() -> int:
    this = today().year
    year = request.args.get("year", type=int) or this
    if year < 2000 or year > this + 1:
        abort(404)
    return year


@bp.context_processor
def _helpers():
    lang = _lang()
    return {"rule_label": lambda code: RULES[code].label[0 if lang.startswith("zh") else 1] if code in RULES else code,
            "part_label": lambda rule, part: statements.part_label(rule, part, lang),
            "money": lambda d: f"{d:.2f}", "pct": lambda d: "—" if d is None else f"{d.normalize():f}", "may_manage_fees": MANAGE_FEES(current_user),
            "may_see_summary": statements.VIEW_SUMMARY(current_user)}


# --- schedules -----------------------------------------------------------------------------------
@bp.get("/schedules")
@login_required
def schedule_list():
    require(MANAGE_FEES, current_user)
    return render_template("billing/schedules.html", schedules=schedules.all_schedules(), parts=all_parts(),
                           in_force=schedules.in_force(today()))


@bp.route("/schedules/new", methods=["GET", "POST"])
@login_required
def new_schedule():
    require(MANAGE_FEES, current_user)
    form = schedule_form(schedules.amounts_of(schedules.in_force(today())))
    if form.validate_on_submit():
        try:
            s = schedules.create_version(current_user, form.effective_from.data, form.amounts(), form.note.data)
        except DomainError as e:
            db.session.rollback()
            show_error(form, e)
        else:
            flash(_l("The schedule taking effect on %(d)s was saved.", d=s.effective_from.isoformat()), "success")
            return redirect(url_for("billing.schedule_list"))
    rows = [(rule, part, form[field_name(rule.code, part.code)]) for rule, part in all_parts()]
    return render_template("billing/new_schedule.html", form=form, rows=rows, percent=PERCENT,
                           last=schedules.last_priced_day())


# --- quota ---------------------------------------------------------------------------------------
@bp.get("/quota")
@login_required
def my_quota():
    if current_user.library_id is None:
        if statements.VIEW_SUMMARY(current_user):
            return redirect(url_for("billing.summary"))
        abort(404)
    return redirect(url_for("billing.quota", library_id=current_user.library_id))


@bp.get("/libraries/<int:library_id>/quota")
@login_required
def quota(library_id):
    lib = statements.get_library(library_id)
    require(statements.VIEW_QUOTA, current_user, lib)
    year = _year()
    q, charged = statements.live_quota(current_user, lib, year)
    return render_template("billing/quota.html", lib=lib, year=year, q=q, charged=charged,
                           may_see_statement=statements.VIEW_STATEMENT(current_user, lib))


# --- statements ----------------------------------------------------------------------------------
def _statement(library_id):
    lib = statements.get_library(library_id)
    require(statements.VIEW_STATEMENT, current_user, lib)
    return statements.statement(current_user, lib, _year())


@bp.get("/libraries/<int:library_id>/statement")
@login_required
def statement(library_id):
    st = _statement(library_id)
    return render_template("billing/statement.html", st=st)


def _cell(value) -> str:
    """Text a spreadsheet would run as a formula (a name typed as "=…") is kept as text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(text) else text


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _csv(rows, name) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/libraries/<int:library_id>/statement.csv")
@login_required
def statement_csv(library_id):
    st = _statement(library_id)
    rows = [["section", "rule", "part", "items", "amount"]]
    for line in st.uploads:
        for part, amount in line.parts.items():
            rows.append(["upload", line.rule, part, line.items, f"{amount:.2f}"])
    for line in st.charges:
        for part, amount in line.parts.items():
            rows.append(["charge", line.rule, part, line.quantity, f"{amount:.2f}"])
    q = st.quota
    rows += [["quota", "uploads", "", q.uploads, ""], ["quota", "holdings", "", q.holdings, ""],
             ["quota", "free", "", q.free, ""], ["quota", "used", "", q.counted, ""],
             ["quota", "billable", "", q.billable, ""],
             ["total", "payments", "", st.records, f"{st.payments:.2f}"],
             ["total", "subproject", "", "", f"{st.subproject:.2f}"],
             ["total", "charges", "", "", f"{st.charged:.2f}"], ["total", "net", "", "", f"{st.net:.2f}"],
             ["library", st.library.code or "", st.library.name_zh, "", ""]]
    return _csv(rows, f"statement-{st.library.code or st.library.id}-{st.year}.csv")


@bp.get("/libraries/<int:library_id>/statement.pdf")
@login_required
def statement_pdf(library_id):
    st = _statement(library_id)
    return Response(render_statement_pdf(st, today()), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="statement-{st.library.code or st.library.id}-{st.year}.pdf"'})


@bp.get("/libraries/<int:library_id>/ledger")
@login_required
def ledger_page(library_id):
    st = _statement(library_id)  # posts, and checks who may look
    return render_template("billing/ledger.html", st=st, entries=ledger.entries_of(st.library.id, st.year),
                           may_correct=ledger.CORRECT(current_user))


@bp.route("/entries/<int:entry_id>/correct", methods=["GET", "POST"])
@login_required
def correct(entry_id):
    require(ledger.CORRECT, current_user)
    entry = ledger.get_entry(entry_id)
    form = CorrectionForm()
    if form.validate_on_submit():
        try:
            ledger.correct(current_user, entry.id, form.amount.data, form.reason.data)
        except DomainError as e:
            db.session.rollback()
            show_error(form, e)
        else:
            flash(_l("The correction was posted."), "success")
            return redirect(url_for("billing.ledger_page", library_id=entry.library_id, year=entry.year))
    return render_template("billing/correct.html", form=form, entry=entry)


# --- the centre's summary --------------------------------------------------------------------------
@bp.get("/summary")
@login_required
def summary():
    require(statements.VIEW_SUMMARY, current_user)
    year = _year()
    per_library, per_region = statements.summary(current_user, year)
    return render_template("billing/summary.html", year=year, libraries=per_library, regions=per_region)


@bp.get("/summary.csv")
@login_required
def summary_csv():
    require(statements.VIEW_SUMMARY, current_user)
    year = _year()
    per_library, per_region = statements.summary(current_user, year)
    rows = [["level", "region", "library_code", "library", "records", "payments", "subproject", "charges", "net",
             "uploaded_holdings", "free_downloads", "downloads_used", "billable_downloads"]]
    for r in per_library:
        q = r.quota
        rows.append(["library", r.region.code, r.library.code or "", r.library.name_zh, r.records,
                     f"{r.payments:.2f}", f"{r.subproject:.2f}", f"{r.charges:.2f}", f"{r.net:.2f}",
                     q.uploaded, q.free, q.counted, q.billable])
    for r in per_region:
        rows.append(["region", r.region.code, "", r.region.name_zh, r.records, f"{r.payments:.2f}",
                     f"{r.subproject:.2f}", f"{r.charges:.2f}", f"{r.net:.2f}", "", "", "", ""])
    return _csv(rows, f"billing-summary-{year}.csv")


