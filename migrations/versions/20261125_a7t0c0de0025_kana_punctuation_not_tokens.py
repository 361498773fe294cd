"""Full text: the two punctuation marks among the kana (゠, ・) are no longer tokens

Revision ID: a7t0c0de0025
Revises: a7s9c0de0024
Create Date: 2026-11-25 16:00:00

SQLite's tokenizer splits at punctuation, so ・ was a token on PostgreSQL only and トム・ソーヤー a
phrase of seven characters there and of six on SQLite. app/catalog/tokens.py now leaves them out on
both. The records whose MARC holds either mark get their texts again here, by the catalogue's own
extraction and tokenizer (the texts must be exactly those the application writes, as in
a7d4c0de0009); their holdings text is kept. A downgrade keeps the texts as they are now
(`flask --app wsgi catalog reindex` after it would give the older form).
"""
import sqlalchemy as sa
from alembic import op


revision = 'a7t0c0de0025'
down_revision = 'a7s9c0de0024'
branch_labels = None
depends_on = None

BATCH = 500
TEXT = ("title", "author", "subject", "publisher", "everything")


def upgrade():
    from app.catalog.extract import extract
    from app.catalog.indexing import from_json
    from app.catalog.search.backend import texts_for

    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    if postgresql:
        from app.catalog.search.postgres import PostgresBackend as engine
        write = sa.text("UPDATE record_search SET " + ", ".join(f"{c} = CAST(:{c} AS tsvector)" for c in TEXT)
                        + " WHERE record_id = :id")
    else:
        from app.catalog.search.sqlite import SQLiteBackend as engine
    last = 0
    while True:
        rows = bind.execute(sa.text("SELECT id, marc FROM records WHERE id > :last AND (marc LIKE :a OR marc LIKE :b) "
                                    "ORDER BY id LIMIT :n"),
                            {"last": last, "a": "%\u30fb%", "b": "%\u30a0%", "n": BATCH}).all()
        if not rows:
            break
        last = rows[-1][0]
        values = []
        for rid, marc in rows:
            try:
                texts = engine.stored_texts(texts_for(extract(from_json(marc))))  # as services.create writes
            except Exception:  # noqa: BLE001 - a record the extraction cannot read keeps its texts
                continue
            values.append({"id": rid, **{c: texts[c] for c in TEXT}})
        if not values:
            continue
        if postgresql:
            bind.execute(write, values)
            continue
        have = dict(bind.execute(sa.text("SELECT rowid, holdings FROM record_fts WHERE rowid IN "
                                         "(SELECT value FROM json_each(:ids))"),
                                 {"ids": "[" + ",".join(str(v["id"]) for v in values) + "]"}).all())
        values = [{**v, "holdings": have[v["id"]]} for v in values if v["id"] in have]
        if values:
            bind.execute(sa.text("DELETE FROM record_fts WHERE rowid = :id"), values)
            bind.execute(sa.text("INSERT INTO record_fts (rowid, " + ", ".join((*TEXT, "holdings")) + ") VALUES (:id, "
                                 + ", ".join(f":{c}" for c in (*TEXT, "holdings")) + ")"), values)


def downgrade():
    pass
