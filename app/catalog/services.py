"""Writing to the catalogue: records with their versions, and holdings. Reads are in search/."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from pymarc import Record as MarcRecord
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.core.errors import DomainError, NotFound
from app.core.types import utcnow
from app.extensions import db
from app.permissions import CATALOGUER, CENTRE_ADMIN, MARC_VIEW, OwnLibrary, require

from .diff import field_diff
from .indexing import apply, from_json, index_rows
from .models import Holding, Record, RecordVersion
from .search import backend


def get_record(record_id: int, public: bool = True) -> Record:
    row = db.session.get(Record, record_id)
    if row is None or (public and row.status != "active"):
        raise NotFound(_l("No such record."))
    return row


def marc_of(row: Record) -> MarcRecord:
    return from_json(row.marc)


def create(actor, marc: MarcRecord, *, action: str = "create", status: str = "active",
           library=None, source_key: str | None = None, note: str | None = None) -> Record:
    """Add a record and its first version. The caller checks upload rights; the caller commits."""
    row = Record(status=status, library=library, created_by_id=getattr(actor, "id", None),
                 source_key=source_key, version=1)
    ex = apply(row, marc)
    db.session.add(row)
    db.session.flush()
    db.session.add(RecordVersion(record_id=row.id, version=1, marc=row.marc, action=action,
                                 diff=field_diff(None, marc), note=note, author_id=getattr(actor, "id", None)))
    index_rows([(row, ex)])
    return row


def assign_control_number(row: Record, marc: MarcRecord, number: str) -> None:
    """Give a record created in this transaction its 001; its first version is rewritten, not added."""
    marc["001"].data = number
    ex = apply(row, marc)
    first = db.session.scalar(select(RecordVersion).where(RecordVersion.record_id == row.id,
                                                          RecordVersion.version == 1))
    first.marc, first.diff = row.marc, field_diff(None, marc)
    db.session.flush()
    index_rows([(row, ex)])


def replace(actor, row: Record, marc: MarcRecord, *, action: str = "edit", note: str | None = None) -> bool:
    """Make `marc` the record's new version; returns False when nothing changed. Caller commits."""
    old = from_json(row.marc)
    diff = field_diff(old, marc)
    if not diff:
        return False
    # The version that stops being current keeps the MARC it stood for (a loaded one has none of its own).
    db.session.execute(update(RecordVersion).where(RecordVersion.record_id == row.id,
                                                   RecordVersion.version == row.version,
                                                   RecordVersion.marc.is_(None)).values(marc=row.marc))
    ex = apply(row, marc)
    row.version += 1
    row.updated_at = utcnow()
    db.session.add(RecordVersion(record_id=row.id, version=row.version, marc=row.marc, action=action,
                                 diff=diff, note=note, author_id=getattr(actor, "id", None)))
    db.session.flush()
    index_rows([(row, ex)])
    return True


def versions(row: Record) -> list[RecordVersion]:
    """Newest first, with their authors and the authors' libraries."""
    return db.session.scalars(select(RecordVersion).where(RecordVersion.record_id == row.id)
                              .options(selectinload(RecordVersion.author).selectinload(User.library))
                              .order_by(RecordVersion.version.desc())).all()


HISTORY_IS_FOR_MEMBERS = _l("A record's history shows its MARC: it is for members of the union catalogue.")


def version_marc(row: Record, version: RecordVersion) -> str:
    """The MARC-in-JSON a version stands for: its own, or the record's while it is the current one."""
    if version.marc is not None:
        return version.marc
    if version.version != row.version:  # replace() writes it before a version stops being current
        raise RuntimeError(f"record {row.id}: version {version.version} has lost its MARC")
    return row.marc


def history(actor, row: Record) -> list[RecordVersion]:
    """The record's versions for its history page. Their MARC is the MARC view's: members only."""
    require(MARC_VIEW, actor, message=HISTORY_IS_FOR_MEMBERS)
    return versions(row)


def version_of(actor, row: Record, number: int) -> tuple[RecordVersion, MarcRecord, list[dict]]:
    """One version's MARC and what changed from it to the record as it is now."""
    require(MARC_VIEW, actor, message=HISTORY_IS_FOR_MEMBERS)
    version = db.session.scalar(select(RecordVersion).where(RecordVersion.record_id == row.id,
                                                            RecordVersion.version == number))
    if version is None:
        raise NotFound(_l("This record has no such version."))
    marc = from_json(version_marc(row, version))
    return version, marc, field_diff(marc, marc_of(row)) if number != row.version else []


# --- holdings ----------------------------------------------------------------------------------------
def add_holding(actor, row: Record, library, call_number: str | None, copies: int = 1,
                note: str | None = None, commit: bool = True) -> Holding:
    """A member library records that it holds the item. Its own cataloguers only (or the centre)."""
    if actor is not None:
        require(CENTRE_ADMIN | (CATALOGUER & OwnLibrary()), actor, library)
    if row.kind != "bibliographic" or row.status != "active":
        raise DomainError(_l("Holdings can be added to active bibliographic records only."))
    if copies < 1 or copies > 10000:
        raise DomainError(_l("Give a number of copies between 1 and 10000."), "copies")
    call_number = (call_number or "").strip() or None
    existing = db.session.scalar(select(Holding).where(Holding.record_id == row.id, Holding.library_id == library.id,
                                                       Holding.call_number.is_(None) if call_number is None
                                                       else Holding.call_number == call_number))
    if existing is not None:
        existing.copies, existing.note = copies, (note or "").strip() or existing.note
        holding = existing
    else:
        holding = Holding(record=row, library=library, call_number=call_number, copies=copies,
                          note=(note or "").strip() or None, created_by_id=getattr(actor, "id", None))
        db.session.add(holding)
        backend().index_holdings([row.id])
    if commit:
        db.session.commit()
    return holding
