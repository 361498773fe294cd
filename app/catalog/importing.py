"""Bulk loading: stream a MARC file into the catalogue in batches, safely repeatable.

Each record gets a source key (its 003 + 001, or a hash of its content when it has no 001): a
record seen before is skipped when unchanged and becomes a new version when changed, so loading the
same file twice adds nothing. Records that cannot be read or catalogued go to the reject file with
their position and reason; the rest of the file is still loaded.

ISO 2709 files are decoded and prepared by worker processes (pymarc and the extraction are pure
Python and CPU-bound) while this process writes the batches with bulk statements; other formats
are prepared in this process. Memory stays flat: one batch per worker in flight.
"""
from __future__ import annotations

import functools
import gc
import json
import multiprocessing
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.core.types import utcnow
from app.extensions import db
from app.marc.io import detect_format, read
from app.marc.io.iso2709 import _BLANKS, iter_chunks
from app.marc.io.messages import msg
from app.marc.io.results import MarcReadError

from . import bulk, services
from .indexing import from_json, index_entries, relink_headings
from .load_settings import bulk_writes
from .search import backend
from .search.compile import holding_token
from .side_by_side import run_side_by_side
from .models import Holding, Record, RecordVersion
from .prepare import Prepared, prepare, prepare_chunks


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


ANALYZE_AFTER = 10_000
LOADED_STATUS = "active"  # a loaded record is in the catalogue at once


SEARCHED_TABLES = ("record_search", "records", "record_keys", "holdings")  # the largest first


def refresh_statistics() -> None:
    """After a large load the query planner needs fresh statistics: without them SQLite walks the
    whole records table through a low-selectivity index instead of starting from the matches.
    PostgreSQL's tables the search reads are vacuumed too: until a page is marked all-visible, an
    index-only scan (ix_records_search, the key index) still visits the table for every entry, and
    autovacuum gets to a freshly loaded table in its own time. Each of them on a connection of its
    own, side by side; then the statistics of the other tables (once: a plain ANALYZE went over the
    vacuumed ones again, 3.9 s at 100,000 records)."""
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        engine = db.engine

        def vacuum(table):
            def run():
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(sa.text(f"VACUUM (ANALYZE) {table}"))
            return run

        run_side_by_side([vacuum(t) for t in SEARCHED_TABLES])
        others = sorted(set(sa.inspect(engine).get_table_names()) - set(SEARCHED_TABLES))
        quote = engine.dialect.identifier_preparer.quote
        if others:  # a bare ANALYZE would go over the vacuumed tables again
            db.session.execute(sa.text("ANALYZE " + ", ".join(map(quote, others))))
    else:
        db.session.execute(sa.text("ANALYZE"))
    db.session.commit()


# Records per transaction. Each commit writes every page the batch changed, and the random inserts
# into the indexes change a page per record: with more records per batch a page takes several before
# it is written. 2,000 instead of 500: SQLite's commits 0.047 → 0.029 ms of CPU a record, a million
# records 13 % faster (PostgreSQL 3 %), for about 70 MB more in the main process, still flat over the
# file (docs/benchmarks.md).
BATCH_SIZE = 2_000


# Young objects the collector lets pile up before it looks (Python's default: 700, 10, 10).
LOAD_GC_THRESHOLD = (100_000, 50, 1_000)


@contextmanager
def few_collections():
    """The garbage collector out of a load's way, as app.core.runtime.settle does for a server.

    A load makes some twenty containers a record (the prepared rows its workers send; pymarc's
    fields in the workers) that all live until their batch is written, so the collector ran every few
    hundred of them and each full collection walked everything the process held, the application
    included: the importer's main process spent 117–135 µs of CPU a record, 86 with the objects made
    before the load frozen, 84 with the collector also running less often (100,000 records on SQLite,
    docs/benchmarks.md). The worker processes, forked inside, inherit both. A load makes few cycles;
    those it makes are still collected, later."""
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    gc.freeze()
    gc.set_threshold(*LOAD_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if not frozen:  # frozen before (a server's settle): the load's objects are gone by now anyway
            gc.unfreeze()


@functools.cache
def _lookups(dialect: str):
    """A batch's look-ups, its keys as one parameter (bulk.among), each statement made once: `in_(keys)`
    made and compiled 2,000 bound parameters for every batch."""
    return (sa.select(Record.source_key, Record.id).where(bulk.among(Record.source_key, "keys", dialect)),
            sa.select(Record.id, Record.content_hash).where(bulk.among(Record.id, "ids", dialect)))


def default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))


