"""One search interface; the engine decides how full text is matched (see sqlite.py, postgres.py).

Everything that is not full text — keys, filters, years, holdings, facets, paging, order — is plain
SQL shared by both engines.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from app.catalog.models import Holding, Record, RecordKey
from app.catalog.tokens import query_terms, tokens
from app.extensions import db
from app.members.models import Library, Region

from .query import TEXT_INDEXES, And, Not, Or, QueryError, Term, text_terms

FACETS = ("database", "material", "year", "library", "region")
SORTS = ("relevance", "date", "title")
# Beyond this many hits no order is computed over all of them: ranking or sorting a hundred
# thousand records for a one-character query costs more than it tells, so such a result is shown
# newest-first (the primary key's order, which the database walks without sorting).
SORT_LIMIT = 10_000
# Facets are counted over the first hits in result order, as Evergreen counts them over its
# "superpage": on a large result the counts describe its best part, and cost a bounded time.
FACET_SAMPLE = 1_000
FTS_COLUMNS = ("title", "author", "subject", "publisher", "everything")
COLUMN_OF = {"keyword": "everything", "title": "title", "author": "author", "subject": "subject",
             "publisher": "publisher"}


@dataclass
class SearchResult:
    total: int
    ids: list[int]
    page: int
    per_page: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    sort: str = "relevance"  # the order actually used: "recent" when the result was too large to sort

    exact: bool = True

    @property
    def more(self) -> bool:
        """Counting stopped: there are more than SORT_LIMIT hits and `total` is SORT_LIMIT + 1."""
        return not self.exact and self.total > SORT_LIMIT
    facets_sampled: bool = False  # the facets count the first FACET_SAMPLE hits only

    @property
    def facets_sample_size(self) -> int:
        return FACET_SAMPLE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class SearchBackend:
    """Subclasses implement the full-text half: storing a record's text and matching phrases."""

    name = "base"

    # --- writing --------------------------------------------------------------------------------
    def index(self, record_id: int, texts: dict[str, str]) -> None:
        raise NotImplementedError

    def index_many(self, rows: list[tuple[int, dict[str, str]]], fresh: bool = False) -> None:
        """Index many records; `fresh` promises none of them is indexed yet."""
        for record_id, texts in rows:
            self.index(record_id, texts)

    def unindex(self, record_id: int) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    # --- full text: engine specific ----------------------------------------------------------------
    def match(self, column: str, phrases: list[list[str]], mode: str):
        """A selectable of record ids whose `column` holds all (mode "all") or any of the phrases."""
        raise NotImplementedError

    def ranked(self, phrases: list[list[str]]):
        """(record_id, rank) for relevance, larger rank = better; None if the engine cannot rank."""
        return None

    # --- compiling the query --------------------------------------------------------------------------
    def condition(self, node):
        if isinstance(node, And):
            return sa.and_(*[self.condition(n) for n in node.items])
        if isinstance(node, Or):
            return sa.or_(*[self.condition(n) for n in node.items])
        if isinstance(node, Not):
            return sa.not_(self.condition(node.item))
        if isinstance(node, Term):
            return self._term(node)
        raise QueryError(f"not a query: {node!r}")

    def _term(self, t: Term):
        if t.index in TEXT_INDEXES:
            column = COLUMN_OF[t.index]
            if t.relation == "==":
                phrases = [[tok for term in query_terms(t.value) for tok in term]]
            else:
                phrases = query_terms(t.value)
            if not phrases or not phrases[0]:
                raise QueryError("empty search term")
            mode = "any" if t.relation == "any" else "all"
            found = Record.id.in_(self.match(column, phrases, mode))
            if t.index == "author":  # see and see-also references of the name widen the search
                from app.catalog.authorities import variants

                extra = [[tok for term in query_terms(v) for tok in term] for v in variants(t.value)]
                extra = [p for p in extra if p]
                if extra:
                    found = sa.or_(found, Record.id.in_(self.match(column, extra, "any")))
            return found
        if t.index in ("isbn", "issn", "clc", "lcc", "ddc", "class"):
            return Record.id.in_(self._keys(t))
        if t.index == "year":
            return _compare(Record.year, _int(t.value, "year"), t.relation)
        if t.index == "id":
            return _compare(Record.id, _int(t.value, "record id"), t.relation)
        if t.index in ("database", "material", "level", "kind", "format"):
            values = t.value.split() if t.relation == "any" else [t.value]
            return getattr(Record, t.index).in_(values)
        if t.index == "library":
            return Record.id.in_(sa.select(Holding.record_id).join(Library).where(Library.code == t.value.upper()))
        if t.index == "region":
            return Record.id.in_(
                sa.select(Holding.record_id).join(Library).join(Region, Region.id == Library.region_id)
                .where(Region.code == t.value.upper()))
        raise QueryError(f"unsupported index {t.index}")

    def _keys(self, t: Term):
        from app.marc.normalise import isbn_key

        kinds = ("clc", "lcc") if t.index == "class" else (t.index,)
        value = t.value.strip()
        q = sa.select(RecordKey.record_id).where(RecordKey.kind.in_(kinds))
        if t.index == "isbn":
            key = isbn_key(value)
            if not key:
                raise QueryError("not a valid ISBN")
            return q.where(RecordKey.value == key)
        if t.index == "issn":
            value = value.upper()
            if len(value) == 8 and "-" not in value:
                value = value[:4] + "-" + value[4:]
            return q.where(RecordKey.value == value)
        value = value.replace(" ", "").upper()
        if value.endswith("*"):  # class numbers are searched by their beginning: TP31*
            stem = value.rstrip("*")
            if not stem:
                raise QueryError("empty class number")
            return q.where(RecordKey.value.like(_escape_like(stem) + "%", escape="\\"))
        return q.where(RecordKey.value == value)

    # --- running it ---------------------------------------------------------------------------------
    def search(self, node, page: int = 1, per_page: int = 20, sort: str = "relevance",
               facets: tuple = FACETS, base_filter=None, exact_count: bool = False) -> SearchResult:
        """`exact_count` counts every hit (SRU's numberOfRecords must be exact); otherwise counting
        stops past SORT_LIMIT, which is what a person paging through results needs."""
        if sort not in SORTS:
            raise QueryError(f"unknown sort order: {sort}")
        if per_page < 1 or per_page > 500 or page < 1:
            raise QueryError("page out of range")
        where = self.condition(node) if node is not None else sa.true()
        if base_filter is not None:
            where = sa.and_(where, base_filter)
        # Counting is capped like the order: past SORT_LIMIT the page says "more than 10,000".
        counted = sa.select(Record.id).where(where)
        if not exact_count:
            counted = counted.limit(SORT_LIMIT + 1)
        total = db.session.scalar(sa.select(sa.func.count()).select_from(counted.subquery()))
        q = sa.select(Record.id).where(where)
        phrases = [p for t in text_terms(node) for p in query_terms(t.value)] if node is not None else []
        used = sort
        if total > SORT_LIMIT:
            used = "recent"
            q = q.order_by(Record.id.desc())
        elif sort == "relevance" and phrases and (ranked := self.ranked(phrases)) is not None:
            rank = ranked.subquery()
            q = q.outerjoin(rank, rank.c.record_id == Record.id).order_by(
                sa.func.coalesce(rank.c.rank, 0).desc(), Record.id.desc())
        elif sort == "title":
            q = q.order_by(Record.title, Record.id)
        else:
            used = "date"
            q = q.order_by(Record.year.desc().nulls_last(), Record.id.desc())
        ids = list(db.session.scalars(q.limit(per_page).offset((page - 1) * per_page)))
        result = SearchResult(total=total, ids=ids, page=page, per_page=per_page, sort=used, exact=exact_count)
        if facets and total:
            if total > FACET_SAMPLE:
                sample = list(db.session.scalars(q.limit(FACET_SAMPLE)))
                result.facets = self.facets(Record.id.in_(sample), facets)
                result.facets_sampled = True
            else:
                result.facets = self.facets(where, facets)
        return result

    def facets(self, where, wanted, limit: int = 15) -> dict:
        out = {}
        matched = sa.select(Record.id).where(where).scalar_subquery()
        for name in wanted:
            if name in ("database", "material", "year"):
                col = getattr(Record, name)
                q = (sa.select(col, sa.func.count()).where(where, col.is_not(None)).group_by(col)
                     .order_by(sa.func.count().desc(), col.desc()).limit(limit))
            elif name == "library":
                q = (sa.select(Library.code, sa.func.count(sa.distinct(Holding.record_id)))
                     .join(Holding, Holding.library_id == Library.id).where(Holding.record_id.in_(matched))
                     .group_by(Library.code).order_by(sa.func.count(sa.distinct(Holding.record_id)).desc())
                     .limit(limit))
            elif name == "region":
                q = (sa.select(Region.code, sa.func.count(sa.distinct(Holding.record_id)))
                     .join(Library, Library.region_id == Region.id).join(Holding, Holding.library_id == Library.id)
                     .where(Holding.record_id.in_(matched)).group_by(Region.code)
                     .order_by(sa.func.count(sa.distinct(Holding.record_id)).desc()).limit(limit))
            else:
                raise QueryError(f"unknown facet {name}")
            out[name] = [(str(v), n) for v, n in db.session.execute(q)]
        return out


def _int(value: str, what: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise QueryError(f"{what} must be a number") from None


def _compare(col, value, relation):
    return {"=": col == value, "==": col == value, "any": col == value, "all": col == value,
            "<": col < value, ">": col > value, "<=": col <= value, ">=": col >= value}[relation]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def texts_for(extract) -> dict[str, str]:
    """The text each full-text column holds for a record, already tokenized."""
    from app.catalog.tokens import index_text

    return {
        "title": index_text(extract.title),
        "author": index_text(" ".join([extract.author, *extract.names])),
        "subject": index_text(" ".join(extract.subjects)),
        "publisher": index_text(extract.publisher),
        "everything": index_text(extract.everything),
    }


__all__ = ["SearchBackend", "SearchResult", "texts_for", "tokens"]
