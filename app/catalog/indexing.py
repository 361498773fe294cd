"""Turning a MARC record into a catalogue row, and rebuilding the derived columns."""
from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass

import orjson
import sqlalchemy as sa
from pymarc import Record as MarcRecord
from pymarc import parse_json_to_array

from app.extensions import db

from .extract import Extract, extract
from .models import Record, RecordKey
from .search import backend, texts_for


def to_json(marc: MarcRecord) -> str:
    """MARC-in-JSON, byte for byte what `json.dumps(marc.as_dict(), ensure_ascii=False,
    separators=(",", ":"))` writes, so content hashes stay comparable with earlier loads.
    orjson does it in a sixth of the time, which matters when a million records are loaded."""
    fields = [{f.tag: f.data} if f.control_field else
              {f.tag: {"ind1": ind[0], "ind2": ind[1], "subfields": [{code: value} for code, value in f.subfields]}}
              for f in marc.fields for ind in (f.indicators or ("", ""),)]
    record = {"leader": str(marc.leader), "fields": fields}
    try:
        return orjson.dumps(record).decode()
    except orjson.JSONEncodeError:  # text orjson refuses (a lone surrogate): the standard library's way
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def from_json(text: str) -> MarcRecord:
    return parse_json_to_array(text)[0]


def content_hash(marc_json: str) -> str:
    # Records reach the catalogue through app.marc.io, which gives NFC text: hash the JSON as is.
    return hashlib.sha256(marc_json.encode("utf-8")).hexdigest()


def columns(marc: MarcRecord, ex: Extract) -> dict:
    """The stored MARC and every column derived from it."""
    c = ex.classification
    text = to_json(marc)
    return {"marc": text, "content_hash": content_hash(text), "kind": c.kind, "format": c.format,
            "level": c.level, "database": c.language_group, "material": c.material, "language": ex.language,
            "control_number": (ex.control_number or "")[:64] or None, "title": ex.title[:2000],
            "author": ex.author[:1000], "publisher": ex.publisher[:1000], "year": ex.year}


def subject_key(heading: str) -> str:
    """A subject heading as SRU scan orders and finds it: compatibility forms, case and spacing folded."""
    return " ".join(unicodedata.normalize("NFKC", heading).casefold().split())[:100]


def key_values(ex: Extract) -> set[tuple[str, str]]:
    """The record's keys: identifiers and class numbers (searched), subject headings (scanned)."""
    keys = {(k, v[:100]) for k, v in ex.keys}
    keys.update(("subject", key) for key in map(subject_key, ex.subjects) if key)
    return keys


@dataclass(slots=True)
class IndexEntry:
    """What the full-text index and authority control need of a record, without the record."""

    record_id: int | None
    kind: str
    status: str
    texts: dict
    names: list  # [(name, key)]: access-point names with their NACO keys
    headings: list  # [(kind, text, key)]: the heading and its see / see-also forms (authority records)

    def __reduce__(self):  # as Prepared's (catalog.prepare): a bulk import sends a million of them
        return IndexEntry, (self.record_id, self.kind, self.status, self.texts, self.names, self.headings)


def entry(record_id, status: str, ex: Extract, texts_of=None) -> IndexEntry:
    """Computed where the record is prepared (a worker process, in a bulk import). `texts_of`: a search
    backend's, for index texts in the form its engine stores (else as texts_for gives them)."""
    from .authorities import key

    headings = []
    if ex.classification.kind == "authority":
        forms = [("heading", ex.title)] + [("see", t) for t in ex.see_from] + [("see_also", t) for t in ex.see_also]
        headings = [(kind, text, k) for kind, text, k in ((kind, text, key(text)) for kind, text in forms if text) if k]
    return IndexEntry(record_id, ex.classification.kind, status, texts_of(ex) if texts_of else texts_for(ex),
                      _names(ex), headings)


def _names(ex: Extract) -> list[tuple[str, str]]:
    """The access-point names with their NACO keys, each name once."""
    from .authorities import key

    return [(n, k) for n, k in ((n, key(n)) for n in dict.fromkeys(ex.names) if n) if k]


def relink_headings(before_id: int, batch: int = 2000, progress=None) -> int:
    """Link the names of the bibliographic records older than `before_id` to the authority records
    there are now: a record's names are linked when it is indexed, to the headings that exist then,
    so an authority loaded after the records it controls found none of them (the importer calls
    this at the end of a load that added authority records). Returns the records gone over."""
    from .authorities import index_batch

    done, last = 0, 0
    while True:
        rows = db.session.execute(sa.select(Record.id, Record.status, Record.marc).where(
            Record.kind == "bibliographic", Record.id > last, Record.id < before_id).order_by(Record.id).limit(batch)).all()
        if not rows:
            return done
        entries = []
        for rid, status, marc in rows:
            try:
                names = _names(extract(from_json(marc)))
            except Exception:  # noqa: BLE001 - a record the extraction cannot read keeps its links
                continue
            entries.append(IndexEntry(rid, "bibliographic", status, {}, names, []))
        index_batch(entries, fresh=False)
        db.session.commit()
        db.session.expunge_all()
        last = rows[-1][0]
        done += len(rows)
        if progress:
            progress(len(rows))


def apply(row: Record, marc: MarcRecord, ex: Extract | None = None) -> Extract:
    """Set every derived column of `row` from `marc` (the search index is written separately)."""
    ex = ex or extract(marc)
    for name, value in columns(marc, ex).items():
        setattr(row, name, value)
    wanted = key_values(ex)
    have = {(k.kind, k.value): k for k in row.keys}
    for key, obj in have.items():
        if key not in wanted:
            row.keys.remove(obj)
    for kind, value in wanted - have.keys():
        row.keys.append(RecordKey(kind=kind, value=value))
    return ex


def index_rows(pairs: list[tuple[Record, Extract]]) -> None:
    index_entries([entry(row.id, row.status, ex) for row, ex in pairs])


def index_entries(entries: list[IndexEntry], fresh: bool = False) -> None:
    """Write the full-text index and the authority headings and links of these records.

    `fresh` says the records are new, so there is nothing of theirs to delete first.
    """
    from .authorities import index_batch

    backend().index_many([(e.record_id, e.texts) for e in entries], fresh=fresh)
    index_batch(entries, fresh=fresh)


def reindex(batch: int = 1000, progress=None) -> int:
    """Rebuild every derived column and the full-text index from the stored MARC.

    Authorities go first, so that the bibliographic records' headings find them to link to; then
    every other record, whatever kind it has stored (a kind the classification no longer gives is
    corrected here, not left out).
    """
    backend().clear()
    done = 0
    for which in (Record.kind == "authority", Record.kind != "authority"):
        last = 0
        while True:
            rows = db.session.scalars(sa.select(Record).where(which, Record.id > last)
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
