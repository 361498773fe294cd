"""A query (query.py) to one SQL condition on `records`, shaped so that both planners start from the
selective part and never test a large list row by row:

- the full-text terms of an AND / OR / NOT group are one statement over the engine's full-text table
  (`title @@ q1 AND NOT everything @@ q2`; one FTS5 MATCH), not one sub-query per term;
- OR of terms answered by sub-queries is `id IN (a UNION ALL b)`, not `id IN (a) OR id IN (b)`
  (PostgreSQL turns the latter into a scan of every record with two hashed lists);
- a holding library or region is a full-text term: each record's full-text row holds a token per
  holding library (`l18`, kept in step with its holdings), so that "中国 held in region BR03" is one
  intersection of posting lists inside the index, where two long id lists (the word's, the region's
  holdings) had to be intersected row by row;
- a class number's beginning (`TP31*`) is a range of the key index (`>= 'TP31' AND < 'TP32'`), which
  LIKE cannot use (SQLite's LIKE ignores case; a PostgreSQL collation other than "C" cannot).
"""
from __future__ import annotations

import sqlalchemy as sa

from app.catalog.models import Record, RecordKey
from app.catalog.tokens import query_terms
from app.core.converters import MAX_ID
from app.extensions import db
from app.members.models import Library, Region

from .query import KEY_INDEXES, TEXT_INDEXES, And, Match, Not, Or, QueryError, Term, flatten, positive

HOLDINGS_COLUMN = "holdings"
NO_HOLDING = "l0"  # no library has id 0


def holding_token(library_id: int) -> str:
    return f"l{library_id}"


COLUMN_OF = {"keyword": "everything", "title": "title", "author": "author", "subject": "subject",
             "publisher": "publisher"}


