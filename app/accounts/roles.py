"""Granting and revoking roles. Every change is audited with its reason; nothing is deleted."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.types import utcnow
from app.extensions import db
from app.permissions import may_grant

from . import audit
from .models import CERTIFIED_LEVELS, CERTIFIED_SCOPES, EXPERT_SCOPES, ROLES, RoleGrant, User

ROLE_LABELS = {
    "cataloguer": _l("Cataloguer"),
    "certified": _l("Certified cataloguer"),
    "expert": _l("Expert"),
    "trainer": _l("Trainer"),
    "library_admin": _l("Library administrator"),
    "centre_admin": _l("Centre administrator"),
}
SCOPE_LABELS = {
    "chinese": _l("Chinese"),
    "western": _l("Western"),
    "japanese": _l("Japanese"),
    "russian": _l("Russian"),
    "other": _l("Other languages"),
    "ancient": _l("Ancient books"),
    "consultation": _l("Consultation panel"),
    "quality": _l("Quality-control group"),
}


def describe(grant: RoleGrant) -> str:
    text = str(ROLE_LABELS.get(grant.role, grant.role))
    if grant.scope:
        text += " · " + str(SCOPE_LABELS.get(grant.scope, grant.scope))
    if grant.level:
        text += " · " + str(_l("level %(n)d", n=grant.level))
    return text


def _check_shape(role: str, scope: str | None, level: int | None) -> None:
    if role not in ROLES:
        raise DomainError(_l("Unknown role."), "role")
    if role == "certified":
        if scope not in CERTIFIED_SCOPES:
            raise DomainError(_l("A certification needs a scope (language group or ancient books)."), "scope")
        if level not in CERTIFIED_LEVELS:
            raise DomainError(_l("A certification needs a level (3 or 2)."), "level")
    elif role == "expert":
        if scope not in EXPERT_SCOPES:
            raise DomainError(_l("An expert belongs to the consultation panel or the quality-control group."), "scope")
        if level is not None:
            raise DomainError(_l("Only certifications have a level."), "level")
    elif scope is not None or level is not None:
        raise DomainError(_l("This role has no scope or level."), "scope")


def grant(actor, user: User, role: str, reason: str, scope: str | None = None,
          level: int | None = None, expires_at: datetime | None = None, commit: bool = True) -> RoleGrant:
    """Give `role`; an identical active grant is not duplicated. `actor` None means the system."""
    scope = scope or None
    _check_shape(role, scope, level)
    if not (reason or "").strip():
        raise DomainError(_l("Give a reason."), "reason")
    if actor is not None and not may_grant(actor, role, user):
        raise PermissionDenied(_l("You may not grant this role to this person."))
    if role in ("cataloguer", "library_admin", "certified") and user.library_id is None:
        raise DomainError(_l("This role needs the person to belong to a member library."), "role")
    if expires_at is not None and expires_at <= utcnow():
        raise DomainError(_l("The expiry date must be in the future."), "expires_at")
    for g in user.active_grants:
        if g.role == role and g.scope == scope and g.level == level:
            return g
    g = RoleGrant(user=user, role=role, scope=scope, level=level, reason=reason.strip(),
                  granted_by_id=getattr(actor, "id", None), expires_at=expires_at)
    db.session.add(g)
    db.session.flush()
    audit.record(actor, "role.granted", user, reason=reason.strip(), role=role, scope=scope,
                 level=level, grant_id=g.id, expires_at=expires_at.isoformat() if expires_at else None)
    if commit:
        db.session.commit()
    return g


def get_grant(grant_id: int) -> RoleGrant:
    g = db.session.get(RoleGrant, grant_id)
    if g is None:
        raise NotFound(_l("No such role grant."))
    return g


def revoke(actor, g: RoleGrant, reason: str, commit: bool = True) -> None:
    if not (reason or "").strip():
        raise DomainError(_l("Give a reason."), "reason")
    if actor is not None and not may_grant(actor, g.role, g.user):
        raise PermissionDenied(_l("You may not revoke this role."))
    if actor is not None and g.user_id == actor.id and g.role == "centre_admin":
        raise DomainError(_l("You cannot remove your own administrator role."))
    if g.revoked_at is not None:
        return
    g.revoked_at, g.revoked_by_id, g.revoke_reason = utcnow(), getattr(actor, "id", None), reason.strip()
    audit.record(actor, "role.revoked", g.user, reason=reason.strip(), role=g.role, scope=g.scope,
                 level=g.level, grant_id=g.id)
    if commit:
        db.session.commit()


def holders(role: str, scope: str | None = None) -> list[User]:
    now = utcnow()
    q = select(User).join(RoleGrant, RoleGrant.user_id == User.id).where(
        RoleGrant.role == role, RoleGrant.revoked_at.is_(None)
    )
    if scope:
        q = q.where(RoleGrant.scope == scope)
    users = db.session.scalars(q.distinct()).all()
    return [u for u in users if any(g.role == role and g.is_active(now) for g in u.grants)]
