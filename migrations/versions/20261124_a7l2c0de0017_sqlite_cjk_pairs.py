"""SQLite full text: after each column's tokens, its pairs of adjacent CJK characters as tokens

Revision ID: a7l2c0de0017
Revises: a7k1c0de0016
Create Date: 2026-11-24 17:30:00

The search now looks a two-character Chinese query up as one token (app/catalog/search/sqlite.py),
as PostgreSQL has done since a7c3c0de0008, so every stored text gains its pairs. They are made from
the stored text itself (its single tokens), not from the MARC, and the rule is written out here, as
migrations must not change when the application does. The FTS5 table is filled again from itself
(100 s for a million records, measured); `flask --app wsgi catalog reindex` gives the same texts.
The rebuild goes through SQLite's log: about 2 GB at a million records, on disk until a checkpoint
cuts it (`sqlite3 instance/portal.db 'PRAGMA wal_checkpoint(TRUNCATE)'`). PostgreSQL is unchanged.
"""
import re

from alembic import op


revision = 'a7l2c0de0017'
down_revision = 'a7k1c0de0016'
branch_labels = None
depends_on = None

TEXT = ("title", "author", "subject", "publisher", "everything")
COLUMNS = TEXT + ("holdings",)
TOKENIZE = "tokenize = 'unicode61 remove_diacritics 0'"
_CJK = re.compile(r"[\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
                  r"\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff]")


def _single(token):
    return len(token) == 1 and bool(_CJK.fullmatch(token))


def _is_pair(token):
    return len(token) == 2 and _single(token[0]) and _single(token[1])


def with_pairs(text):
    toks = [t for t in (text or "").split() if not _is_pair(t)]
    pairs = [a + b for a, b in zip(toks, toks[1:]) if _single(a) and _single(b)]
    return " ".join(toks + pairs)


def without_pairs(text):
    return " ".join(t for t in (text or "").split() if not _is_pair(t))


def _rebuild(function):
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    bind.connection.driver_connection.create_function("bianmu_pairs", 1, function, deterministic=True)
    op.execute(f"CREATE VIRTUAL TABLE record_fts_new USING fts5({', '.join(COLUMNS)}, {TOKENIZE})")
    op.execute(f"INSERT INTO record_fts_new (rowid, {', '.join(COLUMNS)}) "
               f"SELECT rowid, {', '.join(f'bianmu_pairs({c})' for c in TEXT)}, holdings FROM record_fts")
    op.execute("DROP TABLE record_fts")
    op.execute("ALTER TABLE record_fts_new RENAME TO record_fts")


def upgrade():
    _rebuild(with_pairs)


def downgrade():
    _rebuild(without_pairs)
