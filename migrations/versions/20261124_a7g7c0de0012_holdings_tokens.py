"""full text: a holdings column, one token per holding library of the record

Revision ID: a7g7c0de0012
Revises: a7f6c0de0011
Create Date: 2026-11-24 05:45:00

A search by holding library or region becomes a full-text term ("l18"), intersected with the words
inside the index (app/catalog/search/compile.py). The tokens are written here from the holdings;
afterwards the application keeps them in step (SearchBackend.index_holdings). SQLite's FTS5 table
cannot gain a column, so it is built again with the same text (a few minutes per million records).
"""
from alembic import op


revision = 'a7g7c0de0012'
down_revision = 'a7f6c0de0011'
branch_labels = None
depends_on = None

TEXT = ("title", "author", "subject", "publisher", "everything")
TOKENIZE = "tokenize = 'unicode61 remove_diacritics 0'"


def _sqlite_rebuild(columns, holdings):
    op.execute(f"CREATE VIRTUAL TABLE record_fts_new USING fts5({', '.join(columns)}, {TOKENIZE})")
    if holdings:
        op.execute(f"INSERT INTO record_fts_new (rowid, {', '.join(columns)}) "
                   f"SELECT f.rowid, {', '.join('f.' + c for c in TEXT)}, coalesce(h.tokens, '') FROM record_fts f "
                   "LEFT JOIN (SELECT record_id, group_concat('l' || library_id, ' ') AS tokens FROM holdings "
                   "GROUP BY record_id) h ON h.record_id = f.rowid")
    else:
        op.execute(f"INSERT INTO record_fts_new (rowid, {', '.join(columns)}) "
                   f"SELECT rowid, {', '.join(columns)} FROM record_fts")
    op.execute("DROP TABLE record_fts")
    op.execute("ALTER TABLE record_fts_new RENAME TO record_fts")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE record_search ADD COLUMN holdings tsvector NOT NULL DEFAULT ''")
        op.execute("UPDATE record_search s SET holdings = h.tokens FROM (SELECT record_id, "
                   "CAST(string_agg(DISTINCT 'l' || library_id, ' ') AS tsvector) AS tokens FROM holdings "
                   "GROUP BY record_id) h WHERE h.record_id = s.record_id")
        op.execute("CREATE INDEX ix_record_search_holdings ON record_search USING gin (holdings)")
    else:
        _sqlite_rebuild(TEXT + ("holdings",), holdings=True)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE record_search DROP COLUMN holdings")
    else:
        _sqlite_rebuild(TEXT, holdings=False)
