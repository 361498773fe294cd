"""Suspected duplicates: the quality-control group decides; we only need to find the candidates.

A candidate shares a normalised ISBN with the new record, or — failing that — its title, author,
edition, publisher and year are close enough (rapidfuzz on normalised text). The same book in
another edition, or from another publisher, is not a duplicate.
"""
from __future__ import annotations

import sqlalchemy as sa
from rapidfuzz import fuzz

from app.extensions import db
from app.marc.normalise import loose_key

from .extract import Extract, extract
from .indexing import from_json
from .models import Record, RecordKey
from .search import Term, backend
from .search.query import QueryError

THRESHOLD = 85.0


def _similar(a: str, b: str) -> float:
    a, b = loose_key(a or ""), loose_key(b or "")
    if not a and not b:
        return 100.0
    return fuzz.token_sort_ratio(a, b) if a.isascii() and b.isascii() else fuzz.ratio(a, b)


def score(ex: Extract, row: Record, other_edition: str = "") -> tuple[float, list[str]]:
    why = []
    title = _similar(ex.title, row.title)
    author = _similar(ex.author, row.author)
    publisher = _similar(ex.publisher, row.publisher)
    same_year = ex.year is None or row.year is None or ex.year == row.year
    total = 0.45 * title + 0.25 * author + 0.2 * publisher + (10.0 if same_year else 0.0)
    if title >= 90:
        why.append("title")
    if author >= 90:
        why.append("author")
    if publisher >= 90:
        why.append("publisher")
    if same_year:
        why.append("year")
    if ex.edition and other_edition and _similar(ex.edition, other_edition) < 80:
        total -= 30  # another edition is another record
    return round(total, 1), why


def candidates(ex: Extract, exclude_id: int | None = None, limit: int = 5) -> list[dict]:
    kind = ex.classification.kind
    found: dict[int, dict] = {}
    isbns = [v for k, v in ex.keys if k == "isbn"]
    if isbns:
        ids = db.session.scalars(sa.select(RecordKey.record_id).where(RecordKey.kind == "isbn", RecordKey.value.in_(isbns)))
        for row in db.session.scalars(sa.select(Record).where(Record.id.in_(ids.all()), Record.status.in_(("active", "review")))):
            found[row.id] = {"id": row.id, "score": 100.0, "why": ["isbn"]}
    if ex.title:
        try:
            result = backend().search(Term("title", ex.title[:200], "all"), per_page=20, facets=(),
                                      base_filter=sa.and_(Record.status.in_(("active", "review")), Record.kind == kind))
        except QueryError:
            result = None
        rows = db.session.scalars(sa.select(Record).where(Record.id.in_(result.ids))).all() if result else []
        for row in rows:
            if row.id in found:
                continue
            # the edition is in no column: read from the record (a page of title matches at most)
            s, why = score(ex, row, extract(from_json(row.marc)).edition)
            if s >= THRESHOLD:
                found[row.id] = {"id": row.id, "score": s, "why": why}
    found.pop(exclude_id, None)
    return sorted(found.values(), key=lambda c: -c["score"])[:limit]
