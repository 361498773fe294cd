"""Creating, counting and reading in-site notifications. Plain arguments; the caller commits."""
from __future__ import annotations

from sqlalchemy import func, select, update

from app.core.errors import NotFound
from app.core.types import utcnow
from app.extensions import db

from .models import Notification


def notify(user, kind: str, text: str, link: str | None = None) -> Notification:
    """Add a notification for `user` in the caller's transaction (nothing is committed here)."""
    n = Notification(user_id=user.id, kind=kind[:40], text=str(text)[:500],
                     link=_local(link), created_at=utcnow())
    db.session.add(n)
    return n


def _local(link: str | None) -> str | None:
    # Only site-relative links are kept, so a notification can never send anyone off-site.
    if not link or not link.startswith("/") or link.startswith("//"):
        return None
    return link[:500]


def unread_count(user) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def for_user(user, page: int = 1, per_page: int = 30):
    stmt = (select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.id.desc()))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def get_own(user, notification_id: int) -> Notification:
    n = db.session.get(Notification, notification_id)
    if n is None or n.user_id != user.id:
        raise NotFound("no such notification")
    return n


def mark_read(user, notification: Notification | None = None) -> int:
    """Mark one notification (or, with None, all of the user's) read. Returns how many changed."""
    now = utcnow()
    if notification is not None:
        if notification.user_id != user.id:
            raise NotFound("no such notification")
        if notification.read_at is None:
            notification.read_at = now
            return 1
        return 0
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=now))
    return result.rowcount or 0