class Compiler:
    """Mixed into SearchBackend: `text_ids(tree)` is the engine's."""

    def condition(self, node):
        """A SQL condition on `records` for a query (also used by export and the centre facets)."""
        return self.compile(self.lower(node))

    # --- lowering: full-text terms become Match trees -----------------------------------------------------
    def lower(self, node):
        return flatten(self._lower(node))

    def _lower(self, node):
        if isinstance(node, (And, Or)):
            return type(node)(tuple(self._lower(n) for n in node.items))
        if isinstance(node, Not):
            return Not(self._lower(node.item))
        if isinstance(node, Term):
            if node.index in ("library", "region"):
                return self._holding_match(node)
            return self._match(node) if node.index in TEXT_INDEXES else node
        raise QueryError(f"not a query: {node!r}")

    def _match(self, t: Term):
        column = COLUMN_OF[t.index]
        if t.relation == "==":
            phrases = [[tok for term in query_terms(t.value) for tok in term]]
        else:
            phrases = query_terms(t.value)
        if not phrases or not phrases[0]:
            raise QueryError("empty search term")
        found = Match(column, tuple(map(tuple, phrases)), "any" if t.relation == "any" else "all")
        if t.index == "author":  # see and see-also references of the name widen the search
            from app.catalog.authorities import variants

            extra = [tuple(tok for term in query_terms(v) for tok in term) for v in variants(t.value)]
            extra = tuple(p for p in extra if p)
            if extra:
                return Or((found, Match(column, extra, "any")))
        return found

    # --- compiling ---------------------------------------------------------------------------------------
    def compile(self, node):
        ids = self._id_select(node)
        if ids is not None:
            return Record.id.in_(ids)
        if isinstance(node, And):
            return sa.and_(*self._and_parts(node))
        if isinstance(node, Or):
            return sa.or_(*[self.compile(n) for n in node.items])
        if isinstance(node, Not):
            return sa.not_(self.compile(node.item))
        if isinstance(node, Match):  # only reached for a tree that is not positive on its own
            return Record.id.in_(self.text_ids(node))
        return self._filter(node)

    def _and_parts(self, node: And) -> list:
        text, rest = self.split(node)
        return ([Record.id.in_(self.text_ids(text))] if text is not None else []) + rest

    def split(self, node):
        """(the full-text group a search can start from, or None; the other conditions). An AND's
        full-text members and the NOTs of full text are one group, answered in one statement."""
        if _is_text(node) and positive(node):
            return node, []
        if not isinstance(node, And):
            return None, [self.compile(node)]
        plain = [i for i in node.items if _is_text(i) and not isinstance(i, Not) and positive(i)]
        negated = [i for i in node.items if isinstance(i, Not) and _is_text(i.item) and positive(i.item)]
        if not plain:
            return None, [self.compile(i) for i in node.items]
        grouped = {id(i) for i in plain + negated}
        group = plain + negated
        return (group[0] if len(group) == 1 else And(tuple(group)),
                [self.compile(i) for i in node.items if id(i) not in grouped])

    def _id_select(self, node):
        """A selectable of record ids equal to the node, when one exists that starts from an index."""
        if _is_text(node):
            return self.text_ids(node) if positive(node) else None
        if isinstance(node, Term):
            if node.index in KEY_INDEXES:
                return self._keys(node)
            return None
        if isinstance(node, Or):
            text = [i for i in node.items if _is_text(i)]
            parts = []
            if text:
                tree = text[0] if len(text) == 1 else Or(tuple(text))
                if not positive(tree):
                    return None
                parts.append(self.text_ids(tree))
            for item in (i for i in node.items if not _is_text(i)):
                sub = self._id_select(item)
                if sub is None and isinstance(item, And) and any(self._anchor(i) for i in item.items):
                    sub = sa.select(Record.id).where(self.compile(item))
                if sub is None:
                    return None
                parts.append(sub)
            if len(parts) == 1:
                return parts[0]
            return sa.union_all(*parts[1:], parts[0]) if text else sa.union_all(*parts)  # SQLAlchemy: text last
        return None

    def anchored_besides_text(self, node) -> bool:
        """An AND with a key term (or an anchored OR) beside its full text."""
        if not isinstance(node, And):
            return False
        return any(not _is_text(i) and self._id_select(i) is not None for i in node.items)

    def _anchor(self, node) -> bool:
        if _is_text(node):
            return positive(node)
        return isinstance(node, Term) and node.index in KEY_INDEXES

    def _filter(self, t: Term):
        if t.index == "year":
            return _compare(Record.year, _int(t.value, "year"), t.relation)
        if t.index == "id":
            return _compare(Record.id, _int(t.value, "record id"), t.relation)
        if t.index in ("database", "language", "material", "level", "kind", "format"):
            values = t.value.split() if t.relation == "any" else [t.value]
            return getattr(Record, t.index).in_(values)
        raise QueryError(f"unsupported index {t.index}")

    def _holding_match(self, t: Term):
        """Any of the library's (or the region's libraries') holding tokens; a code nobody has
        matches nothing. Looked up for every search: a library joins a region at any time."""
        code = t.value.strip().upper()
        if t.index == "library":
            libraries = list(db.session.scalars(sa.select(Library.id).where(Library.code == code)))
        else:
            libraries = list(db.session.scalars(
                sa.select(Library.id).join(Region, Region.id == Library.region_id).where(Region.code == code)))
        return Match(HOLDINGS_COLUMN, tuple((holding_token(i),) for i in sorted(libraries)) or ((NO_HOLDING,),), "any")

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
            if self.codepoint_order():
                return q.where(RecordKey.value >= stem, RecordKey.value < successor(stem))
            return q.where(RecordKey.value.like(_escape_like(stem) + "%", escape="\\"))
        return q.where(RecordKey.value == value)

    def codepoint_order(self) -> bool:
        """Whether the key column sorts by code point, so that a prefix is exactly a range."""
        return True


def successor(stem: str) -> str:
    """The least string greater than every string beginning with `stem` (in code-point order)."""
    return stem[:-1] + chr(ord(stem[-1]) + 1)


def _is_text(node) -> bool:
    if isinstance(node, Match):
        return True
    if isinstance(node, (And, Or)):
        return all(_is_text(i) for i in node.items)
    if isinstance(node, Not):
        return _is_text(node.item)
    return False


def _int(value: str, what: str) -> int:
    text = str(value).strip()
    try:
        number = int(text) if len(text) <= 19 else None  # int() refuses thousands of digits
    except ValueError:
        raise QueryError(f"{what} must be a number") from None
    # Beyond a 64-bit integer SQLite's driver raises OverflowError (a 500; SRU's diagnostic 1).
    if number is None or not -MAX_ID <= number <= MAX_ID:
        raise QueryError(f"{what} is out of range")
    return number


def _compare(col, value, relation):
    return {"=": col == value, "==": col == value, "any": col == value, "all": col == value,
            "<": col < value, ">": col > value, "<=": col <= value, ">=": col >= value}[relation]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
