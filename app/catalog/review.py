"""The quality-control review queue: suspected duplicates and records of cataloguers on probation.

Every decision is attributed and audited. Accepting releases the record into the catalogue (or
applies a proposed edit); merging keeps the existing record and moves the submitter's holdings to
it; rejecting needs a reason, which the submitter is told.
"""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import mail
from app.accounts import audit
from app.core.errors import DomainError, NotFound
from app.core.types import utcnow
from app.extensions import db
from app.permissions import CENTRE_ADMIN, QUALITY_CONTROL, require

from . import services
from .indexing import from_json
from .models import Holding, Record
from .search import backend
from .upload import SCOPES
from .workflow_models import ProbationRule, ReviewItem

REVIEWERS = QUALITY_CONTROL | CENTRE_ADMIN


def queue(user, status: str = "open", kind: str | None = None, page: int = 1, per_page: int = 25):
    require(REVIEWERS, user)
    q = select(ReviewItem).where(ReviewItem.status == status)
    if kind:
        q = q.where(ReviewItem.kind == kind)
    return db.paginate(q.order_by(ReviewItem.created_at), page=page, per_page=per_page, error_out=False)


def counts(user) -> dict[str, int]:
    require(REVIEWERS, user)
    rows = db.session.execute(select(ReviewItem.kind, func.count()).where(ReviewItem.status == "open")
                              .group_by(ReviewItem.kind)).all()
    return dict(rows)


def get_item(user, item_id: int) -> ReviewItem:
    require(REVIEWERS, user)
    item = db.session.get(ReviewItem, item_id)
    if item is None:
        raise NotFound(_l("No such review item."))
    return item


def _open(item: ReviewItem) -> None:
    if item.status != "open":
        raise DomainError(_l("This item has already been decided."))


def _decide(user, item, status, reason=None, merged_into=None):
    item.status, item.decided_by_id, item.decided_at = status, user.id, utcnow()
    item.reason = (reason or "").strip() or None
    item.merged_into_id = merged_into
    audit.record(user, f"review.{status}", item.record, reason=item.reason, item=item.id, kind=item.kind,
                 merged_into=merged_into)
    _tell_submitter(item)


def accept(user, item: ReviewItem, note: str | None = None) -> None:
    require(REVIEWERS, user)
    _open(item)
    row = item.record
    if item.proposed_marc:  # an edit of a released record
        if row.status != "active":
            raise DomainError(_l("The record is no longer active."))
        if item.base_version is not None and row.version != item.base_version:
            raise DomainError(_l("The record was changed after this edit was submitted (version %(a)d, now "
                                 "%(b)d); accepting it would undo that change. Reject it and ask for the edit "
                                 "again on the current version.", a=item.base_version, b=row.version))
        services.replace(item.submitted_by, row, from_json(item.proposed_marc), action="edit",
                         note=f"reviewed by {user.email}")
    else:
        row.status = "active"
    _decide(user, item, "accepted", note)
    db.session.commit()


def merge(user, item: ReviewItem, into_id: int, reason: str | None = None) -> None:
    require(REVIEWERS, user)
    _open(item)
    if item.proposed_marc:
        raise DomainError(_l("An edit cannot be merged; accept or reject it."))
    target = db.session.get(Record, into_id)
    if target is None or target.status != "active" or target.id == item.record_id:
        raise DomainError(_l("Choose an active record to merge into."), "into")
    row = item.record
    row.status, row.merged_into_id = "merged", target.id
    for holding in list(row.holdings):
        # The same holding is the same library and call number (services.add_holding): another call
        # number of the library is another holding, moved too, not dropped.
        same_call = (Holding.call_number.is_(None) if holding.call_number is None
                     else Holding.call_number == holding.call_number)
        clash = db.session.scalar(select(Holding).where(Holding.record_id == target.id,
                                                        Holding.library_id == holding.library_id, same_call))
        if clash is None:
            holding.record_id = target.id
        else:
            db.session.delete(holding)
    backend().index_holdings([row.id, target.id])
    _decide(user, item, "merged", reason, merged_into=target.id)
    db.session.commit()


def reject(user, item: ReviewItem, reason: str) -> None:
    require(REVIEWERS, user)
    _open(item)
    if not (reason or "").strip():
        raise DomainError(_l("Give a reason; the cataloguer will read it."), "reason")
    if not item.proposed_marc:
        item.record.status = "rejected"
        # The submitting library's holding came with the record (upload.submit): it goes with it,
        # so that no count of the library's holdings takes in a record the catalogue never had.
        for holding in list(item.record.holdings):
            db.session.delete(holding)
        db.session.flush()
        backend().index_holdings([item.record_id])
    _decide(user, item, "rejected", reason)
    db.session.commit()


def _tell_submitter(item: ReviewItem) -> None:
    user = item.submitted_by
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template("mail/review_decided.txt", item=item, user=user)
        mail.queue(user.email, str(_l("Your record has been reviewed")), body, kind="review")


def set_probation(user, scope: str, records: int) -> None:
    require(CENTRE_ADMIN, user)
    if scope not in SCOPES:
        raise DomainError(_l("Unknown scope."), "scope")
    if records < 0 or records > 1000:
        raise DomainError(_l("Give a number between 0 and 1000."), "records")
    rule = db.session.get(ProbationRule, scope) or ProbationRule(scope=scope)
    old = rule.records_required if rule.records_required is not None and rule in db.session else None
    rule.records_required, rule.updated_by_id, rule.updated_at = records, user.id, utcnow()
    db.session.add(rule)
    audit.record(user, "probation.changed", None, scope=scope, records=records, previous=old)
    db.session.commit()
