"""search indexes: indexes used by the catalogue search backends

Placeholder created first so that later migrations can chain on this revision; filled in below.

Revision ID: b6f2d1e30002
Revises: 5ca1e0b1d2e3
Create Date: 2026-11-24 01:52:00
"""
from alembic import op  # noqa: F401

revision = "b6f2d1e30002"
down_revision = "5ca1e0b1d2e3"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
