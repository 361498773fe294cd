"""The databases' settings for a bulk load.

SQLite: a page cache that holds the indexes' busy pages, and fewer checkpoints, for the whole load.

At a million records every new record changes a page in each of some eight indexes whose keys
arrive in random order (the source key, the three SRU scan keys, the record keys). With SQLite's
default cache of 2 MB nearly every such page was read from the file again for each insert, and
pages pushed out of the cache in the middle of a transaction were written to the log more than
once (docs/benchmarks.md). By default SQLite also copies the write-ahead log into the database every
1,000 pages (4 MB, about every batch of a load), syncing the file each time and writing the same
index pages again and again; during a load every 100,000 (at a million records, with a 512 MB cache,
the commits took 0.22 ms a record instead of 0.28 with 25,000, the setting before).

SQLite's full-text index is written as segments, one a transaction, which FTS5 merges as it goes:
by default four of a size into one, so a record's postings are rewritten at every fourth size
again. During a load it merges sixteen at a time (`automerge`): the main process's full-text
writes 53 → 42 µs of CPU a record at 200,000 (docs/benchmarks.md). More segments are left, and a
search reads each: a large load ends by merging them all (SearchBackend.compact).
The setting is the database's, kept in the index's own config: the load sets it in its first batch's
transaction and puts the value before back at the end, also when the load fails.

PostgreSQL keeps its own buffers and writes them back in its own processes. Tried and dropped:
committing its batches without waiting for the log's sync (`SET LOCAL synchronous_commit = off`):
no difference to a load's speed beyond the machine's noise (docs/benchmarks.md), so not worth the
last batches a crash could lose. SQLite's counterpart (`synchronous = OFF`) was a fifth faster at a
million records but could corrupt the database on a power cut: not used either.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app

from app.extensions import db

from .search.sqlite import automerge as fts_automerge, set_automerge as set_fts_automerge

# The importer's page cache during a load, in MB (SQLite's default is 2; `catalog import --cache-mb`).
# The random-order indexes at a million records take 420 MB (source key 35, the three SRU scan keys
# 205, record keys 180); a quarter of a gigabyte keeps most of their busy pages. The memory is the
# connection's, bounded, and given back when the load ends.
BULK_CACHE_MB = 256
# Pages the log may hold before it is copied into the database (SQLite's default: 1,000).
BULK_WAL_PAGES = 100_000
# Segments of a size FTS5 merges into one during a load (its default, kept otherwise: 4).
BULK_FTS_AUTOMERGE = 16


class Load:
    """The settings of one load, applied in each batch's transaction (`batch_begins`).

    SQLite's settings belong to a connection, and the session may be given another pooled
    connection after a commit: each connection a batch runs on is set once, and every one of them is
    given its own settings back at the end (`finish`)."""

    def __init__(self, cache_mb: int | None = None):
        self.cache_kib = 1024 * (cache_mb or BULK_CACHE_MB)
        self._sqlite = (db.engine.dialect.name == "sqlite"
                        and db.session.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal")
        self._touched: dict = {}  # DB-API connection -> (cache_size, wal_autocheckpoint) it had
        self._automerge = None  # the full-text index's, before the load set its own (SQLite)

    def batch_begins(self) -> None:
        if self._sqlite:
            if self._automerge is None:  # in the batch's transaction: a first batch that fails takes it back
                self._automerge = fts_automerge()
                set_fts_automerge(BULK_FTS_AUTOMERGE)
            raw = db.session.connection().connection.dbapi_connection
            if raw not in self._touched:
                self._touched[raw] = (_get(raw, "cache_size"), _get(raw, "wal_autocheckpoint"))
                raw.execute(f"PRAGMA cache_size = {-int(self.cache_kib)}")
                raw.execute(f"PRAGMA wal_autocheckpoint = {BULK_WAL_PAGES}")

    def finish(self) -> None:
        for raw, (cache, pages) in self._touched.items():
            try:
                raw.execute(f"PRAGMA cache_size = {int(cache)}")
                raw.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")
            except sqlite3.ProgrammingError:  # closed by the pool meanwhile: nothing left to give back
                pass
        self._touched.clear()
        if self._sqlite:
            if self._automerge is not None:
                if fts_automerge() != self._automerge:  # not taken back with a failed first batch
                    set_fts_automerge(self._automerge)
                    db.session.commit()
                self._automerge = None
            db.session.execute(sa.text("PRAGMA wal_checkpoint(PASSIVE)"))
            db.session.commit()


def _get(raw, name: str):
    return raw.execute(f"PRAGMA {name}").fetchone()[0]


@contextmanager
def bulk_writes(cache_mb: int | None = None):
    """A Load for the length of a load (SQLite: `cache_mb` of page cache, default BULK_CACHE_MB). A
    load that fails leaves no transaction open (a batch is written whole or not at all). SQLite:
    afterwards the log is copied into the database (without waiting for readers), so none of the
    load is left in it only."""
    load = Load(cache_mb)
    try:
        yield load
    except BaseException:
        db.session.rollback()
        try:
            load.finish()
        except Exception:  # noqa: BLE001 - the load's own failure is the one to report; this one is logged
            current_app.logger.exception("giving the connection its settings back after a failed load")
        raise
    load.finish()
