"""Searching other catalogues (SRU, Z39.50) and copying a record into one's drafts."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from app.core.errors import DomainError
from app.core.forms import options, show_error
from app.core.web import _localized
from app.marc.display import marc_view
from app.marc.io import MarcReadError, MarcWriteError, read, to_bytes
from app.permissions import require

from . import service
from .errors import ExternalError, Said
from .forms import CopyForm, SearchForm

bp = Blueprint("external", __name__, url_prefix="/catalog/external")


@bp.get("/")
@login_required
def search():
    require(service.SEARCH_EXTERNAL, current_user)
    form = SearchForm(request.args)
    targets = _fill(form)
    result = None
    if "text" in request.args and targets and form.validate():
        try:
            result = service.run_search(form.target.data, form.kind.data, form.text.data, int(form.max.data),
                                        actor=current_user)
        except DomainError as err:  # ExternalError too: a failing catalogue is a message, not a 500
            show_error(form, err)
    return _page(form, targets, result)


@bp.post("/copy")
@login_required
def copy():
    require(service.COPY_EXTERNAL, current_user, current_user.library)
    form = CopyForm()
    if form.validate_on_submit():
        try:
            draft = service.import_external(current_user, _record_from(form.record.data), current_user.library)
        except DomainError as err:
            show_error(form, err)
        else:
            flash(_l("The record is in your drafts: check it, edit it and submit it when it is ready."), "success")
            if "cataloguing.draft" in current_app.view_functions:
                return redirect(url_for("cataloguing.draft", draft_id=draft.id))
            return redirect(url_for("external.search"))
    search_form = SearchForm(formdata=None)
    targets = _fill(search_form)
    if form.target.data in {t.name for t in targets}:
        search_form.target.data = form.target.data
    errors = [str(e) for e in form.form_errors]
    errors += [str(e) for name in ("record", "target") for e in getattr(form, name).errors]
    search_form.form_errors.extend(errors or [_l("The record could not be copied.")])
    return _page(search_form, targets, None), 400


def _fill(form: SearchForm) -> list:
    try:
        targets = service.available_targets()
    except ExternalError as err:  # the targets file is broken: say so on the page
        form.form_errors.append(err.message)
        targets = []
    form.target.choices = options([(t.name, _localized(t, "label")) for t in targets])
    if not form.target.data and targets:
        form.target.data = targets[0].name
    if not targets and not form.form_errors:
        form.form_errors.append(_l("No external catalogue is configured."))
    return targets


def _page(form, targets, result):
    can_copy = service.COPY_EXTERNAL(current_user, current_user.library)
    rows = []
    if result is not None:
        for hit in result.hits:
            rows.append({"hit": hit, "marc": marc_view(hit.record), "json": _as_json(hit.record) if can_copy else None,
                         "known": [(rid, _record_url(rid)) for rid in hit.in_catalogue]})
    return render_template("catalog/external/search.html", form=form, targets=targets, result=result, rows=rows,
                           can_copy=can_copy, copy_form=CopyForm(), label=lambda t: _localized(t, "label"))


def _as_json(record) -> str | None:
    try:
        return to_bytes(record, "json").decode("utf-8").strip()
    except MarcWriteError:
        return None


def _record_from(text: str):
    try:
        results = list(read(text.encode("utf-8"), format="json"))
    except MarcReadError as exc:
        raise DomainError(_l("The record could not be read: %(why)s", why=Said(exc.message)), "record") from None
    good = [r.record for r in results if r.ok]
    if len(good) != 1:
        raise DomainError(_l("Copy one record at a time."), "record")
    return good[0]


def _record_url(record_id: int) -> str | None:
    """A link to our record when the catalogue pages exist."""
    for endpoint in ("catalog.record", "catalog.show"):
        if endpoint in current_app.view_functions:
            try:
                return url_for(endpoint, record_id=record_id)
            except BuildError:
                return None
    return None
