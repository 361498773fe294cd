"""Bulk loading: stream a MARC file into the catalogue in batches, safely repeatable.

Each record gets a source key (its 003 + 001, or a hash of its content when it has no 001): a
record seen before is skipped when unchanged and becomes a new version when changed, so loading the
same file twice adds nothing. Records that cannot be read or cannot be catalogued go to the reject
file with their position and reason; the rest of the file is still loaded.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.extensions import db
from app.marc.io import read

from . import services
from .extract import extract
from .indexing import apply, content_hash, index_rows, to_json
from .models import Holding, Record, RecordVersion

CATALOGUED_KINDS = ("bibliographic", "authority")


@dataclass
class ImportStats:
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    holdings: int = 0
    seconds: float = 0.0
    rejects: list = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0


def source_key(marc, ex) -> str:
    f003 = marc.get("003")
    org = f003.data.strip() if f003 is not None and f003.data else ""
    if ex.control_number:
        return f"{ex.classification.format}:{ex.classification.kind[:4]}:{org}:{ex.control_number}"[:200]
    return f"sha256:{content_hash(to_json(marc))}"


def _reason(marc, ex) -> str | None:
    kind = ex.classification.kind
    if kind not in CATALOGUED_KINDS:
        return f"{kind} records are not loaded into the catalogue (leader/06 = {marc.leader[6]!r})"
    if not ex.title:
        return "no title (MARC 21 245 / UNIMARC 200) or heading" if kind == "bibliographic" else "no heading"
    return None


def _call_number(marc, fmt: str) -> str | None:
    if fmt == "marc21":
        for tag, codes in (("852", "hi"), ("090", "ab"), ("050", "ab")):
            f = marc.get(tag)
            if f is not None:
                text = " ".join(sf.value for sf in f.subfields if sf.code in codes).strip()
                if text:
                    return text[:100]
    else:
        f = marc.get("905")
        if f is not None:
            text = "/".join(sf.value for sf in f.subfields if sf.code in "de").strip()
            if text:
                return text[:100]
    return None


class Importer:
    def __init__(self, library=None, batch_size: int = 500, reject_file=None, progress=None):
        # Only the id is kept: each batch ends with the session emptied, to keep memory flat.
        self.library_id = getattr(library, "id", None)
        self.batch_size, self.reject_file, self.progress = batch_size, reject_file, progress
        self.stats = ImportStats()
        self._batch: list = []

    def run(self, path, format: str | None = None, encoding: str | None = None) -> ImportStats:
        start = time.perf_counter()
        last_offset = 0
        for result in read(path, format=format, encoding=encoding):
            self.stats.read += 1
            if not result.ok:
                self._reject(path, result.where("en"), f"{result.error.en} / {result.error.zh}")
            else:
                self._batch.append(result)
                if len(self._batch) >= self.batch_size:
                    self._flush(path)
            if self.progress and result.offset is not None:
                self.progress(result.offset - last_offset)
                last_offset = result.offset
        self._flush(path)
        self.stats.seconds += time.perf_counter() - start
        return self.stats

    def _reject(self, path, where: str, reason: str) -> None:
        self.stats.rejected += 1
        entry = {"file": str(path), "where": where, "reason": reason}
        if len(self.stats.rejects) < 1000:
            self.stats.rejects.append(entry)
        if self.reject_file is not None:
            self.reject_file.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def _flush(self, path) -> None:
        if not self._batch:
            return
        prepared = []
        for result in self._batch:
            marc = result.record
            try:
                ex = extract(marc)
            except Exception as exc:  # a record pymarc accepted but we cannot make sense of
                self._reject(path, result.where("en"), f"cannot be classified: {exc}")
                continue
            why = _reason(marc, ex)
            if why:
                self._reject(path, result.where("en"), why)
                continue
            prepared.append((marc, ex, source_key(marc, ex)))
        self._batch = []
        keys = {k for _, _, k in prepared}
        existing = {r.source_key: r for r in db.session.scalars(sa.select(Record).where(Record.source_key.in_(keys)))}
        fresh: dict[str, list] = {}  # source key -> [row, extract] of records new in this batch
        for marc, ex, key in prepared:
            if key in fresh:  # the same record twice in one batch: the later one wins
                apply(fresh[key][0], marc, ex)
                fresh[key][1] = ex
                self.stats.updated += 1
                continue
            row = existing.get(key)
            if row is None:
                row = Record(status="active", source_key=key, version=1)
                apply(row, marc, ex)
                db.session.add(row)
                fresh[key] = [row, ex]
                self.stats.added += 1
            elif row.content_hash == content_hash(to_json(marc)):
                self.stats.unchanged += 1
            elif services.replace(None, row, marc, action="import"):
                self.stats.updated += 1
            if self.library_id is not None:
                self._holding(row, marc, ex)
        db.session.flush()
        db.session.add_all(RecordVersion(record_id=row.id, version=1, marc=row.marc, action="import", diff=[])
                           for row, _ in fresh.values())
        index_rows([(row, ex) for row, ex in fresh.values()])
        db.session.commit()
        db.session.expunge_all()

    def _holding(self, row, marc, ex) -> None:
        if ex.classification.kind != "bibliographic":
            return
        call = _call_number(marc, ex.classification.format)
        if row.id is not None and db.session.scalar(
                sa.select(Holding.id).where(Holding.record_id == row.id, Holding.library_id == self.library_id)):
            return
        db.session.add(Holding(record=row, library_id=self.library_id, call_number=call, copies=1))
        self.stats.holdings += 1
