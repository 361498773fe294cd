"""Copy cataloguing: a member library's cataloguer downloads records, and every download is logged.

Formats: ISO 2709, MARCXML, MarcMaker text, MARC-in-JSON. Character sets: UTF-8 always; GB18030 for
CNMARC (UNIMARC family) records in ISO 2709 or MarcMaker; MARC-8 for MARC 21 records in ISO 2709
(written by YAZ, see app.marc.io.marc8). MARCXML and MARC-in-JSON are UTF-8 by definition.

Each record of a download is one `Download` row (library, user, record, format, character set, time
and the calendar year in Beijing time), the basis of the yearly count and of the fee rule to come.
The file is built before anything is logged, so a download that fails logs nothing.
"""
from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.core.errors import DomainError, NotFound
from app.core.types import utcnow
from app.extensions import db
from app.marc.io import MarcWriteError, MarcWriter, to_bytes
from app.permissions import CATALOGUER, require

from .indexing import from_json
from .models import Record
from .workflow_models import Download

BEIJING = ZoneInfo("Asia/Shanghai")
FORMATS = ("iso2709", "marcxml", "mrk", "json")
FORMAT_LABELS = {"iso2709": _l("ISO 2709 (.mrc)"), "marcxml": _l("MARCXML (.xml)"),
                 "mrk": _l("MarcMaker text (.mrk)"), "json": _l("MARC-in-JSON (.json)")}
ENCODINGS = ("utf-8", "gb18030", "marc8")
ENCODING_LABELS = {"utf-8": _l("UTF-8"), "gb18030": _l("GB18030 (CNMARC)"), "marc8": _l("MARC-8 (MARC 21)")}
EXTENSIONS = {"iso2709": "mrc", "marcxml": "xml", "mrk": "mrk", "json": "json"}
MIMETYPES = {"iso2709": "application/marc", "marcxml": "application/marcxml+xml",
             "mrk": "text/plain", "json": "application/json"}
MAX_RECORDS = 500


def beijing_year(when: datetime | None = None) -> int:
    return (when or utcnow()).astimezone(BEIJING).year


def check_combination(fmt: str, encoding: str) -> None:
    """The format/character-set pairs that exist at all, whatever the records."""
    if fmt not in FORMATS:
        raise DomainError(_l("Choose a format."), "format")
    if encoding not in ENCODINGS:
        raise DomainError(_l("Choose a character set."), "encoding")
    if fmt in ("marcxml", "json") and encoding != "utf-8":
        raise DomainError(_l("MARCXML and MARC-in-JSON are always UTF-8; choose UTF-8 or another format."),
                          "encoding")
    if fmt == "mrk" and encoding == "marc8":
        raise DomainError(_l("MARC-8 is offered for ISO 2709 files only."), "encoding")


def check_records(rows: list[Record], encoding: str) -> None:
    """GB18030 is for CNMARC records, MARC-8 for MARC 21 records: say which record does not fit."""
    if encoding == "gb18030":
        wrong = [r for r in rows if r.format == "marc21"]
        if wrong:
            raise DomainError(_l("GB18030 is offered for CNMARC records only; record %(id)s is MARC 21. "
                                 "Choose UTF-8 or MARC-8.", id=_ids(wrong)), "encoding")
    if encoding == "marc8":
        wrong = [r for r in rows if r.format != "marc21"]
        if wrong:
            raise DomainError(_l("MARC-8 is offered for MARC 21 records only; record %(id)s is CNMARC. "
                                 "Choose UTF-8 or GB18030.", id=_ids(wrong)), "encoding")


def _ids(rows) -> str:
    shown = ", ".join(str(r.id) for r in rows[:5])
    return shown + ("…" if len(rows) > 5 else "")


def may_download(user) -> bool:
    return CATALOGUER(user)


def download(user, record_ids, format: str, encoding: str = "utf-8") -> tuple[bytes, str]:
    """The file for `record_ids` (in that order) and its name; logs one Download per record."""
    require(CATALOGUER, user, message=str(_l("Downloading records is for cataloguers of member libraries.")))
    check_combination(format, encoding)
    ids = list(dict.fromkeys(int(i) for i in record_ids))
    if not ids:
        raise DomainError(_l("Choose at least one record to download."))
    if len(ids) > MAX_RECORDS:
        raise DomainError(_l("At most %(n)d records can be downloaded at once.", n=MAX_RECORDS))
    found = {r.id: r for r in db.session.scalars(
        sa.select(Record).where(Record.id.in_(ids), Record.status == "active"))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(_l("Record %(id)s is not in the catalogue.", id=", ".join(map(str, missing[:5]))))
    rows = [found[i] for i in ids]
    check_records(rows, encoding)
    data = _write(rows, format, encoding)

    now = utcnow()
    year = beijing_year(now)
    db.session.add_all([Download(at=now, year=year, library_id=user.library_id, user_id=user.id, record_id=r.id,
                                 format=format, encoding=encoding) for r in rows])
    db.session.commit()
    return data, filename(rows, format, encoding, now)


def _write(rows: list[Record], fmt: str, encoding: str) -> bytes:
    try:
        if len(rows) == 1:
            return to_bytes(from_json(rows[0].marc), fmt, encoding)
        buf = io.BytesIO()
        with MarcWriter(buf, fmt, encoding) as writer:
            for row in rows:
                writer.write(from_json(row.marc))
        return buf.getvalue()
    except MarcWriteError as err:
        raise DomainError(_bilingual(err)) from None


def _bilingual(err: MarcWriteError) -> str:
    try:
        zh = str(get_locale() or "zh").startswith("zh")
    except Exception:  # outside a request (CLI, tests): English
        zh = False
    return err.zh if zh else err.en


def filename(rows: list[Record], fmt: str, encoding: str, when: datetime | None = None) -> str:
    charset = "" if encoding == "utf-8" else f"-{encoding}"
    if len(rows) == 1:
        stem = f"bianmu-{rows[0].id}"
    else:
        day = (when or utcnow()).astimezone(BEIJING).strftime("%Y%m%d")
        stem = f"bianmu-{len(rows)}-records-{day}"
    return f"{stem}{charset}.{EXTENSIONS[fmt]}"


def mimetype(fmt: str, encoding: str) -> str:
    if fmt == "mrk":
        return f"text/plain; charset={encoding}"
    return MIMETYPES[fmt]


def yearly_count(library, year: int | None = None) -> int:
    """Records downloaded by the library in a calendar year (Beijing time); each download counts."""
    library_id = getattr(library, "id", library)
    if library_id is None:
        return 0
    return db.session.scalar(sa.select(sa.func.count()).select_from(Download).where(
        Download.library_id == library_id, Download.year == (year or beijing_year()))) or 0
