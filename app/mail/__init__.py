"""The one way the portal sends e-mail.

Every message is written to the outbox table in the caller's transaction, so a message exists
exactly when the change that caused it was committed. Delivery happens after the commit: the
"outbox" backend leaves it there (development, tests), the "smtp" backend sends it.
"""
from .services import deliver_pending, queue  # noqa: F401
