"""Showing a record to a person: one line, an ISBD-style card, or the tagged MARC view.

CNMARC stores no ISBD punctuation, so its card is generated from subfield codes
(display_cnmarc); MARC 21 carries its punctuation and is shown as catalogued (display_marc21).
Every function tolerates missing fields: a candidate's half-finished record must still display.
"""
from __future__ import annotations

from pymarc import Field, Record

__all__ = ["record_flavour", "brief", "detailed", "marc_view", "field_line"]


def record_flavour(record: Record) -> str:
    """'cnmarc' (the whole UNIMARC family, displayed alike) or 'marc21', as classify decides."""
    from .classify import detect_format

    return "marc21" if detect_format(record) == "marc21" else "cnmarc"


def field_line(field: Field, blank: str = "#") -> str:
    """`245 10 $aTitle :$bsubtitle` — MarcMaker-like but readable; blank indicators as '#'."""
    if field.is_control_field():
        return f"{field.tag} {field.data or ''}"
    ind = "".join((i if i not in (" ", "", None) else blank) for i in (field.indicators or "  "))
    subs = "".join(f"${s.code}{s.value or ''}" for s in field.subfields)
    return f"{field.tag} {ind} {subs}"


def marc_view(record: Record, blank: str = "#") -> str:
    lines = [f"LDR {record.leader}"]
    lines.extend(field_line(f, blank) for f in record.fields)
    return "\n".join(lines)


def brief(record: Record) -> str:
    """One line: title / author. — place : publisher, year."""
    if record_flavour(record) == "cnmarc":
        from .display_cnmarc import brief as _brief
    else:
        from .display_marc21 import brief as _brief
    return _brief(record)


def detailed(record: Record) -> list[tuple[str, str, str]]:
    """Rows of (label_zh, label_en, text) for a record card."""
    if record_flavour(record) == "cnmarc":
        from .display_cnmarc import detailed as _detailed
    else:
        from .display_marc21 import detailed as _detailed
    return _detailed(record)


def join_brief(title: str, author: str, place: str, publisher: str, year: str) -> str:
    """Shared by both flavours so that brief lines look alike whatever the format."""
    out = title or "[无题名 / no title]"
    if author:
        out += " / " + author
    pub = place
    if publisher:
        pub = f"{pub} : {publisher}" if pub else publisher
    if year:
        pub = f"{pub}, {year}" if pub else year
    if pub:
        out += (" — " if out.endswith(".") else ". — ") + pub
    return out
