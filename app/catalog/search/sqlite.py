"""SQLite: an FTS5 table whose tokens are words and single CJK characters (see catalog.tokens)."""
import json

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.selectable import Join

from app.catalog.bulk import insert_rows
from app.catalog.models import Record
from app.extensions import db

from .backend import FTS_COLUMNS, SearchBackend
from .query import And, Match, Not, Or, skeleton

FTS_TABLE = sa.table("record_fts", sa.column("rowid"), *(sa.column(c) for c in FTS_COLUMNS))

CREATE = ("CREATE VIRTUAL TABLE IF NOT EXISTS record_fts USING fts5("
          + ", ".join(FTS_COLUMNS) + ", tokenize = 'unicode61 remove_diacritics 0')")


# Relevance is the text's: the holdings column (a filter) weighs nothing, or a record held by more of
# a region's libraries would rank higher.
RANK = "-bm25(record_fts, " + ", ".join("0" if c == "holdings" else "1" for c in FTS_COLUMNS) + ")"


def _phrase(tokens: list[str]) -> str:
    prefix = tokens[-1].endswith("*")
    words = [t.rstrip("*").replace('"', '""') for t in tokens]
    return '"' + " ".join(words) + '"' + (" *" if prefix else "")


def fts_expression(column: str, phrases: list[list[str]], mode: str) -> str:
    joiner = " OR " if mode == "any" else " AND "
    return "{" + column + "} : (" + joiner.join(_phrase(p) for p in phrases) + ")"


def fts_query(tree) -> str:
    """One FTS5 expression for a positive full-text tree (FTS5's NOT is binary: `a NOT b`)."""
    if isinstance(tree, Match):
        return fts_expression(tree.column, tree.phrases, tree.mode)
    if isinstance(tree, Or):
        return "(" + " OR ".join(fts_query(i) for i in tree.items) + ")"
    if isinstance(tree, And):
        expr = "(" + " AND ".join(fts_query(i) for i in tree.items if not isinstance(i, Not)) + ")"
        for item in tree.items:
            if isinstance(item, Not):
                expr = "(" + expr + " NOT " + fts_query(item.item) + ")"
        return expr
    raise ValueError(f"not a positive full-text tree: {tree!r}")


def _matches(tree):
    if isinstance(tree, Match):
        return [tree]
    if isinstance(tree, (And, Or)):
        return [m for item in tree.items for m in _matches(item)]
    return []


class _CoveredJoin(Join):
    """record_fts joined to records through the covering index ix_records_search: SQLite otherwise
    reads each hit's table row (2.4 KB of MARC before the year column) where the index entry holds
    everything a search filters on; for 10,001 hits of 学 at a million records, 21 → 7 ms."""

    inherit_cache = True


@compiles(_CoveredJoin, "sqlite")
def _covered_join(join, compiler, **kw):
    text = compiler.visit_join(join, **kw)
    return text.replace(" JOIN records ON ", " JOIN records INDEXED BY ix_records_search ON ", 1)


