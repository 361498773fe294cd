"""What can go wrong when asking another catalogue, as errors the page and the CLI can show.

Every failure of a remote catalogue becomes an `ExternalError` (a DomainError, so a form shows it
beside the search box and nothing answers 500): `kind` says what happened, for tests and logs;
`message` says it to the cataloguer in their language.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.core.errors import DomainError

# SRU diagnostics (info:srw/diagnostic/1/N) worth a sentence of their own; others show the
# server's own message.
SRU_DIAGNOSTICS = {
    1: _l("the catalogue had an internal error"),
    4: _l("the catalogue does not support this operation"),
    5: _l("the catalogue does not support this SRU version"),
    6: _l("a parameter has a value the catalogue does not support"),
    7: _l("a mandatory parameter is missing"),
    10: _l("the catalogue could not understand the query"),
    15: _l("the catalogue does not know this context set"),
    16: _l("the catalogue cannot search by this index"),
    19: _l("the catalogue does not support this relation"),
    66: _l("the catalogue cannot supply records in this schema"),
    67: _l("the record is not available in this schema"),
    71: _l("the catalogue does not support this record packing"),
    235: _l("the database does not exist"),
}

# Bib-1 diagnostics (Z39.50) worth a sentence of their own.
BIB1_DIAGNOSTICS = {
    2: _l("the catalogue had a temporary system error"),
    109: _l("the database is unavailable"),
    114: _l("the catalogue cannot search by this index"),
    235: _l("the database does not exist"),
    238: _l("the catalogue cannot supply records in this syntax"),
    239: _l("the catalogue cannot supply records in this syntax"),
    1005: _l("the catalogue refused to start a session"),
}


class ExternalError(DomainError):
    """A remote catalogue could not be asked, or answered with an error.

    kind: "config", "unavailable", "timeout", "connect", "http", "bad_response", "diagnostic",
    "protocol".
    """

    def __init__(self, kind: str, message, field: str | None = None, code: int | None = None):
        super().__init__(message, field)
        self.kind = kind
        self.code = code

    def __str__(self) -> str:
        return str(self.message)


def timeout(where: str, seconds: float) -> ExternalError:
    return ExternalError("timeout", _l("%(where)s did not answer within %(seconds)s seconds. Try again later, "
                                       "or try another catalogue.", where=where, seconds=_seconds(seconds)))


def connect(where: str, detail: str = "") -> ExternalError:
    if detail:
        return ExternalError("connect", _l("Could not connect to %(where)s (%(detail)s): the catalogue is not "
                                           "running, its address is wrong, or the network blocks it.",
                                           where=where, detail=detail))
    return ExternalError("connect", _l("Could not connect to %(where)s: the catalogue is not running, its "
                                       "address is wrong, or the network blocks it.", where=where))


def sru_diagnostic(where: str, code: int | None, message: str, details: str) -> ExternalError:
    known = SRU_DIAGNOSTICS.get(code) if code is not None else None
    said = known or message or _l("an error without a message")
    extra = f" — {details}" if details else ""
    return ExternalError("diagnostic", _l("%(where)s answered: %(said)s (SRU diagnostic %(code)s%(extra)s).",
                                          where=where, said=said, code=code if code is not None else "?",
                                          extra=extra), code=code)


def bib1_diagnostic(where: str, code: int, message: str, addinfo: str) -> ExternalError:
    known = BIB1_DIAGNOSTICS.get(code)
    said = known or message or _l("an error without a message")
    extra = f" — {addinfo}" if addinfo else ""
    return ExternalError("diagnostic", _l("%(where)s answered: %(said)s (Bib-1 diagnostic %(code)s%(extra)s).",
                                          where=where, said=said, code=code, extra=extra), code=code)


class Said:
    """An app.marc.io Message (zh and en) that renders in the reader's language when shown."""

    def __init__(self, message):
        self.message = message

    def __str__(self) -> str:
        from flask_babel import get_locale

        try:
            english = str(get_locale() or "").startswith("en")
        except Exception:  # no application or request: the default language
            english = False
        return self.message.en if english else self.message.zh

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))


def _seconds(value: float) -> str:
    return f"{value:g}"
