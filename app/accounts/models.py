"""Accounts: users, role grants, the audit log and login failures."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db

ROLES = ("cataloguer", "certified", "expert", "trainer", "library_admin", "centre_admin")
CERTIFIED_SCOPES = ("chinese", "western", "japanese", "russian", "other", "ancient")
CERTIFIED_LEVELS = (3, 2)
EXPERT_SCOPES = ("consultation", "quality")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    library_id: Mapped[int | None] = mapped_column(ForeignKey("libraries.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Changes whenever the password changes, so that reset links and sessions can be invalidated.
    security_stamp: Mapped[str] = mapped_column(String(32))

    library = relationship("Library", back_populates="users")
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", foreign_keys="RoleGrant.user_id", order_by="RoleGrant.id"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.activated_at is not None and self.disabled_at is None

    def get_id(self) -> str:
        # The stamp is part of the session id: changing the password signs out every other session.
        return f"{self.id}:{self.security_stamp}"

    @property
    def active_grants(self) -> list[RoleGrant]:
        now = utcnow()
        return [g for g in self.grants if g.is_active(now)]

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class RoleGrant(db.Model):
    """One role given to one user, with its scope; revoked, never deleted."""

    __tablename__ = "role_grants"
    __table_args__ = (Index("ix_role_grants_user_role", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(30))
    scope: Mapped[str | None] = mapped_column(String(30))
    level: Mapped[int | None]
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(500))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(String(500))

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class AuditEntry(db.Model):
    """Append-only: who did what to whom, when and why."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


class LoginFailure(db.Model):
    """Failed sign-ins, kept in the database so every worker process sees the same count."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
