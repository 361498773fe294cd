"""The version of the record a proposed edit started from, kept with its review item

Revision ID: a7r8c0de0023
Revises: a7q7c0de0022
Create Date: 2026-11-25 15:00:00

An edit held for review (probation) was applied as it stood when a reviewer accepted it, even if the
record had been changed meanwhile: the later change was silently undone. With the version it
started from, accepting refuses an edit the record has moved past. Items already waiting have none
(NULL) and are accepted as before.
"""
import sqlalchemy as sa
from alembic import op


revision = 'a7r8c0de0023'
down_revision = 'a7q7c0de0022'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("review_items", sa.Column("base_version", sa.Integer(), nullable=True))


def downgrade():
    op.drop_column("review_items", "base_version")  # SQLite drops a column itself since 3.35
