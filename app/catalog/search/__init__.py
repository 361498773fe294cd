"""Search: one interface (`backend().search(query)`), an engine-specific full-text backend."""
from app.extensions import db

from .backend import FACETS, SORTS, SearchBackend, SearchResult, texts_for  # noqa: F401
from .query import INDEXES, And, Not, Or, QueryError, Term, all_of  # noqa: F401


def backend() -> SearchBackend:
    if db.engine.dialect.name == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    from .sqlite import SQLiteBackend

    return SQLiteBackend()
