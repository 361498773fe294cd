"""records.language: the item's language, for the OPAC's language facet and filter

Revision ID: a7s9c0de0024
Revises: a7r8c0de0023
Create Date: 2026-11-25 15:30:00

The language database (Chinese, Western, …) groups languages; the facet is the language itself
(English, German, French within the Western database). Bibliographic records already loaded get
theirs here, from their stored MARC by the catalogue's own extraction (as a7d4c0de0009 does for the
subject keys: the values must be exactly those the application writes). About half a minute per
100,000 records; `flask --app wsgi catalog reindex` does the same and more.
"""
from alembic import op
import sqlalchemy as sa


revision = 'a7s9c0de0024'
down_revision = 'a7r8c0de0023'
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade():
    # Not in batch mode: on SQLite a batch rebuilds the table from what SQLAlchemy reflects of it,
    # which leaves out the expression indexes of SRU scan (ix_records_scan_*). SQLite has added and
    # dropped columns itself since 3.35.
    op.add_column("records", sa.Column("language", sa.String(length=3), nullable=True))

    from app.catalog.extract import extract
    from app.catalog.indexing import from_json

    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(sa.text("SELECT id, marc FROM records WHERE kind = 'bibliographic' AND id > :last "
                                    "ORDER BY id LIMIT :n"), {"last": last, "n": BATCH}).all()
        if not rows:
            break
        values = []
        for rid, marc in rows:
            try:
                language = extract(from_json(marc)).language
            except Exception:  # noqa: BLE001 - a record the extraction cannot read keeps no language
                continue
            if language:
                values.append({"id": rid, "language": language})
        if values:
            bind.execute(sa.text("UPDATE records SET language = :language WHERE id = :id"), values)
        last = rows[-1][0]
    op.create_index("ix_records_id_language", "records", ["id", "language"])


def downgrade():
    op.drop_index("ix_records_id_language", table_name="records")
    op.drop_column("records", "language")
