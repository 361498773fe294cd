"""Alembic hooks: tables that exist on purpose without a model (the engine's full-text index)."""

UNMODELLED_PREFIXES = ("record_fts", "record_search", "ix_records_scan_")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    if reflected and compare_to is None and name and name.startswith(UNMODELLED_PREFIXES):
        return False
    return True
