"""Turning a MARC record into a catalogue row, and rebuilding the derived columns."""
from __future__ import annotations

import hashlib
import json
import unicodedata

import sqlalchemy as sa
from pymarc import Record as MarcRecord
from pymarc import parse_json_to_array

from app.extensions import db

from .extract import Extract, extract
from .models import Record, RecordKey
from .search import backend, texts_for


def to_json(marc: MarcRecord) -> str:
    return json.dumps(marc.as_dict(), ensure_ascii=False, separators=(",", ":"))


def from_json(text: str) -> MarcRecord:
    return parse_json_to_array(text)[0]


def content_hash(marc_json: str) -> str:
    return hashlib.sha256(unicodedata.normalize("NFC", marc_json).encode("utf-8")).hexdigest()


def apply(row: Record, marc: MarcRecord, ex: Extract | None = None) -> Extract:
    """Set every derived column of `row` from `marc` (the search index is written separately)."""
    ex = ex or extract(marc)
    c = ex.classification
    row.marc = to_json(marc)
    row.content_hash = content_hash(row.marc)
    row.kind, row.format, row.level = c.kind, c.format, c.level
    row.database, row.material = c.language_group, c.material
    row.control_number = (ex.control_number or "")[:64] or None
    row.title, row.author, row.publisher, row.year = ex.title[:2000], ex.author[:1000], ex.publisher[:1000], ex.year
    wanted = {(k, v[:100]) for k, v in ex.keys}
    have = {(k.kind, k.value): k for k in row.keys}
    for key, obj in have.items():
        if key not in wanted:
            row.keys.remove(obj)
    for kind, value in wanted - have.keys():
        row.keys.append(RecordKey(kind=kind, value=value))
    return ex


def index_rows(pairs: list[tuple[Record, Extract]]) -> None:
    from .authorities import index_batch

    backend().index_many([(row.id, texts_for(ex)) for row, ex in pairs])
    index_batch(pairs)


def reindex(batch: int = 1000, progress=None) -> int:
    """Rebuild every derived column and the full-text index from the stored MARC.

    Authorities go first, so that the bibliographic records' headings find them to link to.
    """
    backend().clear()
    done = 0
    for kind in ("authority", "bibliographic"):
        last = 0
        while True:
            rows = db.session.scalars(sa.select(Record).where(Record.kind == kind, Record.id > last)
                                      .order_by(Record.id).limit(batch)).all()
            if not rows:
                break
            pairs = [(row, apply(row, from_json(row.marc))) for row in rows]
            db.session.flush()
            index_rows(pairs)
            db.session.commit()
            last = rows[-1].id
            done += len(rows)
            if progress:
                progress(len(rows))
            db.session.expunge_all()
    return done
