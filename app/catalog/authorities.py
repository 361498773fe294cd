"""Authority control: headings of authority records, links from bibliographic headings, the
heading browse, and widening a name search with see (4XX) and see-also (5XX) references.

Headings are compared by their NACO normalisation (without its first comma), so "Smith, John,"
and "smith john" are one.
"""
from __future__ import annotations

import functools

import sqlalchemy as sa

from app.extensions import db
from app.marc.normalise import naco

from .bulk import among
from .workflow_models import AuthorityLink, Heading

MAX_KEY = 300


def key(text: str) -> str:
    # NACO keeps the first comma of $a; people typing a name do not, so neither do we.
    return naco(text or "", keep_first_comma=False)[:MAX_KEY]


@functools.cache
def _headings(dialect: str):
    """Made once (bulk.among); a bulk load looks up some 1,500 names a batch."""
    return sa.select(Heading.sort_key, Heading.authority_id).where(
        among(Heading.sort_key, "keys", dialect), Heading.kind == "heading")


def index_batch(entries, fresh: bool = False) -> None:
    """Refresh headings (authority records) and heading links (bibliographic records) of a batch
    of indexing.IndexEntry."""
    auth = [e for e in entries if e.kind == "authority"]
    bibs = [e for e in entries if e.kind == "bibliographic"]
    if auth:
        if not fresh:
            db.session.execute(sa.delete(Heading).where(Heading.authority_id.in_([e.record_id for e in auth])))
        rows = [{"authority_id": e.record_id, "sort_key": k, "text": text[:500], "kind": kind}
                for e in auth if e.status == "active" for kind, text, k in e.headings]
        if rows:
            db.session.execute(sa.insert(Heading), rows)
    if bibs:
        if not fresh:
            db.session.execute(sa.delete(AuthorityLink).where(AuthorityLink.record_id.in_([e.record_id for e in bibs])))
        wanted = {k for e in bibs for _, k in e.names}
        if not wanted:
            return
        found: dict[str, int] = {}
        for chunk in _chunks(sorted(wanted), 500):
            for sort_key, authority_id in db.session.execute(_headings(db.engine.dialect.name), {"keys": chunk}):
                found.setdefault(sort_key, authority_id)
        links = []
        for e in bibs:
            for name, k in e.names:
                authority_id = found.get(k)
                if authority_id:
                    links.append({"record_id": e.record_id, "authority_id": authority_id, "tag": "1XX",
                                  "heading": name[:500]})
        if links:
            db.session.execute(sa.insert(AuthorityLink), links)


def _chunks(items, n):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def variants(text: str, limit: int = 20) -> list[str]:
    """Every form of the names that `text` is a form of: heading, see and see-also references."""
    k = key(text)
    if not k:
        return []
    ids = db.session.scalars(sa.select(Heading.authority_id).where(Heading.sort_key == k).limit(limit)).all()
    if not ids:
        return []
    texts = db.session.scalars(sa.select(Heading.text).where(Heading.authority_id.in_(ids)).limit(limit * 10)).all()
    return [t for t in dict.fromkeys(texts) if key(t) != k]


def lookup(text: str, limit: int = 30) -> list[dict]:
    """Headings beginning with `text` (any form), each with its authorized heading."""
    k = key(text)
    if not k:
        return []
    like = k.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    hits = db.session.execute(sa.select(Heading).where(Heading.sort_key.like(like, escape="\\"))
                              .order_by(Heading.sort_key).limit(limit)).scalars().all()
    authorized = {h.authority_id: h.text for h in db.session.scalars(
        sa.select(Heading).where(Heading.authority_id.in_({h.authority_id for h in hits}), Heading.kind == "heading"))}
    return [{"text": h.text, "kind": h.kind, "authority_id": h.authority_id,
             "authorized": authorized.get(h.authority_id, h.text)} for h in hits]


def browse(start: str = "", limit: int = 50) -> list[dict]:
    """The heading browse: headings in NACO order from `start`, references shown as such."""
    q = sa.select(Heading).order_by(Heading.sort_key, Heading.id).limit(limit)
    if start:
        q = q.where(Heading.sort_key >= key(start))
    hits = db.session.scalars(q).all()
    ids = {h.authority_id for h in hits}
    authorized = {h.authority_id: h.text for h in db.session.scalars(
        sa.select(Heading).where(Heading.authority_id.in_(ids), Heading.kind == "heading"))}
    counts = dict(db.session.execute(sa.select(AuthorityLink.authority_id, sa.func.count())
                                     .where(AuthorityLink.authority_id.in_(ids)).group_by(AuthorityLink.authority_id)).all())
    return [{"text": h.text, "kind": h.kind, "authority_id": h.authority_id,
             "authorized": authorized.get(h.authority_id, h.text), "records": counts.get(h.authority_id, 0)}
            for h in hits]
