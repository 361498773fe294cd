"""Indexes a large load builds once at its end: what it dropped, to build it again after a crash

Revision ID: a7p6c0de0021
Revises: a7o5c0de0020
Create Date: 2026-11-25 02:00:00

A load at least the catalogue's size drops the indexes whose keys arrive in random order and builds
them from the finished tables (catalog.load_indexes). Each dropped index's definition is kept here,
in the transaction that drops it, so that a load killed half-way leaves a note of what is missing.
"""
import sqlalchemy as sa
from alembic import op


revision = 'a7p6c0de0021'
down_revision = 'a7o5c0de0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "deferred_indexes",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("deferred_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_deferred_indexes")),
    )


def downgrade():
    # The indexes a dead load left dropped are built first: after the downgrade nothing would know them.
    conn = op.get_bind()
    for (definition,) in conn.execute(sa.text("SELECT definition FROM deferred_indexes")).all():
        op.execute(definition)
    op.drop_table("deferred_indexes")
