"""Indexes a large load builds once, at its end, instead of record by record.

A few of the catalogue's indexes take each new record's keys in random order: SRU scan's title,
author and publisher, the exact-match keys (ISBN, ISSN, class numbers, subjects) and, on PostgreSQL,
the text index. Kept up to date record by record, each new record changes a page of each of them,
anywhere in them; at a million records that was most of what a load wrote. Built from the finished
tables they are sorted once: 900,000 records into 100,000 on SQLite took 247 s with them and 157 + 16 s
set aside and built again (docs/benchmarks.md). The indexes that are read or kept in order during a
load stay: the source key (a record loaded before is looked up by it), the ids, the holdings'.

So a load at least as large as the catalogue already is (`catalog import --indexes auto`, the
default) sets them aside first. Searches meanwhile still answer, more slowly (a key or a scan reads
the table). Each dropped index's definition, as the database gave it, is written to
`deferred_indexes` in the transaction that drops it; the load builds it and deletes the row in one
transaction, also when the load fails or is interrupted. A load killed outright leaves its rows: the
next `catalog import` or `catalog reindex` on the same host builds them once that process is gone, and
`catalog restore-indexes --force` does it from anywhere.

On PostgreSQL the foreign keys of a new record's own rows (its keys, its version, its text row) are
set aside the same way: each row was checked against records one look-up at a time, about a fifth of
the server's work during a load; added back at the end, each is checked in one join. A catalogue
record is never deleted (it is withdrawn or merged), so nothing the checks guard can happen meanwhile.
"""
from __future__ import annotations

import logging
import os
import re
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from app.extensions import db

from .load_settings import bulk_writes
from .models import DeferredIndex, Record
from .side_by_side import run_side_by_side

_log = logging.getLogger(__name__)

# Those absent in an engine (PostgreSQL's text index; SQLite's text is FTS5's) are passed over.
DEFERRABLE = (
    "ix_records_scan_title",
    "ix_records_scan_author",
    "ix_records_scan_publisher",
    "ix_record_keys_kind_value_record",
    "ix_record_search_anywhere",
    "ix_record_search_fields",
)
# Those with statistics of their own (an expression's): PostgreSQL gathers them with the table's.
EXPRESSION_INDEXES = ("ix_records_scan_title", "ix_records_scan_author", "ix_records_scan_publisher")
# PostgreSQL's only (SQLite's cannot be dropped without rebuilding the table, and are checked in process).
FOREIGN_KEYS = (
    "fk_record_keys_record_id_records",
    "fk_record_versions_record_id_records",
    "record_search_record_id_fkey",
)
# `auto` sets indexes aside for a load of at least this many records (and at least the catalogue's
# size): below it, building the indexes again costs more than a load saves.
AUTO_MIN_RECORDS = 50_000
# A file's records, estimated from its size: MARC records average about 1 KB (900 bytes in the
# Library of Congress's; 850 in the benchmark's million).
BYTES_PER_RECORD = 1_000
CHOICES = ("auto", "keep", "defer")


def owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def should_defer(choice: str, file_bytes: int) -> bool:
    if choice not in CHOICES:
        raise ValueError(f"indexes: one of {', '.join(CHOICES)}, not {choice!r}")
    if choice != "auto":
        return choice == "defer"
    expected = file_bytes // BYTES_PER_RECORD
    if expected < AUTO_MIN_RECORDS:
        return False
    return expected >= db.session.scalar(sa.select(sa.func.count()).select_from(Record))


def _definitions(names: tuple[str, ...]) -> dict[str, str]:
    if db.engine.dialect.name == "postgresql":
        sql = ("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
               "AND indexname IN :names UNION ALL "
               "SELECT conname, 'ALTER TABLE ' || CAST(conrelid AS regclass) || ' ADD CONSTRAINT ' "
               "|| quote_ident(conname) || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
               "WHERE contype = 'f' AND connamespace = CAST(current_schema() AS regnamespace) AND conname IN :names")
        names = (*names, *FOREIGN_KEYS)
    else:
        sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN :names"
    stmt = sa.text(sql).bindparams(sa.bindparam("names", expanding=True))
    found = dict(db.session.execute(stmt, {"names": list(names)}).all())
    return {name: found[name] for name in names if found.get(name)}  # in DEFERRABLE's order


