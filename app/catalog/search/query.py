"""A search as data: terms combined with and / or / not. The web form and CQL both compile to it,
and each engine's backend compiles it to SQL, so the two engines answer the same questions."""
from __future__ import annotations

from dataclasses import dataclass

TEXT_INDEXES = ("keyword", "title", "author", "subject", "publisher")
KEY_INDEXES = ("isbn", "issn", "clc", "lcc", "ddc", "class")
FILTER_INDEXES = ("database", "language", "material", "level", "kind", "format", "library", "region")
NUMBER_INDEXES = ("year", "id")
INDEXES = TEXT_INDEXES + KEY_INDEXES + FILTER_INDEXES + NUMBER_INDEXES
RELATIONS = ("=", "==", "any", "all", "<", ">", "<=", ">=")


class QueryError(ValueError):
    """The search cannot be run as given; the message says why (shown to the user)."""


@dataclass(frozen=True)
class Term:
    index: str
    value: str
    relation: str = "="

    def __post_init__(self):
        if self.index not in INDEXES:
            raise QueryError(f"unknown index: {self.index}")
        if self.relation not in RELATIONS:
            raise QueryError(f"unsupported relation: {self.relation}")
        if self.relation in ("<", ">", "<=", ">=") and self.index not in NUMBER_INDEXES:
            raise QueryError(f"relation {self.relation} only applies to year and id")


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


Node = Term | And | Or | Not


def all_of(*nodes) -> Node | None:
    nodes = tuple(n for n in nodes if n is not None)
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else And(nodes)


def text_terms(node) -> list[Term]:
    """The positive full-text terms, which decide relevance."""
    if isinstance(node, Term):
        return [node] if node.index in TEXT_INDEXES else []
    if isinstance(node, (And, Or)):
        return [t for item in node.items for t in text_terms(item)]
    return []


# --- full-text trees ---------------------------------------------------------------------------------------
# A full-text part of a query, with And / Or / Not over `Match` leaves, is answered by the engine in one
# statement over its full-text table (one FTS5 MATCH; one record_search scan) instead of one sub-query
# per term: `poems NOT english` tests both words on the same row.


@dataclass(frozen=True)
class Match:
    """`column` holds all (mode "all") or any (mode "any") of the phrases (tuples of tokens)."""

    column: str
    phrases: tuple
    mode: str = "all"


def flatten(tree):
    """Nested And (or Or) of the same kind merged into one, so that a group sees all its members."""
    if isinstance(tree, (And, Or)):
        items = []
        for item in (flatten(i) for i in tree.items):
            items.extend(item.items if type(item) is type(tree) else (item,))
        return type(tree)(tuple(items))
    if isinstance(tree, Not):
        return Not(flatten(tree.item))
    return tree


def positive(tree) -> bool:
    """True when the tree can be answered from the full-text table alone: every record it matches has
    a positive term there (a bare NOT cannot: it matches records the table knows nothing about), and
    every NOT is inside an AND with such a term. Such a tree is exactly the old per-term evaluation,
    because a record has one row in the full-text table."""
    if isinstance(tree, Match):
        return True
    if isinstance(tree, Or):
        return all(positive(i) for i in tree.items)
    if isinstance(tree, And):
        plain = [i for i in tree.items if not isinstance(i, Not)]
        negated = [i.item for i in tree.items if isinstance(i, Not)]
        return bool(plain) and all(positive(i) for i in plain) and all(positive(i) for i in negated)
    return False


def skeleton(tree):
    """The positive part of a tree (NOTs dropped): what relevance is computed from. None if nothing."""
    if isinstance(tree, Match):
        return tree
    if isinstance(tree, (And, Or)):
        items = tuple(s for s in (skeleton(i) for i in tree.items) if s is not None)
        if not items:
            return None
        return items[0] if len(items) == 1 else type(tree)(items)
    return None
