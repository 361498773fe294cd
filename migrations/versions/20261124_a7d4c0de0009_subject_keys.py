"""subject headings as record keys, so that SRU can scan dc.subject

Revision ID: a7d4c0de0009
Revises: a7c3c0de0008
Create Date: 2026-11-24 05:10:00

Records loaded before this revision get their subject keys here, extracted from their stored MARC
by the catalogue's own extraction (the keys must be exactly those the application writes; a copy of
the extraction rules frozen in this file would drift from them). About a minute per 100,000
records; `flask --app wsgi catalog reindex` does the same and more.
"""
from alembic import op
import sqlalchemy as sa


revision = 'a7d4c0de0009'
down_revision = 'a7c3c0de0008'
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade():
    from app.catalog.extract import extract
    from app.catalog.indexing import from_json, subject_key

    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(sa.text("SELECT id, marc FROM records WHERE id > :last ORDER BY id LIMIT :n"),
                            {"last": last, "n": BATCH}).all()
        if not rows:
            break
        keys = []
        for rid, marc in rows:
            try:
                subjects = extract(from_json(marc)).subjects
            except Exception:  # noqa: BLE001 - a record the extraction cannot read keeps no subject keys
                continue
            keys += [{"record_id": rid, "kind": "subject", "value": k}
                     for k in dict.fromkeys(map(subject_key, subjects)) if k]
        if keys:
            bind.execute(sa.text("INSERT INTO record_keys (record_id, kind, value) VALUES (:record_id, :kind, :value)"),
                         keys)
        last = rows[-1][0]


def downgrade():
    op.execute("DELETE FROM record_keys WHERE kind = 'subject'")