class SQLiteBackend(SearchBackend):
    name = "sqlite-fts5"

    def index(self, record_id, texts):
        self.index_many([(record_id, texts)])

    def index_many(self, rows, fresh=False):
        if not rows:
            return
        if fresh:
            insert_rows(FTS_TABLE, FTS_TABLE.c.keys(), [(r, *(texts[c] for c in FTS_COLUMNS)) for r, texts in rows])
            return
        db.session.execute(sa.text("DELETE FROM record_fts WHERE rowid = :id"), [{"id": r} for r, _ in rows])
        rows = self.with_holdings(rows)
        db.session.execute(
            sa.text("INSERT INTO record_fts (rowid, " + ", ".join(FTS_COLUMNS) + ") VALUES (:id, "
                    + ", ".join(":" + c for c in FTS_COLUMNS) + ")"),
            [{"id": r, **texts} for r, texts in rows])

    def unindex(self, record_id):
        db.session.execute(sa.text("DELETE FROM record_fts WHERE rowid = :id"), {"id": record_id})

    holdings_update = "UPDATE record_fts SET holdings = :h WHERE rowid = :id"

    def clear(self):
        db.session.execute(sa.text("DELETE FROM record_fts"))

    def text_ids(self, tree):
        return (sa.text("SELECT rowid FROM record_fts WHERE record_fts MATCH :q")
                .bindparams(sa.bindparam("q", fts_query(tree), unique=True)).columns(sa.column("rowid")))

    def ranked(self, tree, phrases):
        """bm25 of the search's own full-text expression (see ranks)."""
        tree = skeleton(tree)
        if tree is None:
            return None
        return (sa.text("SELECT rowid AS record_id, " + RANK + " AS rank FROM record_fts "
                        "WHERE record_fts MATCH :q")
                .bindparams(sa.bindparam("q", fts_query(tree), unique=True))
                .columns(sa.column("record_id"), sa.column("rank")))

    def ranks(self, tree, phrases, ids):
        """bm25 of the search's own full-text expression (NOTs left out), for the matching rows
        between the least and the greatest id only: ranking by an OR of every word over all the text
        would score every record holding any of them, stop words included."""
        tree = skeleton(tree)
        if tree is None or not ids:
            return {}
        wanted = set(ids)
        rows = db.session.connection().execute(
            sa.text("SELECT rowid, " + RANK + " FROM record_fts WHERE record_fts MATCH :q "
                    "AND rowid BETWEEN :lo AND :hi"), {"q": fts_query(tree), "lo": min(ids), "hi": max(ids)}).all()
        return {rowid: rank for rowid, rank in rows if rowid in wanted}

    def driven(self, text, conditions, *columns, lead=True, hits_only=False):
        """Started from the full-text table, in its rowid order: FTS5 then reads a posting list only as
        far as needed (the first 10,001 hits, the newest 1,000), where `id IN (MATCH …)` reads all of it
        first (148,001 entries for 学 at a million records). `+` keeps the planner from turning the join
        around."""
        if text is None or not lead:
            return super().driven(text, conditions, *columns)
        q = (sa.select(*columns)
             .select_from(_CoveredJoin(sa.table("record_fts"), Record.__table__, sa.text("records.id = +record_fts.rowid")))
             .where(sa.text("record_fts MATCH :q").bindparams(sa.bindparam("q", fts_query(text), unique=True)),
                    *conditions))
        return q, sa.literal_column("record_fts.rowid")

    def rank_column(self, tree, text, phrases, lead):
        """bm25 of the very MATCH that finds the hits, when it holds all of the query's full text
        (a NOT's phrases add nothing to bm25: they occur in none of the hits) and matching it is
        dear — phrases, several terms: ranks() matched 中国文学 with 人民文学出版社 a second time, 46
        of 135 ms. A single word or character is cheap to match again, and its hits are often past
        the ranking limit, where bm25 computed for 10,001 rows would be thrown away."""
        if not lead or text is None or skeleton(tree) != skeleton(text):
            return None
        phrases = [p for m in _matches(skeleton(text)) for p in m.phrases]
        if len(phrases) < 2 and all(len(p) < 2 for p in phrases):
            return None
        return sa.literal_column(RANK)

    def newest_first_free(self, text, lead):
        return text is not None and lead

    def newest_first(self, q, id_order):
        """`id > 0` (true of every record) lets SQLite walk ix_records_search (id first) backwards: a
        large result's newest hits come after a few thousand entries, where SQLite would otherwise take
        every hit of a wide year range from `(status, year)` and sort them all (321,626 for 2000–2010
        at a million records; measured at 100k: 1,362 ms before, 0.3 ms with it)."""
        return q.where(Record.id > 0).order_by(id_order.desc())

    def ids_in(self, column, ids):
        """One JSON parameter instead of up to 10,000."""
        return column.in_(sa.select(sa.literal_column("value"))
                          .select_from(sa.func.json_each(sa.bindparam(None, json.dumps(list(ids))))))
