"""New rows in bulk, through the DB-API cursor: what the importer writes for each batch.

SQLAlchemy Core processes every parameter of every row in Python, and on SQLite an INSERT …
RETURNING whose ids must come back in the rows' order is sent one row at a time; together that
cost more than the databases' own work (docs/benchmarks.md). Here the rows go to `executemany`
(SQLite) or `COPY` (PostgreSQL) as tuples, each column's bind processor (UTC datetimes, JSON)
applied only where the type has one. They join the session's transaction, so a batch is still
written whole or not at all.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from app.extensions import db


def among(column, name: str, dialect: str):
    """`column` among the values of the parameter `name` (a list): on PostgreSQL `= ANY` of one
    array parameter, elsewhere an expanding IN.

    An expanding IN is written out anew for each execution, one placeholder a value: on PostgreSQL
    SQLAlchemy renders each with its cast and psycopg parses the whole statement again, some 50 µs of
    the importer's main process a record for its look-ups of 2,000 keys and 1,500 names a batch
    (docs/benchmarks.md). An array is one parameter, and the statement stays the same."""
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(name, type_=sa.ARRAY(column.type)))
    return column.in_(sa.bindparam(name, expanding=True))


def _cursor_connection():
    """The DB-API connection of the session's current transaction."""
    return db.session.connection().connection.dbapi_connection


def _processed(table: sa.Table, columns: Sequence[str], rows: list[tuple]) -> list[tuple]:
    dialect = db.session.get_bind().dialect
    # The engine's own form of each type, as Core would bind it: a decorated type's bind_processor
    # alone stops at its generic implementation, and SQLite's driver then turned every datetime
    # into text itself, once a row (and without the fraction when it was .000000).
    procs = [(i, p) for i, p in ((i, table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
                                 for i, name in enumerate(columns)) if p is not None]
    if not procs:
        return rows
    done: dict[tuple, object] = {}  # by column and id(): a batch's rows share their stamps and empty diffs
    out = []
    for row in rows:
        row = list(row)
        for i, p in procs:
            value = row[i]
            key = (i, id(value))
            if key not in done:
                done[key] = p(value)
            row[i] = done[key]
        out.append(tuple(row))
    return out


def _quoted(table: sa.Table, columns: Sequence[str]) -> tuple[str, str]:
    preparer = db.session.get_bind().dialect.identifier_preparer
    return preparer.format_table(table), ", ".join(preparer.quote(c) for c in columns)


def insert_rows(table: sa.Table, columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert `rows` (tuples in the order of `columns`)."""
    if not rows:
        return
    rows = _processed(table, columns, rows)
    name, cols = _quoted(table, columns)
    conn = _cursor_connection()
    if db.session.get_bind().dialect.name == "postgresql":
        with conn.cursor() as cur, cur.copy(f"COPY {name} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        cur = conn.cursor()
        try:
            cur.executemany(f"INSERT INTO {name} ({cols}) VALUES ({', '.join('?' * len(columns))})", rows)
        finally:
            cur.close()


def insert_with_ids(table: sa.Table, columns: Sequence[str], rows: list[tuple]) -> list[int]:
    """Insert `rows` and return their new ids, in the rows' order.

    PostgreSQL: the ids are taken from the table's sequence first (as many as there are rows; other
    sessions may take ids in between, the ones taken here are ours) and the rows copied with them.
    SQLite: an INTEGER PRIMARY KEY is one more than the largest in the table, and the inserting
    transaction holds the database's only write lock, so n rows inserted together get the n ids
    before the last one; that is checked (the first and last rows are looked at again).
    """
    if not rows:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        seq = db.session.scalar(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
        ids = list(db.session.scalars(sa.text("SELECT nextval(CAST(:s AS regclass)) FROM generate_series(1, :n) "
                                              "ORDER BY 1"), {"s": seq, "n": len(rows)}))
        insert_rows(table, ["id", *columns], [(rid, *row) for rid, row in zip(ids, rows)])
        return ids
    insert_rows(table, columns, rows)
    last = db.session.scalar(sa.text("SELECT last_insert_rowid()"))
    ids = list(range(last - len(rows) + 1, last + 1))
    _check_ids(table, columns, rows, ids)
    return ids


def _check_ids(table: sa.Table, columns: Sequence[str], rows: list[tuple], ids: list[int]) -> None:
    """The rows at the first and the last id are the first and the last of ours (see insert_with_ids)."""
    key = columns[0]
    found = dict(db.session.execute(sa.select(table.c.id, table.c[key]).where(table.c.id.in_([ids[0], ids[-1]]))).all())
    if found.get(ids[0]) != rows[0][0] or found.get(ids[-1]) != rows[-1][0]:
        raise RuntimeError(f"{table.name}: the new rows did not get consecutive ids")
