"""Original cataloguing: drafts, and submitting a record (new or edited) to the union catalogue.

Only a cataloguer certified for the record's scope, at a library with upload right, may submit.
On submission the record is validated (errors block), classified, and checked for duplicates; a
suspected duplicate, or any record of a cataloguer still on probation, goes to the review queue
instead of the catalogue.
"""
from __future__ import annotations

import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from pymarc import Field, Subfield
from sqlalchemy import func, select

from app.accounts import audit
from app.config import ORG_CODE
from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.types import utcnow
from app.extensions import db
from app.marc.classify import classify
from app.permissions import CATALOGUER, CENTRE_ADMIN, certified_for, require

from . import dedup, services
from .editor import TEMPLATES, parse, text_of
from .extract import extract
from .indexing import to_json
from .models import Holding, Record
from .search import backend
from .workflow_models import Draft, ProbationRule, ReviewItem

SCOPES = ("chinese", "western", "japanese", "russian", "other", "ancient")
PLACEHOLDER_001 = "NEW"
CALL_NUMBER_MAX = 100  # as holdings.call_number


def scope_of(language_group: str, material: str | None) -> str:
    """A record's scope from its classification, or from the columns a stored record keeps of it
    (`database`, `material`)."""
    if material == "ancient":
        return "ancient"
    return language_group if language_group in SCOPES else "other"


def may_upload(user, scope: str) -> bool:
    lib = getattr(user, "library", None)
    return bool(certified_for(scope)(user) and lib is not None and lib.upload_right)


def require_upload(user, scope: str) -> None:
    if not certified_for(scope)(user):
        raise PermissionDenied(_l("Only cataloguers certified for this language group may upload its records."))
    if not user.library.upload_right:
        raise PermissionDenied(_l("Your library does not have the right to upload records."))


# --- drafts ------------------------------------------------------------------------------------------
def my_drafts(user) -> list[Draft]:
    return db.session.scalars(select(Draft).where(Draft.user_id == user.id, Draft.submitted_at.is_(None))
                              .order_by(Draft.updated_at.desc())).all()


def get_draft(user, draft_id: int) -> Draft:
    draft = db.session.get(Draft, draft_id)
    if draft is None or draft.user_id != user.id or draft.submitted_at is not None:
        raise NotFound(_l("No such draft."))
    return draft


def new_draft(user, template: str | None = None, text: str | None = None) -> Draft:
    require(CATALOGUER, user)
    if template is not None and template not in TEMPLATES:
        raise DomainError(_l("Unknown template."), "template")
    draft = Draft(user_id=user.id, library_id=user.library_id, text=text if text is not None else TEMPLATES[template or "cnmarc_book"])
    _set_title(draft)
    db.session.add(draft)
    db.session.commit()
    return draft


def edit_record(user, row: Record) -> Draft:
    """Start editing a catalogue record: a draft holding its current version."""
    require(CATALOGUER, user)
    if row.status != "active":
        raise DomainError(_l("Only active records can be edited."))
    existing = db.session.scalar(select(Draft).where(Draft.user_id == user.id, Draft.record_id == row.id,
                                                     Draft.submitted_at.is_(None)))
    if existing is not None:
        return existing
    draft = Draft(user_id=user.id, library_id=user.library_id, record_id=row.id, base_version=row.version,
                  text=text_of(services.marc_of(row)))
    _set_title(draft)
    db.session.add(draft)
    db.session.commit()
    return draft


def save_draft(user, draft: Draft, text: str) -> None:
    if draft.user_id != user.id:
        raise NotFound(_l("No such draft."))
    if len(text) > 200_000:
        raise DomainError(_l("The record is too long."), "text")
    draft.text = text
    draft.updated_at = utcnow()
    _set_title(draft)
    db.session.commit()


def delete_draft(user, draft: Draft) -> None:
    if draft.user_id != user.id:
        raise NotFound(_l("No such draft."))
    db.session.delete(draft)
    db.session.commit()


def _set_title(draft: Draft) -> None:
    parsed = parse(draft.text, check=False)
    draft.title = (extract(parsed.record).title if parsed.record is not None else "")[:300]


# --- probation --------------------------------------------------------------------------------------
def records_required(scope: str) -> int:
    rule = db.session.get(ProbationRule, scope)
    return rule.records_required if rule else current_app.config.get("PROBATION_RECORDS", 10)


def reviewed_count(user, scope: str) -> int:
    return db.session.scalar(select(func.count()).select_from(ReviewItem).where(
        ReviewItem.submitted_by_id == user.id, ReviewItem.scope == scope,
        ReviewItem.status.in_(("accepted", "merged"))))


def on_probation(user, scope: str) -> bool:
    """A newly certified cataloguer's records are reviewed until N of them have been accepted."""
    return reviewed_count(user, scope) < records_required(scope)


# --- submitting ---------------------------------------------------------------------------------------
class Rejected(DomainError):
    """Validation errors block the submission; `messages` lists them with their lines."""

    def __init__(self, messages):
        super().__init__(_l("The record has errors; correct them and submit again."))
        self.messages = messages


