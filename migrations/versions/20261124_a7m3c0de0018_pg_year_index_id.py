"""PostgreSQL: the year-range index carries the record id

Revision ID: a7m3c0de0018
Revises: a7l2c0de0017
Create Date: 2026-11-24 19:30:00

ix_records_year_search (status, year, kind, database, material) was meant to answer a search by
years alone from the index (a7k1c0de0016). On SQLite it does, as every index entry ends with the
row's id; a PostgreSQL index entry points at the row instead, so the search read each hit's table
row for its id: 10,001 rows of 1980–1984, on as many pages (the MARC is in the row). With the id
included the scan is index-only. SQLite's index is left as it is.
"""
from alembic import op


revision = 'a7m3c0de0018'
down_revision = 'a7l2c0de0017'
branch_labels = None
depends_on = None

COLUMNS = ["status", "year", "kind", "database", "material"]


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_records_year_search", table_name="records")
    op.create_index("ix_records_year_search", "records", COLUMNS, postgresql_include=["id"])


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_records_year_search", table_name="records")
    op.create_index("ix_records_year_search", "records", COLUMNS)
