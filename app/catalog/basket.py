"""The reader's basket: record ids kept in the (signed cookie) session, for anyone, signed in or not.

The session cookie has to stay under the browsers' 4 KB limit: 500 ids of seven digits are about
4,000 characters of JSON, which Flask's session serializer compresses to well under 3 KB.
"""
from __future__ import annotations

from flask import session

KEY = "basket"
MAX_ITEMS = 500


def ids() -> list[int]:
    raw = session.get(KEY) or []
    out = []
    for value in raw:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out


def count() -> int:
    return len(session.get(KEY) or [])


def contains(record_id: int) -> bool:
    return int(record_id) in ids()


def add(record_ids) -> tuple[int, int]:
    """Add ids in order; returns (added, refused because the basket is full)."""
    current = ids()
    seen = set(current)
    added = refused = 0
    for rid in record_ids:
        rid = int(rid)
        if rid in seen:
            continue
        if len(current) >= MAX_ITEMS:
            refused += 1
            continue
        current.append(rid)
        seen.add(rid)
        added += 1
    _store(current)
    return added, refused


def remove(record_ids) -> int:
    gone = {int(r) for r in record_ids}
    current = ids()
    kept = [r for r in current if r not in gone]
    _store(kept)
    return len(current) - len(kept)


def keep_only(record_ids) -> None:
    """Forget ids that are no longer in the public catalogue (merged, deleted, under review)."""
    wanted = set(record_ids)
    current = ids()
    if any(r not in wanted for r in current):
        _store([r for r in current if r in wanted])


def clear() -> None:
    session.pop(KEY, None)


def _store(values: list[int]) -> None:
    if values:
        session[KEY] = values
    else:
        session.pop(KEY, None)
