"""search indexes: a narrow copy of the columns every search filters on

`ix_records_search (id, status, kind, year, database, material)`: the OPAC's filter (active
bibliographic records), the year, database and material filters and facets, and the year a result is
sorted by, all read for a record id without reading the record's row (about 2.4 KB: the MARC is in
it). SQLite reads it instead of the table for `id IN (…)` and walks it backwards for "newest first";
PostgreSQL answers from it with index-only scans (see app/catalog/search/backend.py).

Revision ID: b6f2d1e30002
Revises: 5ca1e0b1d2e3
Create Date: 2026-11-24 01:52:00
"""
from alembic import op

revision = "b6f2d1e30002"
down_revision = "5ca1e0b1d2e3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_records_search", "records", ["id", "status", "kind", "year", "database", "material"])


def downgrade():
    op.drop_index("ix_records_search", table_name="records")
