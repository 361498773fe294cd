"""Writing to the append-only audit log; entries are added in the caller's transaction."""
from app.extensions import db

from .models import AuditEntry


def record(actor, action: str, subject, reason: str | None = None, **details) -> AuditEntry:
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        subject_type=type(subject).__name__.lower() if subject is not None else "system",
        subject_id=getattr(subject, "id", None),
        reason=reason,
        details={k: v for k, v in details.items() if v is not None},
    )
    db.session.add(entry)
    return entry
