"""A record's current version may leave its MARC to the record: a bulk load writes it once

Revision ID: a7o5c0de0020
Revises: a7n4c0de0019
Create Date: 2026-11-25 00:00:00

A loaded record's version 1 held a second copy of its MARC: a third of the catalogue's size at a
million records (record_versions 2.08 of 6.06 GB on SQLite) and, at that size, about 8 % of a
load's time (docs/benchmarks.md). The importer now writes that version without it (NULL): while a
version is the record's current one its MARC is the record's own, and whatever makes a new version
first writes the old MARC into the current one (catalog.services.replace). Versions written before
keep their copies; both kinds read the same (catalog.services.version_marc).

SQLite cannot drop a NOT NULL in place: the table is copied (minutes at a million records).
"""
import warnings

import sqlalchemy as sa
from alembic import op


revision = 'a7o5c0de0020'
down_revision = 'a7n4c0de0019'
branch_labels = None
depends_on = None


def upgrade():
    with warnings.catch_warnings():  # reflecting the records table it refers to; its expression indexes stay
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table("record_versions") as batch_op:
            batch_op.alter_column("marc", existing_type=sa.Text(), nullable=True)


def downgrade():
    op.execute("UPDATE record_versions SET marc = (SELECT marc FROM records WHERE records.id = "
               "record_versions.record_id) WHERE marc IS NULL")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table("record_versions") as batch_op:
            batch_op.alter_column("marc", existing_type=sa.Text(), nullable=False)