_ADD_CONSTRAINT = re.compile(r"ALTER TABLE (\S+) ADD CONSTRAINT (\S+) ")
_INDEX_ON = re.compile(r"\sON\s+(?:ONLY\s+)?(\S+)\s+USING\s")


def _drop(name: str, definition: str) -> str:
    constraint = _ADD_CONSTRAINT.match(definition)
    if constraint:
        return f"ALTER TABLE {constraint.group(1)} DROP CONSTRAINT {constraint.group(2)}"
    return f'DROP INDEX "{name}"'


def _table(definition: str) -> str:
    found = _ADD_CONSTRAINT.match(definition) or _INDEX_ON.search(definition)
    return found.group(1) if found else ""


def set_aside(by: str | None = None) -> list[str]:
    """Drop the deferrable indexes (and PostgreSQL's foreign keys) there are, noting each; [] if
    another load has them set aside."""
    by = by or owner()
    if db.session.scalar(sa.select(sa.func.count()).select_from(DeferredIndex)):
        db.session.rollback()
        return []
    definitions = _definitions(DEFERRABLE)
    db.session.add_all([DeferredIndex(name=name, definition=definition, owner=by)
                        for name, definition in definitions.items()])
    db.session.flush()  # the rows first: on SQLite their INSERT opens the transaction the drops join (see restore)
    for name, definition in definitions.items():
        db.session.execute(sa.text(_drop(name, definition)))
    db.session.commit()
    return list(definitions)


def _alive(who: str) -> bool:
    host, _, pid = who.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's process cannot be seen from here: assume it runs
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process, but there
        return True
    return True


def pending() -> list[DeferredIndex]:
    return list(db.session.scalars(sa.select(DeferredIndex).order_by(DeferredIndex.deferred_at, DeferredIndex.name)))


def restore(by: str | None = None, *, force: bool = False, progress: Callable[[str], None] | None = None,
            ) -> list[str]:
    """Build again the indexes set aside by `by` (by default: by loads no longer running, on this
    host; all of them with `force`), each with its row's deletion in one transaction. One that cannot
    be built keeps its row; the others are built all the same, and then its error is raised."""
    rows = [r for r in pending() if force or (r.owner == by if by else not _alive(r.owner))]
    todo = [(r.name, r.definition) for r in rows]
    db.session.rollback()
    if not todo:
        return []
    try:
        built = _build(todo, progress)
    except BaseException:
        try:  # those that were built, all the same; the build's error is the one to report
            _statistics(todo)
        except sa.exc.DBAPIError as exc:
            _log.error("statistics of the rebuilt indexes not gathered: %s", exc.orig)
        raise
    _statistics(todo)
    return built


