"""Indexes the statistics need on other features' tables, declared here so that they are the
statistics' own (and its migration's): months are read from the last year or two only.

- downloads by month: a range on `downloads.at`;
- uploads by month: a range on `records.created_at` among uploaded records only (partial index:
  bulk-loaded records, which have no library, are the bulk of the table and never read here).
"""
from sqlalchemy import Index

from app.catalog.models import Record
from app.catalog.workflow_models import Download

ix_downloads_at = Index("ix_downloads_at", Download.at)
ix_records_uploaded = Index("ix_records_uploaded", Record.created_at,
                            postgresql_where=Record.library_id.is_not(None),
                            sqlite_where=Record.library_id.is_not(None))
