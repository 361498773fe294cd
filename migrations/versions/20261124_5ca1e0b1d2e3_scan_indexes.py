"""scan indexes: SRU scan walks titles, creators and publishers in order

Expression indexes matching the scan query exactly (app/catalog/sru/scan.py), so that a scan reads a
few index entries instead of the whole records table.

Revision ID: 5ca1e0b1d2e3
Revises: 48036081b6cb
Create Date: 2026-11-24 00:30:00
"""
from alembic import op

revision = "5ca1e0b1d2e3"
down_revision = "48036081b6cb"
branch_labels = None
depends_on = None

COLUMNS = ("title", "author", "publisher")


def upgrade():
    for col in COLUMNS:
        op.execute(f"CREATE INDEX ix_records_scan_{col} ON records (status, kind, lower(substr({col}, 1, 200)))")


def downgrade():
    for col in COLUMNS:
        op.execute(f"DROP INDEX ix_records_scan_{col}")
