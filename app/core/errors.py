"""Domain errors that services raise and views translate into HTTP answers."""


class DomainError(Exception):
    """A rule of the centre was broken by the request; the message is shown to the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(DomainError):
    """The user may not do this. Views answer 403; the CLI prints the message."""


class NotFound(DomainError):
    """The object does not exist (or is not visible to this user)."""