def submit(user, draft: Draft, call_number: str | None = None) -> tuple[Record, ReviewItem | None]:
    """Returns the record and, when it was held back, its review item. Whole transaction or nothing.

    A new record comes with the submitting library's holding (`call_number` optional): the library
    catalogued it because it holds the item, and a merge in review moves that holding to the record
    kept. An edit adds none."""
    require(CATALOGUER, user)
    if draft.user_id != user.id or draft.submitted_at is not None:
        raise NotFound(_l("No such draft."))
    parsed = parse(draft.text, check=False)
    if parsed.record is None:
        raise Rejected(parsed.messages)
    marc = parsed.record
    row = db.session.get(Record, draft.record_id) if draft.record_id else None
    call_number = (call_number or "").strip() or None
    if call_number is not None and len(call_number) > CALL_NUMBER_MAX:
        raise DomainError(_l("A call number has %(n)d characters at most.", n=CALL_NUMBER_MAX), "call_number")
    if row is None:
        _renumber(marc, classify(marc).format)
    elif marc.get("001") is None or not (marc["001"].data or "").strip():  # an edit keeps the record's number
        for f in marc.get_fields("001"):
            marc.remove_field(f)
        marc.add_ordered_field(Field(tag="001", data=row.control_number or str(row.id)))
    ex = extract(marc)
    if ex.classification.kind != "bibliographic":
        raise DomainError(_l("Only bibliographic records are uploaded here."))
    scope = scope_of(ex.classification.language_group, ex.classification.material)
    require_upload(user, scope)
    if row is not None:  # and for the record as it is: changing its language coding is no way in
        require_upload(user, scope_of(row.database, row.material))
    checked = parse(text_of(marc))
    if checked.errors:
        raise Rejected(checked.messages)
    probation = on_probation(user, scope)
    if row is not None:
        return _submit_edit(user, draft, row, marc, scope, probation)
    dupes = dedup.candidates(ex)
    status = "review" if (dupes or probation) else "active"
    row = services.create(user, marc, action="upload", status=status, library=user.library)
    services.assign_control_number(row, marc, own_number(row.id))  # now that the row exists
    _hold(user, row, call_number)
    item = None
    if status == "review":
        item = ReviewItem(kind="duplicate" if dupes else "probation", record_id=row.id, candidates=dupes,
                          scope=scope, submitted_by_id=user.id, library_id=user.library_id)
        db.session.add(item)
    draft.submitted_at = utcnow()
    audit.record(user, "record.submitted", row, scope=scope, status=status,
                 review=item.kind if item else None)
    db.session.commit()
    return row, item


def own_number(record_id: int) -> str:
    return f"BM{record_id:09d}"


OWN_NUMBER = re.compile(r"BM\d{9}")


def _renumber(marc, fmt: str) -> None:
    """A new record is numbered by the catalogue. A number it brings (copied from another
    catalogue, or a library's local one) is kept in 035 as `(agency)number`, the agency being its
    003 when that is an organization code, so the copy can still be traced to its source; its 003
    goes with it. MARC 21's 003 then names the centre (CATALOGUE_ORG_CODE); UNIMARC's
    003 is a persistent identifier (a URI) and is given none here."""
    number = " ".join(f.data.strip() for f in marc.get_fields("001") if (f.data or "").strip())
    agency = " ".join(f.data.strip() for f in marc.get_fields("003") if (f.data or "").strip())
    for f in marc.get_fields("001", "003"):
        marc.remove_field(f)
    if not ORG_CODE.fullmatch(agency):  # a UNIMARC 003 is a URI, not an agency's code
        agency = ""
    own_code = current_app.config.get("CATALOGUE_ORG_CODE") or ""
    if number and number != PLACEHOLDER_001 and not (OWN_NUMBER.fullmatch(number) and agency in ("", own_code)):
        kept = f"({agency}){number}" if agency else number
        if kept not in {a for f in marc.get_fields("035") for a in f.get_subfields("a")}:
            marc.add_ordered_field(Field(tag="035", indicators=[" ", " "], subfields=[Subfield("a", kept)]))
    marc.add_ordered_field(Field(tag="001", data=PLACEHOLDER_001))
    if own_code and fmt == "marc21":
        marc.add_ordered_field(Field(tag="003", data=own_code))


def _hold(user, row: Record, call_number: str | None) -> None:
    """The submitting library's holding, on the record whatever its status: the record may wait for
    review, where services.add_holding accepts active records only."""
    db.session.add(Holding(record=row, library_id=user.library_id, call_number=call_number, copies=1,
                           created_by_id=user.id))
    db.session.flush()
    backend().index_holdings([row.id])


def _submit_edit(user, draft, row, marc, scope, probation):
    if row.status != "active":
        raise DomainError(_l("This record is no longer active."))
    if draft.base_version != row.version:
        raise DomainError(_l("Someone changed this record after you started editing it (version %(a)d, now %(b)d). "
                             "Start again from the current version.", a=draft.base_version or 0, b=row.version))
    item = None
    if probation and not CENTRE_ADMIN(user):
        item = ReviewItem(kind="probation", record_id=row.id, proposed_marc=to_json(marc), base_version=row.version,
                          scope=scope, submitted_by_id=user.id, library_id=user.library_id)
        db.session.add(item)
    elif not services.replace(user, row, marc, action="edit"):
        raise DomainError(_l("Nothing was changed."))
    draft.submitted_at = utcnow()
    audit.record(user, "record.edited" if item is None else "record.edit_submitted", row, scope=scope)
    db.session.commit()
    return row, item
