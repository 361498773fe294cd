"""Read-side queries of the administration pages; the writes are the features' own services."""
from sqlalchemy import or_, select

from app.accounts.models import AuditEntry, User
from app.extensions import db
from app.permissions import MANAGE_ALL_USERS, VIEW_AUDIT_LOG, require


def search_users(actor, text: str = "", status: str | None = None, page: int = 1, per_page: int = 25):
    require(MANAGE_ALL_USERS, actor)
    q = select(User)
    if text:
        like = f"%{text.strip()}%"
        q = q.where(or_(User.email.ilike(like), User.name.ilike(like)))
    if status == "disabled":
        q = q.where(User.disabled_at.is_not(None))
    elif status == "pending":
        q = q.where(User.activated_at.is_(None))
    elif status == "active":
        q = q.where(User.activated_at.is_not(None), User.disabled_at.is_(None))
    return db.paginate(q.order_by(User.name), page=page, per_page=per_page, error_out=False)


def audit_log(actor, action: str = "", actor_email: str = "", subject_type: str | None = None,
              subject_id: int | None = None, page: int = 1, per_page: int = 50):
    require(VIEW_AUDIT_LOG, actor)
    q = select(AuditEntry)
    if action:
        q = q.where(AuditEntry.action.ilike(f"%{action.strip()}%"))
    if actor_email:
        q = q.join(User, User.id == AuditEntry.actor_id).where(User.email.ilike(f"%{actor_email.strip()}%"))
    if subject_type:
        q = q.where(AuditEntry.subject_type == subject_type)
    if subject_id:
        q = q.where(AuditEntry.subject_id == subject_id)
    return db.paginate(q.order_by(AuditEntry.id.desc()), page=page, per_page=per_page, error_out=False)