def _statistics(todo: list[tuple[str, str]]) -> None:
    """Statistics for the indexes just built: dropping an index dropped its own. Without them SQLite's
    planner chose worse plans (year ranges at 1M records: p95 8 ms → 4.3 s), and PostgreSQL has none
    for the title, author and publisher expressions SRU scan orders by. SQLite analyses each index
    (0.7 s for the four at 1M records; none in a database never analysed), PostgreSQL the tables with
    expression indexes (records: 0.9 s). A load large enough analyses every table anyway
    (importing.refresh_statistics); this is for the smaller ones and for a build after a killed load."""
    built = {name for name, _ in todo} - {r.name for r in pending()}
    db.session.rollback()
    quote = db.engine.dialect.identifier_preparer.quote
    if db.engine.dialect.name == "postgresql":  # the table as the server wrote it in the definition
        statements = [f"ANALYZE {table}" for table in
                      sorted({_table(d) for n, d in todo if n in built and n in EXPRESSION_INDEXES})]
    elif db.session.scalar(sa.text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")):
        statements = [f"ANALYZE {quote(name)}" for name, _ in todo if name in built]
    else:  # a database never analysed: statistics for these alone would skew the planner
        statements = []
    for statement in statements:
        db.session.execute(sa.text(statement))
    db.session.commit()


def _build(todo: list[tuple[str, str]], progress) -> list[str]:
    if db.engine.dialect.name == "postgresql":
        return _build_side_by_side(todo, progress)
    with bulk_writes() as load:  # SQLite sorts in the load's page cache
        def build(name, definition):
            load.batch_begins()
            try:
                # The row first. On SQLite its DELETE opens the transaction (pysqlite opens none for
                # DDL, which would then commit on its own) and makes the connection read the schema as
                # it is now: a pooled connection's copy can be older than the drop ("index … already
                # exists").
                db.session.execute(sa.delete(DeferredIndex).where(DeferredIndex.name == name))
                db.session.execute(sa.text(definition))
                db.session.commit()
            except BaseException:
                db.session.rollback()
                raise
        return _build_each(todo, build, progress)


def _build_each(todo: list[tuple[str, str]], build: Callable[[str, str], None], progress) -> list[str]:
    """Each index in turn; one that cannot be built keeps its row, the rest are built all the same,
    and then its error is raised."""
    built, failed = [], None
    for name, definition in todo:
        if progress:
            progress(name)
        try:
            build(name, definition)
        except sa.exc.DBAPIError as exc:
            _log.error("%s could not be built (its row stays in deferred_indexes): %s", name, exc.orig)
            failed = failed or exc
            continue
        built.append(name)
    if failed:
        raise failed
    return built


def _schedule(todo: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """PostgreSQL: the set-aside indexes in the order the lanes take them, and the foreign keys.

    The text (GIN) indexes first, each on its own (PostgreSQL 15 builds one in one process: the two
    halves of the text index, built side by side, are most of the work), then the others, largest
    table first; each free lane takes the next. The foreign keys come after every index: a check
    locks its table and records in a mode that waits for any index build on either, and for another
    check on records."""
    size = sa.text("SELECT pg_total_relation_size(to_regclass(NULLIF(:t, '')))")
    keys = [item for item in todo if _ADD_CONSTRAINT.match(item[1])]
    indexes = [(" USING gin " not in definition, -(db.session.scalar(size, {"t": _table(definition)}) or 0),
                (name, definition)) for name, definition in todo if (name, definition) not in keys]
    db.session.rollback()
    return [item for *_, item in sorted(indexes)], keys


def _build_side_by_side(todo: list[tuple[str, str]], progress) -> list[str]:
    """PostgreSQL: each index on a connection of its own, two at a time (side_by_side), then the
    foreign keys, one after the other. One that cannot be built keeps its row, the rest are built
    all the same, and then the first error is raised."""
    indexes, keys = _schedule(todo)
    engine = db.engine

    def job(items):
        def run():
            with engine.connect() as conn:
                def build(name, definition):
                    with conn.begin():
                        # A text (GIN) index is built many times faster in memory than through
                        # temporary files.
                        conn.execute(sa.text("SET LOCAL maintenance_work_mem = '512MB'"))
                        conn.execute(sa.delete(DeferredIndex).where(DeferredIndex.name == name))
                        conn.execute(sa.text(definition))
                return _build_each(items, build, progress)
        return run

    built, failed = [], None
    for phase in ([job([item]) for item in indexes], [job(keys)] if keys else []):
        try:
            built += [name for names in run_side_by_side(phase) for name in names]
        except sa.exc.DBAPIError as exc:
            failed = failed or exc
    if failed:
        raise failed
    return built


@contextmanager
def deferred(defer: bool, progress: Callable[[str], None] | None = None) -> Iterator[list[str]]:
    """Set the indexes aside for the body (when `defer`) and build them again after it, whatever
    happens in it. Yields the names set aside ([] when none)."""
    by = owner()
    names = set_aside(by) if defer else []
    try:
        yield names
    finally:
        if names:
            db.session.rollback()  # a failed batch's transaction, if any: the builds need their own
            restore(by, progress=progress)
