"""A search as data: terms combined with and / or / not. The web form and CQL both compile to it,
and each engine's backend compiles it to SQL, so the two engines answer the same questions."""
from __future__ import annotations

from dataclasses import dataclass

TEXT_INDEXES = ("keyword", "title", "author", "subject", "publisher")
KEY_INDEXES = ("isbn", "issn", "clc", "lcc", "ddc", "class")
FILTER_INDEXES = ("database", "material", "level", "kind", "format", "library", "region")
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
