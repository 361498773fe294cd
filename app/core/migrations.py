"""Alembic hooks: tables and columns that exist on purpose without a model (the engine's full-text
index; PostgreSQL's copies of a record's columns beside its keys, written by the importer and by
triggers, read only by the search's own SQL: migration a7n4c0de0019)."""

UNMODELLED_PREFIXES = ("record_fts", "record_search", "ix_records_scan_")
UNMODELLED_COLUMNS = {"record_keys": ("record_status", "record_kind", "record_year", "record_database",
                                      "record_material")}


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    if reflected and compare_to is None and name and name.startswith(UNMODELLED_PREFIXES):
        return False
    if reflected and compare_to is None and type_ == "column" and \
            name in UNMODELLED_COLUMNS.get(getattr(obj.table, "name", None), ()):
        return False
    return True