class Importer:
    def __init__(self, library_id: int | None = None, batch_size: int | None = None, reject_file=None, progress=None,
                 workers: int | None = None, cache_mb: int | None = None):
        # An id, not a Library: each batch ends with the session emptied, to keep memory flat.
        self.library_id = library_id
        self.batch_size, self.reject_file, self.progress = batch_size or BATCH_SIZE, reject_file, progress
        self.workers = default_workers() if workers is None else workers
        self.cache_mb = cache_mb  # SQLite's page cache during the load; None: load_settings.BULK_CACHE_MB
        self.stats = ImportStats()
        # False while indexes are set aside (load_indexes): statistics are gathered once they are built.
        self.analyze = True
        # The newest authority record the load added or changed: the bibliographic records before it
        # are linked to its heading at the end (indexing.relink_headings). `relinking(count)` is told
        # how many there are before that starts (the command says so).
        self.newest_authority = 0
        self.relinking = None

    # --- reading -------------------------------------------------------------------------------------
    def run(self, path, format: str | None = None, encoding: str | None = None) -> ImportStats:
        start = time.perf_counter()
        fmt = format or detect_format(path)
        # Let the reader refuse what it cannot read at all (missing, empty, bad options) up front.
        next(iter(read(path, format=fmt, encoding=encoding)), None)
        with bulk_writes(self.cache_mb) as self._load, few_collections():
            if fmt == "iso2709" and self.workers > 1:
                self._run_parallel(path, encoding)
            else:
                self._run_serial(path, fmt, encoding)
        self._relink()
        if self.analyze and self.stats.added >= ANALYZE_AFTER:
            refresh_statistics()
        self.stats.seconds += time.perf_counter() - start
        return self.stats

    def _relink(self) -> None:
        """Bibliographic records indexed before an authority this load added or changed were linked to
        the headings of their time: link them again (a record loaded after it was linked to it)."""
        if not self.newest_authority:
            return
        older = db.session.scalar(sa.select(sa.func.count()).select_from(Record).where(
            Record.kind == "bibliographic", Record.id < self.newest_authority))
        if older:
            if self.relinking:
                self.relinking(older)
            relink_headings(self.newest_authority)
        self.newest_authority = 0

    def _run_serial(self, path, fmt, encoding) -> None:
        batch: list[Prepared] = []
        last = 0
        texts_of = type(backend()).texts_of
        for result in read(path, format=fmt, encoding=encoding):
            where = result.where("en")
            if not result.ok:
                batch.append(Prepared(where, reject=f"{result.error.en} / {result.error.zh}"))
            else:
                batch.append(prepare(result.record, where, texts_of))
            if len(batch) >= self.batch_size:
                self._write(path, batch)
                batch = []
            if self.progress and result.offset is not None:
                self.progress(result.offset - last)
                last = result.offset
        self._write(path, batch)

    def _jobs(self, path, encoding):
        """Raw records in batches, split at the record terminator as app.marc.io does."""
        index, chunk_batch, last, runaway = 0, [], 0, False
        texts_of = type(backend()).texts_of  # a plain function: it goes to the workers by name
        with open(path, "rb") as fh:
            for offset, chunk, kind in iter_chunks(fh):
                if runaway:  # the rest of a runaway piece was reported with it
                    runaway = kind == "runaway"
                    continue
                runaway = kind == "runaway"
                body = chunk.lstrip(_BLANKS)
                if not body.strip(_BLANKS):
                    continue
                index += 1
                offset += len(chunk) - len(body)
                if kind != "record":  # damaged ends are reported by the reader's own messages
                    m = msg("eof_in_record" if kind == "tail" else "no_terminator",
                            size=len(body) if kind == "tail" else 99999)
                    self._reject(path, f"record {index}, byte {offset}", f"{m.en} / {m.zh}")
                    continue
                chunk_batch.append((index, offset, body))
                if len(chunk_batch) >= self.batch_size:
                    yield (encoding, chunk_batch, texts_of), offset - last
                    last, chunk_batch = offset, []
        if chunk_batch:
            yield (encoding, chunk_batch, texts_of), 0

    def _run_parallel(self, path, encoding) -> None:
        ctx = multiprocessing.get_context("fork")
        pending = []
        with ctx.Pool(self.workers) as pool:
            jobs = self._jobs(path, encoding)
            # Keep a bounded number of batches in flight, in order, so memory does not grow.
            for job, advance in jobs:
                pending.append((pool.apply_async(prepare_chunks, (job,)), advance))
                if len(pending) > self.workers * 2:
                    self._collect(path, pending.pop(0))
            while pending:
                self._collect(path, pending.pop(0))

    def _collect(self, path, item) -> None:
        async_result, advance = item
        self._write(path, async_result.get())
        if self.progress and advance:
            self.progress(advance)

    # --- writing --------------------------------------------------------------------------------------
    def _reject(self, path, where: str, reason: str) -> None:
        self.stats.rejected += 1
        entry = {"file": str(path), "where": where, "reason": reason}
        if len(self.stats.rejects) < 1000:
            self.stats.rejects.append(entry)
        if self.reject_file is not None:
            self.reject_file.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def _write(self, path, batch: list[Prepared]) -> None:
        self.stats.read += len(batch)
        good: dict[str, Prepared] = {}
        for p in batch:
            if p.reject:
                self._reject(path, p.where, p.reject)
            else:
                good[p.source_key] = p  # the same record twice in one batch: the later one wins
        if not good:
            return
        self._load.batch_begins()
        by_source_key, hashes_of = _lookups(db.engine.dialect.name)
        existing = dict(db.session.execute(by_source_key, {"keys": list(good)}).all())
        hashes = dict(db.session.execute(hashes_of, {"ids": list(existing.values())}).all()) if existing else {}
        fresh = [p for k, p in good.items() if k not in existing]
        self.stats.added += len(fresh)
        self.stats.updated += sum(1 for p in batch if not p.reject) - len(good)  # repeats within the batch
        for key, p in good.items():
            rid = existing.get(key)
            if rid is None:
                continue
            if hashes.get(rid) == p.values["content_hash"]:
                self.stats.unchanged += 1
            else:
                row = db.session.get(Record, rid)
                if services.replace(None, row, from_json(p.values["marc"]), action="import"):
                    self.stats.updated += 1
                    if row.kind == "authority":
                        self.newest_authority = max(self.newest_authority, rid)
        ids = self._insert(fresh)
        self.newest_authority = max([self.newest_authority, *(ids[p.source_key] for p in fresh
                                                               if p.values["kind"] == "authority")])
        if self.library_id is not None:
            self._holdings([(existing.get(k) or ids[k], p) for k, p in good.items()], fresh=set(ids.values()))
        db.session.commit()
        db.session.expunge_all()

    def _insert(self, fresh: list[Prepared]) -> dict[str, int]:
        if not fresh:
            return {}
        now = utcnow()
        # Straight to the DB-API (bulk.py): the ORM's bookkeeping, and Core's per-row parameter
        # processing, cost more than the inserts themselves.
        # source_key first: bulk.insert_with_ids checks the new ids by it. Every p.values has the
        # columns of indexing.columns(), in its order.
        columns = ("source_key", *fresh[0].values, "status", "version", "created_at", "updated_at")
        ids = dict(zip((p.source_key for p in fresh), bulk.insert_with_ids(Record.__table__, columns, [
            (p.source_key, *p.values.values(), LOADED_STATUS, 1, now, now) for p in fresh])))
        # Version 1 without a copy of the MARC: while it is current, the record's MARC is its own
        # (models.RecordVersion; a third of the database and 8 % of the load at 1M on SQLite).
        no_diff = []
        bulk.insert_rows(RecordVersion.__table__, ("record_id", "version", "action", "diff", "created_at"),
                         [(ids[p.source_key], 1, "import", no_diff, now) for p in fresh])
        bulk.insert_rows(*backend().key_rows([(ids[p.source_key], k, v, record)
                                              for p in fresh for record in ({**p.values, "status": LOADED_STATUS},)
                                              for k, v in p.keys]))
        entries = []
        holdings = backend().holdings_value(holding_token(self.library_id)) if self.library_id is not None else ""
        for p in fresh:
            p.entry.record_id = ids[p.source_key]
            if self.library_id is not None and p.values["kind"] == "bibliographic":
                # the holding _holdings adds: its token goes in with the row, not by rewriting it
                p.entry.texts = type(p.entry.texts)({**p.entry.texts, "holdings": holdings})
            entries.append(p.entry)
        index_entries(entries, fresh=True)
        return ids

    def _holdings(self, pairs, fresh: set[int]) -> None:
        """The library's holdings of the batch's records; the tokens of records inserted in this
        batch were indexed with them (_insert), those of records already there are updated."""
        bib = [(rid, p) for rid, p in pairs if p.values["kind"] == "bibliographic"]
        if not bib:
            return
        have = set(db.session.scalars(sa.select(Holding.record_id).where(
            Holding.library_id == self.library_id, Holding.record_id.in_([rid for rid, _ in bib]))))
        rows = [{"record_id": rid, "library_id": self.library_id, "call_number": p.call_number, "copies": 1,
                 "created_at": utcnow()} for rid, p in bib if rid not in have]
        if rows:
            db.session.execute(sa.insert(Holding), rows)
            backend().index_holdings([r["record_id"] for r in rows if r["record_id"] not in fresh])
            self.stats.holdings += len(rows)


__all__ = ["Importer", "ImportStats", "MarcReadError"]
