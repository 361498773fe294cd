"""SQLite: an FTS5 table whose tokens are words and single CJK characters (see catalog.tokens)."""
import sqlalchemy as sa

from app.extensions import db

from .backend import FTS_COLUMNS, SearchBackend

CREATE = ("CREATE VIRTUAL TABLE IF NOT EXISTS record_fts USING fts5("
          + ", ".join(FTS_COLUMNS) + ", tokenize = 'unicode61 remove_diacritics 0')")


def _phrase(tokens: list[str]) -> str:
    prefix = tokens[-1].endswith("*")
    words = [t.rstrip("*").replace('"', '""') for t in tokens]
    return '"' + " ".join(words) + '"' + (" *" if prefix else "")


def fts_expression(column: str, phrases: list[list[str]], mode: str) -> str:
    joiner = " OR " if mode == "any" else " AND "
    return "{" + column + "} : (" + joiner.join(_phrase(p) for p in phrases) + ")"


class SQLiteBackend(SearchBackend):
    name = "sqlite-fts5"

    def index(self, record_id, texts):
        self.index_many([(record_id, texts)])

    def index_many(self, rows, fresh=False):
        if not rows:
            return
        if not fresh:
            db.session.execute(sa.text("DELETE FROM record_fts WHERE rowid = :id"), [{"id": r} for r, _ in rows])
        db.session.execute(
            sa.text("INSERT INTO record_fts (rowid, " + ", ".join(FTS_COLUMNS) + ") VALUES (:id, "
                    + ", ".join(":" + c for c in FTS_COLUMNS) + ")"),
            [{"id": r, **texts} for r, texts in rows])

    def unindex(self, record_id):
        db.session.execute(sa.text("DELETE FROM record_fts WHERE rowid = :id"), {"id": record_id})

    def clear(self):
        db.session.execute(sa.text("DELETE FROM record_fts"))

    def match(self, column, phrases, mode):
        expr = fts_expression(column, phrases, mode)
        return (sa.text("SELECT rowid FROM record_fts WHERE record_fts MATCH :q")
                .bindparams(sa.bindparam("q", expr, unique=True)).columns(sa.column("rowid")))

    def ranked(self, phrases):
        expr = fts_expression("everything", phrases, "any")
        return (sa.text("SELECT rowid AS record_id, -bm25(record_fts) AS rank FROM record_fts "
                        "WHERE record_fts MATCH :q")
                .bindparams(sa.bindparam("q", expr, unique=True))
                .columns(sa.column("record_id"), sa.column("rank")))
