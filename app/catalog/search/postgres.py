"""PostgreSQL: tsvector columns with GIN indexes, built from our own tokens.

The vectors and queries are written as tsvector/tsquery literals instead of going through
to_tsvector, because the text-search parser's idea of a letter depends on the server's locale, and
a C-locale server would drop every Chinese character.
"""
import sqlalchemy as sa

from app.extensions import db

from .backend import FTS_COLUMNS, SearchBackend

MAX_POSITION = 16383


def _quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(text: str) -> str:
    positions: dict[str, list[int]] = {}
    for i, tok in enumerate(text.split(), start=1):
        positions.setdefault(tok, []).append(min(i, MAX_POSITION))
    return " ".join(f"{_quote(t)}:{','.join(map(str, p[:256]))}" for t, p in positions.items())


def _phrase(tokens: list[str]) -> str:
    parts = []
    for t in tokens:
        parts.append(_quote(t.rstrip("*")) + (":*" if t.endswith("*") else ""))
    return "(" + " <-> ".join(parts) + ")"


def tsquery_literal(phrases: list[list[str]], mode: str) -> str:
    return (" | " if mode == "any" else " & ").join(_phrase(p) for p in phrases)


class PostgresBackend(SearchBackend):
    name = "postgresql-tsvector"

    def index(self, record_id, texts):
        self.index_many([(record_id, texts)])

    def index_many(self, rows, fresh=False):
        if not rows:
            return
        cols = ", ".join(FTS_COLUMNS)
        values = ", ".join(f"CAST(:{c} AS tsvector)" for c in FTS_COLUMNS)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in FTS_COLUMNS)
        db.session.execute(
            sa.text(f"INSERT INTO record_search (record_id, {cols}) VALUES (:id, {values}) "
                    f"ON CONFLICT (record_id) DO UPDATE SET {updates}"),
            [{"id": r, **{c: tsvector_literal(texts[c]) for c in FTS_COLUMNS}} for r, texts in rows])

    def unindex(self, record_id):
        db.session.execute(sa.text("DELETE FROM record_search WHERE record_id = :id"), {"id": record_id})

    def clear(self):
        db.session.execute(sa.text("DELETE FROM record_search"))

    def match(self, column, phrases, mode):
        assert column in FTS_COLUMNS
        return (sa.text(f"SELECT record_id FROM record_search WHERE {column} @@ CAST(:q AS tsquery)")
                .bindparams(sa.bindparam("q", tsquery_literal(phrases, mode), unique=True))
                .columns(sa.column("record_id")))

    def ranked(self, phrases):
        return (sa.text("SELECT record_id, ts_rank(everything, CAST(:q AS tsquery)) AS rank FROM record_search "
                        "WHERE everything @@ CAST(:q AS tsquery)")
                .bindparams(sa.bindparam("q", tsquery_literal(phrases, "any"), unique=True))
                .columns(sa.column("record_id"), sa.column("rank")))
