"""Readers report posts; moderators work through the open reports and resolve them."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts import audit
from app.core.errors import DomainError, NotFound
from app.core.types import utcnow
from app.extensions import db
from app.permissions import require

from . import rules
from .history_models import Report
from .moderation import _reason, log


def report(user, post, reason: str | None, commit: bool = True) -> Report:
    require(rules.REPORT, user)
    if not rules.can_see_post(user, post):
        raise NotFound(_("No such post."))
    reason = _reason(reason, True)
    open_ = db.session.scalar(select(Report).where(Report.post_id == post.id, Report.reporter_id == user.id,
                                                   Report.resolved_at.is_(None)))
    if open_ is not None:
        raise DomainError(_("You have already reported this post; the moderators will look at it."),
                          field="reason")
    r = Report(post_id=post.id, reporter_id=user.id, reason=reason, created_at=utcnow())
    db.session.add(r)
    db.session.flush()
    audit.record(user, "forum.reported", post, reason=reason, report_id=r.id)
    db.session.commit() if commit else db.session.flush()
    return r


def queue(user, include_resolved: bool = False, page: int = 1, per_page: int = 30):
    require(rules.MODERATE, user)
    q = select(Report)
    if not include_resolved:
        q = q.where(Report.resolved_at.is_(None))
    q = q.order_by(Report.resolved_at.is_not(None), Report.id.desc())
    return db.paginate(q, page=page, per_page=per_page, error_out=False)


def open_count(user) -> int:
    if not rules.is_moderator(user):
        return 0
    from sqlalchemy import func

    return db.session.scalar(select(func.count(Report.id)).where(Report.resolved_at.is_(None))) or 0


def get_report(user, report_id: int) -> Report:
    require(rules.MODERATE, user)
    r = db.session.get(Report, report_id)
    if r is None:
        raise NotFound(_("No such report."))
    return r


def resolve(user, r: Report, resolution: str | None, commit: bool = True) -> Report:
    require(rules.MODERATE, user)
    resolution = _reason(resolution, True)
    if r.resolved_at is not None:
        raise DomainError(_("This report is already resolved."))
    r.resolved_at, r.resolved_by_id, r.resolution = utcnow(), user.id, resolution
    log(user, "resolve_report", post=r.post, reason=resolution, report_id=r.id)
    db.session.commit() if commit else db.session.flush()
    return r
