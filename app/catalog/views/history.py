"""A record's history: every version with its author, time and field-level changes (members only,
as the MARC view; the services check it again)."""
from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.marc import display

from .. import services
from .opac import _public_record, bp

ACTION_LABELS = {"create": _l("Created"), "upload": _l("Uploaded"), "edit": _l("Edited"),
                 "import": _l("Loaded from a file")}
OP_LABELS = {"added": _l("added"), "removed": _l("removed"), "changed": _l("changed")}


@bp.get("/record/<int:record_id>/history")
@login_required
def history(record_id):
    row = _public_record(record_id)
    return render_template("catalog/history.html", row=row, versions=services.history(current_user, row),
                           actions=ACTION_LABELS, ops=OP_LABELS)


@bp.get("/record/<int:record_id>/history/<int:number>")
@login_required
def version(record_id, number):
    row = _public_record(record_id)
    v, marc, since = services.version_of(current_user, row, number)
    return render_template("catalog/version.html", row=row, v=v, marc_text=display.marc_view(marc), since=since,
                           actions=ACTION_LABELS, ops=OP_LABELS)
